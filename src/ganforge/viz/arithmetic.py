"""Pictures for latent arithmetic: a numbered grid to pick cells from, and the A - B + C figure."""
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

DPI = 100


def show(ax, image: torch.Tensor) -> None:
    array = image.float().clamp(-1, 1).add(1).div(2).permute(1, 2, 0).cpu().numpy()
    ax.imshow(array[:, :, 0] if array.shape[-1] == 1 else array, cmap="gray", vmin=0, vmax=1)


def title_room(fig, title: str) -> tuple[float, float, float, float]:
    """The part of the figure the panels may fill: all of it, less 0.35 inch at the top for a title."""
    return (0, 0, 1, 1 - 0.35 / fig.get_figheight() if title else 1)


def save_numbered_grid(images: torch.Tensor, path: Path | str, nrow: int | None = None, title: str = "") -> Path:
    """The grid with each cell's index in its corner, to pick cells for `ganforge arithmetic` by number."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nrow = nrow or max(1, math.ceil(math.sqrt(len(images))))
    rows = math.ceil(len(images) / nrow)
    fig, axes = blank_cells(rows, nrow, nrow * 1.0 + 0.2, title)
    for i, (ax, image) in enumerate(zip(axes.flat, images)):
        show(ax, image)
        ax.text(1, 1, str(i), fontsize=7, va="top", ha="left", color="black",
                bbox={"facecolor": "white", "alpha": 0.75, "pad": 1, "linewidth": 0})
    return finish(fig, path, title, h_pad=0.1)


def save_arithmetic(result, path: Path | str, swap: tuple[torch.Tensor, torch.Tensor] | None = None,
                    swap_names: tuple[str, str] = ("", ""), title: str = "") -> Path:
    """Rows A, B, C: the picked cells, then (after a gap) the image of their mean latent; then A - B + C: the
    perturbed samples and the exact sum. With `swap`: the A cells under one label and under the other. `result`
    may be None for a label swap alone."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    if result is not None:
        rows += [(k.upper(), list(result.cells[k]), result.means[k], f"mean {k.upper()}") for k in ("a", "b", "c")]
        rows.append(("A - B + C", list(result.result), result.center, "exact"))
    if swap is not None:
        rows += [(f"A as {swap_names[0]}", list(swap[0]), None, ""), (f"A as {swap_names[1]}", list(swap[1]), None, "")]
    widest = max(len(images) for _, images, _, _ in rows)
    cols = widest + 2  # the cells, a gap, the mean (or exact) image
    fig, axes = blank_cells(len(rows), cols, cols * 0.9 + 0.9, title)
    for r, (name, images, summary, summary_name) in enumerate(rows):
        axes[r, 0].set_title(name, fontsize=8, loc="left", pad=2)
        for ax, image in zip(axes[r], images):
            show(ax, image)
        if summary is not None:
            show(axes[r, -1], summary)
            axes[r, -1].set_title(summary_name, fontsize=8, pad=2)
    return finish(fig, path, title, h_pad=0.3)


def blank_cells(rows: int, cols: int, width: float, title: str):
    """A rows x cols figure of image cells, axes hidden, an inch a row (+ room for the title)."""
    fig, axes = plt.subplots(rows, cols, figsize=(width, rows * 1.0 + (0.4 if title else 0.1)), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, axes


def finish(fig, path: Path, title: str, h_pad: float) -> Path:
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout(pad=0.2, w_pad=0.1, h_pad=h_pad, rect=title_room(fig, title))
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path

