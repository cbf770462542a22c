"""Features of real images are computed once: cached on disk, keyed by the images' content, the split and
everything about the feature network and its input preparation (its file hash, resizer, size, precision)."""
import hashlib
import json
import os
from pathlib import Path
from typing import Callable

import torch

from ..data import ImageData
from ..files import cache_root

CACHE_VERSION = 1


def features_dir() -> Path:
    return cache_root() / "features"


def images_digest(images: torch.Tensor) -> str:
    return hashlib.sha256(images.contiguous().numpy().tobytes()).hexdigest()[:16]


def real_subset(data: ImageData, limit: int, seed: int = 0) -> ImageData:
    """All images of the split when there are at most `limit`, else a fixed random `limit` of them."""
    if limit <= 0 or len(data) <= limit:
        return data
    keep = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))[:limit].sort().values
    labels = data.labels[keep] if data.labels is not None else None
    return ImageData(data.images[keep], labels, data.class_names, f"{data.source}, {limit} of {len(data)}")


def cached_features(data: ImageData, split: str, extractor: Callable[[torch.Tensor], torch.Tensor],
                    provenance: dict, announce=print) -> torch.Tensor:
    """N x D float32 features of `data`'s images, from the cache when the same images went through the same
    network the same way before."""
    key_parts = {"version": CACHE_VERSION, "images": images_digest(data.images), "n": len(data), "split": split,
                 "source": data.source.split(" (")[0], **provenance}
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True).encode()).hexdigest()[:20]
    path = features_dir() / f"{key}.pt"
    if path.is_file():
        try:
            return torch.load(path, weights_only=True)["features"]
        except Exception:  # a torn or stale entry is recomputed, never fatal
            path.unlink(missing_ok=True)
    announce(f"computing features of {len(data):,} real images ({data.source}, {split}) once; "
             f"cached in {path.parent}")
    features = extractor(data.images).float().contiguous()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    torch.save({"features": features, "key": key_parts}, tmp)
    os.replace(tmp, path)
    return features
