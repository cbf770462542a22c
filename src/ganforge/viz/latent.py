"""Pictures of a latent space: scatter of encodings, GIFs of paths, samples ranked by a discriminator."""
import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torchvision.utils import make_grid  # noqa: E402

DPI = 100


def save_scatter(points: torch.Tensor, labels: torch.Tensor | None, class_names: list[str], path: Path | str,
                 title: str = "", axis: str = "z", size_inches: float = 7.0) -> Path:
    """2-d points coloured by class, with a legend; one colour and no legend without labels."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    points = points.detach().float().cpu().numpy()
    fig, ax = plt.subplots(figsize=(size_inches, size_inches))
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=3, alpha=0.5, linewidths=0)
    else:
        labels = labels.cpu().numpy()
        colours = plt.get_cmap("tab10" if len(class_names) <= 10 else "tab20")
        for k, name in enumerate(class_names):
            chosen = labels == k
            ax.scatter(points[chosen, 0], points[chosen, 1], s=3, alpha=0.6, linewidths=0,
                       color=colours(k % colours.N), label=name)
        ax.legend(markerscale=4, loc="upper right", fontsize=9, framealpha=0.8)
    ax.set_xlabel(f"{axis}[0]" if axis == "z" else f"{axis}1")
    ax.set_ylabel(f"{axis}[1]" if axis == "z" else f"{axis}2")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def to_frame(images: torch.Tensor, nrow: int, min_width: int = 480) -> np.ndarray:
    """Images in [-1, 1] -> one H x W x C uint8 grid, enlarged by a whole factor so small images stay visible."""
    grid = make_grid(images.float().clamp(-1, 1), nrow=nrow, padding=2, normalize=True, value_range=(-1, 1),
                     pad_value=1.0)
    scale = max(1, math.ceil(min_width / grid.shape[-1]))
    grid = grid.repeat_interleave(scale, 1).repeat_interleave(scale, 2)
    return grid.mul(255).add(0.5).clamp(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()


def save_path_gif(rows: torch.Tensor, path: Path | str, seconds: float = 3.0) -> Path:
    """rows: R x S x C x H x W, S points along each of R paths. Frame s shows every path at point s; the GIF
    runs forward then back, so it loops without a jump."""
    import imageio.v3 as iio  # deferred: only GIFs need it
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count, steps = rows.shape[:2]
    nrow = count if count <= 8 else math.ceil(math.sqrt(count))
    frames = [to_frame(rows[:, s], nrow) for s in range(steps)]
    frames = frames + frames[-2:0:-1]
    if frames[0].shape[-1] == 1:
        frames = [f[:, :, 0] for f in frames]
    iio.imwrite(path, np.stack(frames), extension=".gif", duration=int(1000 * seconds / steps), loop=0)
    return path


def save_ranked(images: torch.Tensor, scores: torch.Tensor, top: int, bottom: int, path: Path | str,
                title: str = "") -> Path:
    """The `top` highest- and `bottom` lowest-scored images side by side, each with its score.

    images and scores are sorted highest first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    top, bottom = min(top, len(images)), min(bottom, len(images))
    cols = max(1, math.ceil(math.sqrt(max(top, bottom))))
    rows = max(math.ceil(top / cols), math.ceil(bottom / cols), 1)
    fig = plt.figure(figsize=(2 * cols * 1.1 + 0.4, rows * 1.2 + 0.8), layout="constrained")
    sides = fig.subfigures(1, 2, wspace=0.05)
    n = len(images)
    panels = [(sides[0], list(range(top)), f"highest {top} of {n}"),
              (sides[1], list(range(n - bottom, n))[::-1], f"lowest {bottom} of {n}")]
    for side, indices, heading in panels:
        axes = side.subplots(rows, cols, squeeze=False)
        for ax in axes.flat:
            ax.axis("off")
        for ax, i in zip(axes.flat, indices):
            image = images[i].float().clamp(-1, 1).add(1).div(2).permute(1, 2, 0).cpu().numpy()
            ax.imshow(image[:, :, 0] if image.shape[-1] == 1 else image, cmap="gray", vmin=0, vmax=1)
            ax.set_title(f"{float(scores[i]):.2f}", fontsize=8, pad=2)
        side.suptitle(heading, fontsize=10)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def save_label_rows(rows: torch.Tensor, column_names: list[str], path: Path | str, title: str = "") -> Path:
    """A rows x columns image grid with each column's class name above it (label_rows.py)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count, cols, _, height, width = rows.shape
    grid = make_grid(rows.flatten(0, 1).float().clamp(-1, 1), nrow=cols, padding=2, normalize=True,
                     value_range=(-1, 1), pad_value=1.0)
    image = grid.permute(1, 2, 0).numpy()
    scale = 1.0 / 48  # inches per pixel of the grid: 64x64 faces come out at about their native size
    fig, ax = plt.subplots(figsize=(max(3.0, image.shape[1] * scale * 1.3), image.shape[0] * scale * 1.3 + 0.9))
    ax.imshow(image[:, :, 0] if rows.shape[2] == 1 else image, cmap="gray", vmin=0, vmax=1)
    ax.set_xticks([2 + (width + 2) * c + width / 2 for c in range(cols)], column_names,
                  rotation=45 if max(len(n) for n in column_names) > 6 else 0, fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks([])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    if title:  # wrapped to the figure's width: a two-column grid is narrower than the sentence
        ax.set_xlabel(textwrap.fill(title, width=max(24, int(fig.get_figwidth() * 11))), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path
