"""Several runs on shared axes: every loss and recorded metric (FID, KID, held-out bounds ...) over steps or
over training minutes, one panel per quantity, one line per run (`ganforge plot --compare`, the app's Compare)."""
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from .curves import SKIP_COLUMNS, plt, read_csv_columns

X_AXES = ("step", "minutes")


@dataclass
class Series:
    steps: np.ndarray
    minutes: np.ndarray
    values: np.ndarray


def run_threads(run: Path) -> int:
    config = yaml.safe_load((run / "config.yaml").read_text()) if (run / "config.yaml").is_file() else {}
    return int(((config or {}).get("train") or {}).get("threads") or 0)


def run_series(run: str | Path) -> dict[str, Series]:
    """Each quantity a run recorded: the losses of metrics.csv, and every metric of metrics.jsonl (one series per
    metric and sample size: a quick 2,000-sample FID and a 10,000-sample one are different numbers). Minutes are
    training wall time (evaluation excluded), read from metrics.csv's time_s at the same step."""
    run = Path(run)
    columns = read_csv_columns(run / "metrics.csv") if (run / "metrics.csv").is_file() else {}
    clock_steps, clock_s = columns.get("time_s", ([], []))

    def minutes(steps):
        return np.interp(steps, clock_steps, np.asarray(clock_s) / 60) if clock_steps else np.full(len(steps), np.nan)

    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()] \
        if (run / "metrics.jsonl").is_file() else []
    grouped: dict[str, dict[int, dict]] = {}
    for r in records:
        if isinstance(r.get("value"), (int, float)) and "metric" in r and "step" in r:
            grouped.setdefault(r["metric"], {}).setdefault(r.get("n_generated"), {})[int(r["step"])] = r["value"]
    series = {}
    for key, (steps, values) in columns.items():
        # A held-out score is in both files (val_NAME and NAME): keep metrics.jsonl's.
        if key not in SKIP_COLUMNS and not (key.startswith("val_") and key[4:] in grouped):
            series[key] = Series(np.asarray(steps), minutes(steps), np.asarray(values))
    for metric, by_size in grouped.items():
        for n, by_step in by_size.items():
            name = metric if len(by_size) == 1 or not n else f"{metric} (n={n:,})"
            steps = np.asarray(sorted(by_step), dtype=float)
            series[name] = Series(steps, minutes(steps), np.asarray([by_step[int(s)] for s in steps]))
    return series


def plot_compare(runs: list[str | Path], out_png: str | Path, x: str = "step", names: list[str] | None = None,
                 columns: int = 3) -> Path:
    """One panel per quantity any of the runs recorded, one coloured line per run; returns the PNG."""
    from ..errors import GanforgeError
    if x not in X_AXES:
        raise GanforgeError(f"unknown x axis '{x}': use {' or '.join(X_AXES)}")
    runs = [Path(r) for r in runs]
    names = names or [r.name for r in runs]
    all_series = [run_series(r) for r in runs]
    keys = list(dict.fromkeys(k for s in all_series for k in s))
    if not keys:
        raise GanforgeError(f"none of {', '.join(names)} has logged anything yet (metrics.csv / metrics.jsonl)")
    # CPU-minutes when every run says how many threads it trained with; wall minutes otherwise.
    threads = [run_threads(r) for r in runs]
    scale = threads if x == "minutes" and all(threads) else [1] * len(runs)
    xlabel = "step" if x == "step" else ("CPU-minutes (wall x threads)" if all(threads) else "training minutes")
    rows = -(-len(keys) // columns)
    fig, axes = plt.subplots(rows, min(columns, len(keys)), figsize=(4.2 * min(columns, len(keys)), 3.1 * rows),
                             squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, key in zip(axes.flat, keys):
        for i, (series, name) in enumerate(zip(all_series, names)):
            if key in series:
                s = series[key]
                xs = s.steps if x == "step" else s.minutes * scale[i]
                ax.plot(xs, s.values, color=colours[i % len(colours)], linewidth=1.0, label=name,
                        marker="o" if len(s.values) < 20 else None, markersize=3)
        ax.set_title(key)
        ax.set_xlabel(xlabel)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    legend = {label: handle for ax in axes.flat for handle, label in zip(*ax.get_legend_handles_labels())}
    fig.legend(list(legend.values()), list(legend), loc="upper center", ncol=min(len(runs), 4), frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / (3.1 * rows)))
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return out_png
