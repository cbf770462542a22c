"""Data layer: files -> in-memory uint8 tensors (cached), then shuffled batches in [-1, 1]."""
from pathlib import Path

import torch
import torch.nn.functional as F

from ..data_config import DataConfig
from ..errors import GanforgeError
from ..files import data_root
from .batches import BatchStream
from .cache import cache_key, cached
from .check import CHECKS_VERSION
from .folder import folder_fingerprint, load_folder
from .image_data import ImageData, to_float, to_uint8
from .mnist import load_mnist

__all__ = ["BatchStream", "DataConfig", "ImageData", "load_dataset", "to_float", "to_uint8"]


def load_dataset(cfg: DataConfig, announce=print) -> ImageData:
    if cfg.name == "mnist":
        data = load_mnist(cfg.root, cfg.split, cfg.download, announce)
        if cfg.image_size != 28 or cfg.channels != 1:
            key = cache_key(kind="mnist-resized", source=data.source, size=cfg.image_size, channels=cfg.channels)
            data = cached(key, lambda: resize_dataset(data, cfg.image_size, cfg.channels), cfg.cache)
        return data
    if cfg.name == "folder":
        root = data_root(cfg.root)
        if root is None:
            raise GanforgeError("data.name=folder needs a folder: add data.root=PATH (or --data-root PATH)")
        key = cache_key(kind="folder", root=str(Path(root).expanduser().resolve()), files=folder_fingerprint(root),
                        size=cfg.image_size, channels=cfg.channels, labels=cfg.labels, pattern=cfg.label_pattern,
                        checks=CHECKS_VERSION, **({"split": cfg.split, "holdout": cfg.holdout} if cfg.holdout else {}))
        return cached(key, lambda: load_folder(root, cfg.image_size, cfg.channels, cfg.labels, cfg.label_pattern,
                                               announce, cfg.split, cfg.holdout), cfg.cache)
    if cfg.name in ("paired", "unpaired"):
        from .pairs import dataset_root, domain_b_root, load_paired, load_unpaired, stored_size
        root, root_b = dataset_root(cfg), domain_b_root(cfg)
        files = [folder_fingerprint(str(root))] + ([folder_fingerprint(str(root_b))] if root_b else [])
        key = cache_key(kind=cfg.name, root=str(root.resolve()), root_b=cfg.root_b, files=files, split=cfg.split,
                        size=stored_size(cfg), channels=cfg.channels, direction=cfg.direction)
        return cached(key, lambda: (load_paired if cfg.name == "paired" else load_unpaired)(cfg), cfg.cache)
    raise GanforgeError(f"unknown dataset '{cfg.name}' (data.name): use mnist, folder, paired or unpaired")


def resize_dataset(data: ImageData, size: int, channels: int) -> ImageData:
    images = data.images.float()
    if images.shape[-1] != size:
        images = F.interpolate(images, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    if images.shape[1] != channels:
        images = images.expand(-1, channels, -1, -1) if images.shape[1] == 1 else images.mean(1, keepdim=True)
    images = images.round().clamp(0, 255).to(torch.uint8).contiguous()
    return ImageData(images, data.labels, data.class_names, f"{data.source} at {size}x{size}x{channels}")
