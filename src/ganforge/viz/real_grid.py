"""The real training images next to the generated grids: what the generator is trying to match."""
from pathlib import Path

import torch

from ..data.image_data import ImageData, to_float
from .grid import save_grid


def real_images(data: ImageData, count: int, seed: int = 0) -> torch.Tensor:
    """`count` images in [-1, 1] drawn without replacement by a private seeded RNG (the global RNG is untouched,
    so resume stays exact); with labels, sorted by class so the grid reads like the conditional sample grid."""
    count = min(count, len(data))
    picks = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))[:count]
    if data.labels is not None:
        picks = picks[torch.argsort(data.labels[picks], stable=True)]
    return to_float(data.images[picks])


def save_real_grid(data: ImageData, path: Path | str, count: int = 64, seed: int = 0) -> Path:
    """A grid of real training images, as many per row as the square sample grid."""
    images = real_images(data, count, seed)
    return save_grid(images, path, nrow=max(1, int(images.shape[0] ** 0.5)))
