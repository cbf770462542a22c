"""Decode once: processed datasets are stored as uint8 tensor files keyed by source and transform."""
import hashlib
import json
import os
from pathlib import Path
from typing import Callable

import torch

from ..files import cache_root
from .image_data import ImageData

CACHE_VERSION = 1


def cache_dir() -> Path:
    return cache_root() / "datasets"


def cache_key(**parts) -> str:
    blob = json.dumps({"version": CACHE_VERSION, **parts}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def cached(key: str, build: Callable[[], ImageData], enabled: bool = True) -> ImageData:
    path = cache_dir() / f"{key}.pt"
    if enabled and path.is_file():
        try:
            blob = torch.load(path, weights_only=True)
            return ImageData(blob["images"], blob["labels"], list(blob["class_names"]), blob["source"])
        except Exception:  # a stale or broken cache entry is rebuilt, never fatal
            path.unlink(missing_ok=True)
    data = build()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        torch.save({"images": data.images, "labels": data.labels, "class_names": data.class_names,
                    "source": data.source}, tmp)
        os.replace(tmp, path)
    return data
