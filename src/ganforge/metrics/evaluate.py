"""Run a set of metrics on a trained method: one provenance-carrying dict (one JSON line) per metric."""
import time
from datetime import datetime, timezone

import torch

from ..capabilities import is_conditional
from ..data_config import DataConfig
from ..errors import GanforgeError
from ..eval_config import EvalConfig
from ..version import __version__
from .context import EvalContext, has_labels, is_mnist
from .registry import METRICS, base_name, metric_entry

PUBLISHED_N = 10000  # FID/KID are biased by the sample count: fewer generated images are a "quick" number
# FID's bias grows as the real set shrinks; below this many real images KID (unbiased) is the number to read.
SMALL_REAL = 10000


def resolve_metrics(spec: str, conditional: bool, data_cfg: DataConfig, during_training: bool = False) -> list[str]:
    """'auto', or comma-separated names. auto: on MNIST the digit-classifier metrics (cheap), plus FID and KID
    outside training; on a labelled folder FID and KID (KID only outside training), the class metrics and,
    for a conditional run, conditional accuracy and intra-class FID; elsewhere FID (and KID)."""
    names = [n.strip() for n in spec.split(",") if n.strip()]
    if names == ["auto"]:
        mnist = is_mnist(data_cfg)
        names = [] if (mnist and during_training) else (["fid"] if during_training else ["fid", "kid"])
        if mnist:
            names += ["classifier_fid", "class_score", "coverage"] + (["conditional_accuracy"] if conditional else [])
        elif has_labels(data_cfg):
            names += (["intra_fid", "conditional_accuracy"] if conditional else []) + ["class_score", "coverage"]
    if not names:
        raise GanforgeError("no metrics given: use e.g. --metrics fid,kid (or auto)")
    for name in names:
        entry = metric_entry(name)
        if entry.conditional_only and not conditional:
            raise GanforgeError(f"metric {name} needs a conditional run (model.conditional=true)")
        if entry.labels_only and not has_labels(data_cfg):
            raise GanforgeError(f"metric {name} needs labelled images (28x28 MNIST, or a folder with class "
                                f"sub-folders or data.labels=filename); this run's {data_cfg.name} data has "
                                "none: use fid or kid")
    return names


def evaluate_method(method, data_cfg: DataConfig, settings: EvalConfig, step: int, source: str,
                    names: list[str] | None = None, announce=print) -> list[dict]:
    """Evaluate `names` (default: settings.metrics resolved) and return one record per metric; when eval.split
    names two real splits, the metrics that compare with real images add one against the second (fid against
    train, then fid/test against the held-out images); several attributes add conditional_accuracy/<attribute>.

    Leaves the global RNG as it found it (resume stays exact): sampling and KID use their own seeded RNGs.
    """
    conditional = is_conditional(method)
    names = names or resolve_metrics(settings.metrics, conditional, data_cfg)
    ctx = EvalContext(method, data_cfg, settings, announce)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    records = []
    for name in names:
        entry = METRICS[name]
        main = ctx.classifier_split if entry.needs == "classifier" else ctx.splits[0]
        for split in ctx.splits if entry.every_split else [main]:
            ctx.split = split
            start = time.perf_counter()
            result = entry.fn(ctx)
            parts = result.pop("parts", {})
            label = name if split == main else f"{name}/{split}"
            common = {"step": step, **ctx.provenance(entry.needs), "quick": len(ctx.generated) < PUBLISHED_N,
                      "source": source, "seconds": round(time.perf_counter() - start, 2),
                      "ganforge": __version__, "torch": str(torch.__version__), "time": stamp}
            records.append({"metric": label, "value": result.pop("value"), **result, **small_real_note(name, common),
                            **common})
            records += [{"metric": f"{label}/{part}", "value": extra.pop("value"), **extra, **common}
                        for part, extra in parts.items()]
    return records


def small_real_note(name: str, common: dict) -> dict:
    """FID and KID against few real images say which of them to read: KID, whose estimate is unbiased."""
    if name not in ("fid", "kid", "intra_fid") or common["n_real"] >= SMALL_REAL:
        return {}
    note = (f"{common['n_real']:,} real images (< {SMALL_REAL:,}): FID is biased upwards at this size, "
            "KID is the primary number")
    return {"primary": "kid", "note": note}


def format_record(record: dict) -> str:
    value = record["value"]
    extra = f" ± {record['std']:.2g}" if "std" in record else ""
    quick = record.get("quick") and base_name(record["metric"]) in ("fid", "kid", "intra_fid")
    extra += " (quick: fewer than 10k samples)" if quick else ""
    if record.get("primary") == "kid":
        extra += " [primary: few real images]" if record["metric"].startswith("kid") else " [biased: few real images, read kid]"
    split = f" {record['split']}" if record.get("split") else ""
    line = (f"{record['metric']:>22} {value:.5g}{extra}  ({record['n_generated']:,} generated vs "
            f"{record['n_real']:,}{split} {record['real_data']}, {record['feature_net'].split(' (')[0]})")
    detail = record.get("per_class") or record.get("per_value")
    if isinstance(detail, dict) and base_name(record["metric"]) in ("intra_fid", "conditional_accuracy"):
        line += "\n" + " " * 23 + "  ".join(f"{k} {'—' if v is None else f'{v:.4g}'}" for k, v in detail.items())
    return line
