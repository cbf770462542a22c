"""The images a run did not train on: the other split (MNIST's test set); a folder's own images when it has no
split of its own. Pictures of a trained run (`ganforge plot`, the app's VAE views) read them."""
from dataclasses import replace

import torch

from ..errors import GanforgeError
from .image_data import ImageData, to_float


def held_out_split(split: str) -> str:
    """The split a run trained on `split` did not see."""
    return "test" if split == "train" else "train"


def held_out_data(data_cfg, root: str | None = None) -> ImageData:
    """The held-out images of a run's data config (its DataConfig); `root` when the data moved since training."""
    from . import load_dataset  # the package's loader: this module sits below it
    try:
        return load_dataset(replace(data_cfg, split=held_out_split(data_cfg.split), root=root or data_cfg.root),
                            lambda *a: None)
    except GanforgeError as err:
        raise GanforgeError(f"{err} (the run trained on data.root={data_cfg.root}; pass --data-root DIR)") from None


def pick(data: ImageData, n: int | None, seed: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(n images in [-1, 1] chosen at random by `seed`, their labels); all of them when n is None or too large."""
    if n is None or n >= len(data):
        return to_float(data.images), data.labels
    chosen = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))[:n]
    return to_float(data.images[chosen]), None if data.labels is None else data.labels[chosen]
