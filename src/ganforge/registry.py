"""One registry of training methods: `@register("gan", GanConfig)` on a class, `create(name, ...)` to build."""
from dataclasses import dataclass
from typing import Callable

from .errors import GanforgeError


@dataclass(frozen=True)
class MethodEntry:
    name: str
    cls: type
    config_cls: type


_METHODS: dict[str, MethodEntry] = {}


def register(name: str, config_cls: type) -> Callable[[type], type]:
    def add(cls: type) -> type:
        _METHODS[name] = MethodEntry(name, cls, config_cls)
        return cls
    return add


def method_entry(name: str) -> MethodEntry:
    _import_methods()
    if name not in _METHODS:
        raise GanforgeError(f"unknown method '{name}'; available: {', '.join(sorted(_METHODS))}")
    return _METHODS[name]


def available_methods() -> list[str]:
    _import_methods()
    return sorted(_METHODS)


def _import_methods() -> None:
    from . import methods  # noqa: F401  (importing registers every method)
