import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402

SKIP_COLUMNS = {"step", "epoch", "time_s", "images_per_s"}


def read_csv_columns(path: Path) -> dict[str, tuple[list[float], list[float]]]:
    """Each column as (steps, values) over the rows that have it: held-out scores are logged less often."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    columns: dict[str, tuple[list[float], list[float]]] = {}
    for row in rows:
        for key, value in row.items():
            if value not in ("", None) and key != "step":
                steps, values = columns.setdefault(key, ([], []))
                steps.append(float(row["step"]))
                values.append(float(value))
    return columns


def plot_loss_curves(metrics_csv: Path | str, out_png: Path | str, title: str = "") -> Path | None:
    """One panel per logged loss/score, over training steps."""
    if not Path(metrics_csv).is_file():
        return None
    columns = read_csv_columns(Path(metrics_csv))
    keys = [k for k in columns if k not in SKIP_COLUMNS]
    if not keys:
        return None
    fig, axes = plt.subplots(1, len(keys), figsize=(3.6 * len(keys), 3.0), squeeze=False)
    for ax, key in zip(axes[0], keys):
        steps, values = columns[key]
        ax.plot(steps, values, linewidth=1.0, marker="o" if len(values) < 20 else None, markersize=3)
        ax.set_title(key)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return Path(out_png)
