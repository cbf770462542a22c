"""One registry of training methods: `@register("gan", GanConfig)` on a method's class; `method_entry(name)` finds it
and `factory.build_method` builds it. Importing anything in ganforge.methods first imports the package, which
imports (and so registers) every method."""
from dataclasses import dataclass
from typing import Callable

from ..errors import GanforgeError


@dataclass(frozen=True)
class MethodEntry:
    name: str
    cls: type
    config_cls: type


_METHODS: dict[str, MethodEntry] = {}


def register(name: str, config_cls: type) -> Callable[[type], type]:
    def add(cls: type) -> type:
        cls.name = name
        _METHODS[name] = MethodEntry(name, cls, config_cls)
        return cls
    return add


def method_entry(name: str) -> MethodEntry:
    if name not in _METHODS:
        raise GanforgeError(f"unknown method '{name}'; available: {', '.join(sorted(_METHODS))}")
    return _METHODS[name]


def available_methods() -> list[str]:
    return sorted(_METHODS)
