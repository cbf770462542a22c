"""A registry of sample-quality metrics: `@metric("fid", better="lower", needs="inception")` on a function of
an EvalContext that returns {"value": float, ...extra fields}."""
from dataclasses import dataclass
from typing import Callable

from ..errors import GanforgeError


@dataclass(frozen=True)
class MetricEntry:
    name: str
    fn: Callable
    better: str  # "lower" | "higher": which way is an improvement (picks best.pt)
    needs: str  # "inception" | "classifier": which feature network, for the provenance
    mnist_only: bool
    conditional_only: bool
    summary: str


METRICS: dict[str, MetricEntry] = {}


def metric(name: str, better: str, needs: str, summary: str, mnist_only: bool = False, conditional_only: bool = False):
    def add(fn: Callable) -> Callable:
        METRICS[name] = MetricEntry(name, fn, better, needs, mnist_only, conditional_only, summary)
        return fn
    return add


def metric_entry(name: str) -> MetricEntry:
    if name not in METRICS:
        raise GanforgeError(f"unknown metric '{name}'; available: {', '.join(sorted(METRICS))} (or auto)")
    return METRICS[name]


def is_improvement(name: str, value: float, best: float | None) -> bool:
    if best is None:
        return True
    return value < best if metric_entry(name).better == "lower" else value > best


def best_of(name: str, values: list[float]) -> float | None:
    if not values:
        return None
    return min(values) if metric_entry(name).better == "lower" else max(values)
