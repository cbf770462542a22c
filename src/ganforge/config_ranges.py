"""Allowed ranges of numeric config fields, declared next to each config dataclass and checked in one place.

`declare_ranges(TrainConfig, batch_size=at_least(1), ...)` after a dataclass; `load_config` then refuses any
value outside its range with one line naming the key, the value and the range. A numeric field without a
declared range is not checked (tests/test_config_ranges.py fails until it has one).
"""
from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from dataclasses import dataclass

from .errors import GanforgeError


@dataclass(frozen=True)
class Range:
    """low/high bounds (None: unbounded), each inclusive unless *_open; or a fixed set of choices."""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple = ()

    def allows(self, value) -> bool:
        if self.choices:
            return value in self.choices
        if isinstance(value, float) and not math.isfinite(value):
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or (value < self.high if self.high_open else value <= self.high)

    def describe(self) -> str:
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        if self.high is None:
            return f"{'>' if self.low_open else '>='} {self.low}"
        return f"in {'(' if self.low_open else '['}{self.low}, {self.high}{')' if self.high_open else ']'}"


def at_least(low) -> Range:
    return Range(low)


def above(low) -> Range:
    return Range(low, low_open=True)


def between(low, high, high_open: bool = False) -> Range:
    return Range(low, high, high_open=high_open)


def one_of(*choices) -> Range:
    return Range(choices=choices)


# Adam's betas, decays, dropout: a fraction below 1
FRACTION = between(0, 1, high_open=True)
POSITIVE = at_least(1)  # counts, sizes, intervals
NON_NEGATIVE = at_least(0)  # budgets and weights where 0 means "off"
RATE = above(0)  # learning rates

_RANGES: dict[type, dict[str, Range]] = {}


def declare_ranges(cls: type, **ranges: Range) -> None:
    """Declare the allowed values of `cls`'s numeric fields (a list field's range applies to each item)."""
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(ranges) - names
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    _RANGES.setdefault(cls, {}).update(ranges)


def ranges_of(cls: type) -> dict[str, Range]:
    """Declared ranges of `cls` and the config classes it extends."""
    out: dict[str, Range] = {}
    for base in reversed(cls.__mro__):
        out.update(_RANGES.get(base, {}))
    return out


def numeric_fields(cls: type) -> dict[str, tuple[type, bool]]:
    """{name: (int or float, is_list)} for the int/float fields of a dataclass, Optional and list[...] included."""
    out = {}
    for name, hint in typing.get_type_hints(cls).items():
        if name not in {f.name for f in dataclasses.fields(cls)}:
            continue
        is_list = typing.get_origin(hint) is list
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = typing.get_origin(hint) in (typing.Union, types.UnionType)  # Optional[int] or int | None
        inner = args[0] if (is_list or optional) and len(args) == 1 else hint
        if inner in (int, float):
            out[name] = (inner, is_list)
    return out


DEVICE = re.compile(r"auto|cpu|cuda(:\d+)?|mps")


def check_config(cfg) -> None:
    """Every declared range of every section of a RunConfig; the first value outside its range is refused."""
    for section in ("data", "train", "eval", "model"):
        part = getattr(cfg, section, None)
        if part is None or not dataclasses.is_dataclass(part):
            continue
        ranges = ranges_of(type(part))
        for name in numeric_fields(type(part)):
            value, allowed = getattr(part, name), ranges.get(name)
            if allowed is None or value is None:
                continue
            if not all(allowed.allows(v) for v in (value if isinstance(value, list) else [value])):
                raise GanforgeError(f"{section}.{name}={value} is out of range: it must be {allowed.describe()}"
                                    f"{' (each item)' if isinstance(value, list) else ''}")
    device = getattr(getattr(cfg, "train", None), "device", "auto")
    if not DEVICE.fullmatch(device):
        raise GanforgeError(f"train.device={device} is not a device: use auto, cpu, cuda, cuda:N or mps")
