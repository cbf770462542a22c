"""Sample-quality metrics, one file each, registered by name (`registry.py`); `evaluate_method` runs a set of
them and returns one record with its provenance per metric (written as JSON lines to RUN/metrics.jsonl)."""
from . import class_score, classifier_fid, conditional_accuracy, coverage, fid, intra_fid, kid  # noqa: F401 (registers)
from .evaluate import evaluate_method, format_record, resolve_metrics
from .registry import METRICS, best_of, is_improvement, metric_entry

__all__ = ["METRICS", "best_of", "evaluate_method", "format_record", "is_improvement", "metric_entry", "resolve_metrics"]
