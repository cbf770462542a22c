"""MNIST through torchvision, or the embedded subset shipped inside the package when no data root is set."""
from importlib import resources
from pathlib import Path
from typing import Optional

import numpy as np
import torch

from ..errors import GanforgeError
from ..files import data_root
from .image_data import ImageData

MNIST_CLASSES = [str(k) for k in range(10)]


def load_mnist(root: Optional[str], split: str = "train", download: bool = False, announce=print) -> ImageData:
    root = data_root(root)
    if root is None:
        return load_embedded_mnist(split, announce)
    import torchvision  # deferred: costs ~1 s at import
    if split not in ("train", "test"):
        raise GanforgeError(f"MNIST has splits 'train' and 'test', not '{split}'")
    try:
        ds = torchvision.datasets.MNIST(root, train=split == "train", download=download)
    except RuntimeError as err:
        raise GanforgeError(f"MNIST not found under {Path(root) / 'MNIST' / 'raw'} ({err}); "
                            "add data.download=true to fetch it, or point data.root / GANFORGE_DATA at a "
                            "folder holding MNIST/raw/*-ubyte") from None
    return ImageData(ds.data.unsqueeze(1).contiguous(), ds.targets.long(), MNIST_CLASSES,
                     f"MNIST {split} ({root})")


def load_embedded_mnist(split: str = "train", announce=print) -> ImageData:
    if split not in ("train", "test"):
        raise GanforgeError(f"MNIST has splits 'train' and 'test', not '{split}'")
    path = resources.files("ganforge") / "data" / "embedded" / "mnist_subset.npz"
    with resources.as_file(path) as file, np.load(file) as blob:
        images = torch.from_numpy(blob[f"{split}_images"]).unsqueeze(1).contiguous()
        labels = torch.from_numpy(blob[f"{split}_labels"].astype(np.int64))
    announce(f"Using the embedded MNIST subset ({len(images):,} {split} images, a third of full MNIST); set data.root=DIR, --data-root DIR or GANFORGE_DATA for full MNIST")
    return ImageData(images, labels, MNIST_CLASSES, f"embedded MNIST subset ({split})")
