"""Warnings that a run is collapsing, from its evaluation history: coverage drops or a distance jumps."""
from .registry import METRICS, base_name

COVERAGE_DROP = 0.2  # two of ten digits no longer drawn
JUMP_FACTOR = 1.5  # a distance 50 % above the run's best so far; GAN curves wobble by less between evaluations


def comparable(history: list[dict], record: dict) -> list[float]:
    """Earlier values of the same metric, measured the same way (a 2k-sample FID is not a 10k one)."""
    return [h["value"] for h in history if h.get("metric") == record["metric"]
            and h.get("n_generated") == record.get("n_generated") and h.get("step", -1) < record["step"]]


def collapse_warnings(history: list[dict], records: list[dict]) -> list[str]:
    warnings = []
    for record in records:
        earlier, value = comparable(history, record), record["value"]
        if not earlier:
            continue
        entry = METRICS.get(base_name(record["metric"]))
        if base_name(record["metric"]) == "coverage" and max(earlier) - value >= COVERAGE_DROP:
            warnings.append(f"coverage fell from {max(earlier):.2f} to {value:.2f} at step {record['step']}: the "
                            f"generator stopped drawing some classes (mode collapse?) {record.get('histogram', '')}")
        elif entry is not None and entry.better == "lower" and value > JUMP_FACTOR * min(earlier) and value > 0:
            warnings.append(f"{record['metric']} jumped to {value:.4g} at step {record['step']} from a best of "
                            f"{min(earlier):.4g}: the run may be collapsing (best.pt keeps the best state)")
    return warnings
