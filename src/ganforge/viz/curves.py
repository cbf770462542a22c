import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402

SKIP_COLUMNS = {"step", "epoch", "time_s", "images_per_s"}
# Columns drawn together in one panel, with the 0.5 line a GAN's D sits at in equilibrium (Goodfellow et al. 2014).
SHARED_PANELS = {"D(x), D(G(z))": ("d_real", "d_fake"), "D accuracy": ("acc_real", "acc_fake")}


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
    """One panel per logged loss/score, over training steps; D(x) with D(G(z)), and the accuracies on real and
    fake, share a panel each, with the 0.5 line."""
    if not Path(metrics_csv).is_file():
        return None
    columns = read_csv_columns(Path(metrics_csv))
    keys = [k for k in columns if k not in SKIP_COLUMNS]
    if not keys:
        return None
    panels = curve_panels(keys)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.0), squeeze=False)
    for ax, (name, members) in zip(axes[0], panels):
        for key in members:
            steps, values = columns[key]
            ax.plot(steps, values, linewidth=1.0, marker="o" if len(values) < 20 else None, markersize=3,
                    label=key if len(members) > 1 else None)
        if name in SHARED_PANELS:
            ax.axhline(0.5, color="gray", linestyle="--", linewidth=0.8)
            ax.set_ylim(-0.02, 1.02)
            ax.legend(fontsize=7)
        ax.set_title(name)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return Path(out_png)


def curve_panels(keys: list[str]) -> list[tuple[str, list[str]]]:
    """(title, columns) per panel: each column alone, but D's probabilities and accuracies in a shared panel."""
    panels, placed = [], set()
    for key in keys:
        shared = next((name for name, members in SHARED_PANELS.items() if key in members), None)
        if shared is None:
            panels.append((key, [key]))
        elif shared not in placed:
            placed.add(shared)
            panels.append((shared, [k for k in SHARED_PANELS[shared] if k in keys]))
    return panels
