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
    labels_only: bool  # needs labelled data: MNIST's digits or a labelled image folder
    conditional_only: bool
    summary: str
    every_split: bool  # measured against each real split eval.split names (else only the main one)


METRICS: dict[str, MetricEntry] = {}


def metric(name: str, better: str, needs: str, summary: str, labels_only: bool = False, conditional_only: bool = False,
           every_split: bool | None = None):
    """every_split defaults to the Inception metrics (FID, KID: against train and held-out images)."""
    def add(fn: Callable) -> Callable:
        per_split = needs == "inception" if every_split is None else every_split
        METRICS[name] = MetricEntry(name, fn, better, needs, labels_only, conditional_only, summary, per_split)
        return fn
    return add


def base_name(name: str) -> str:
    """A record's metric without its qualifier: 'fid/test' (against the held-out split) and
    'conditional_accuracy/gender' (one attribute) are measured, and improve, as 'fid' and 'conditional_accuracy'."""
    return name.split("/")[0]


def metric_entry(name: str) -> MetricEntry:
    name = base_name(name)
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
