import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402

SKIP_COLUMNS = {"step", "epoch", "time_s", "images_per_s"}


def read_metrics(path: Path) -> dict[str, list[float]]:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    columns: dict[str, list[float]] = {}
    for row in rows:
        for key, value in row.items():
            if value not in ("", None):
                columns.setdefault(key, []).append(float(value))
    return columns


def plot_loss_curves(metrics_csv: Path | str, out_png: Path | str, title: str = "") -> Path | None:
    """One panel per logged loss/score, over training steps."""
    if not Path(metrics_csv).is_file():
        return None
    columns = read_metrics(Path(metrics_csv))
    if "step" not in columns:
        return None
    keys = [k for k in columns if k not in SKIP_COLUMNS and len(columns[k]) == len(columns["step"])]
    if not keys:
        return None
    fig, axes = plt.subplots(1, len(keys), figsize=(3.6 * len(keys), 3.0), squeeze=False)
    for ax, key in zip(axes[0], keys):
        ax.plot(columns["step"], columns[key], linewidth=1.0)
        ax.set_title(key)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return Path(out_png)
