"""Run a set of metrics on a trained method: one provenance-carrying dict (one JSON line) per metric."""
import time
from datetime import datetime, timezone

import torch

from .. import __version__
from ..config import DataConfig, EvalConfig
from ..errors import GanforgeError
from .context import EvalContext, is_mnist
from .registry import METRICS, metric_entry

PUBLISHED_N = 10000  # FID/KID are biased by the sample count: fewer generated images are a "quick" number


def resolve_metrics(spec: str, conditional: bool, data_cfg: DataConfig, during_training: bool = False) -> list[str]:
    """'auto', or comma-separated names. auto: on MNIST the digit-classifier metrics (cheap), plus FID and KID
    outside training; elsewhere FID (and KID)."""
    names = [n.strip() for n in spec.split(",") if n.strip()]
    if names == ["auto"]:
        mnist = is_mnist(data_cfg)
        names = [] if (mnist and during_training) else (["fid"] if during_training else ["fid", "kid"])
        if mnist:
            names += ["classifier_fid", "class_score", "coverage"] + (["conditional_accuracy"] if conditional else [])
    if not names:
        raise GanforgeError("no metrics given: use e.g. --metrics fid,kid (or auto)")
    for name in names:
        entry = metric_entry(name)
        if entry.conditional_only and not conditional:
            raise GanforgeError(f"metric {name} needs a conditional run (model.conditional=true)")
        if entry.mnist_only and not is_mnist(data_cfg):
            raise GanforgeError(f"metric {name} needs 28x28 greyscale MNIST; this run trained on "
                                f"{data_cfg.name} at {data_cfg.image_size}px: use fid or kid")
    return names


def evaluate_method(method, data_cfg: DataConfig, settings: EvalConfig, step: int, source: str,
                    names: list[str] | None = None, announce=print) -> list[dict]:
    """Evaluate `names` (default: settings.metrics resolved) and return one record per metric.

    Leaves the global RNG as it found it (resume stays exact): sampling and KID use their own seeded RNGs.
    """
    conditional = bool(getattr(method, "conditional", False))
    names = names or resolve_metrics(settings.metrics, conditional, data_cfg)
    ctx = EvalContext(method, data_cfg, settings, announce)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    records = []
    for name in names:
        entry = METRICS[name]
        start = time.perf_counter()
        result = entry.fn(ctx)
        records.append({"metric": name, "value": result.pop("value"), **result, "step": step,
                        **ctx.provenance(entry.needs), "quick": len(ctx.generated) < PUBLISHED_N, "source": source,
                        "seconds": round(time.perf_counter() - start, 2),
                        "ganforge": __version__, "torch": str(torch.__version__), "time": stamp})
    return records


def format_record(record: dict) -> str:
    value = record["value"]
    extra = f" ± {record['std']:.2g}" if "std" in record else ""
    extra += " (quick: fewer than 10k samples)" if record.get("quick") and record["metric"] in ("fid", "kid") else ""
    return (f"{record['metric']:>22} {value:.5g}{extra}  ({record['n_generated']:,} generated vs "
            f"{record['n_real']:,} {record['real_data']}, {record['feature_net'].split(' (')[0]})")
