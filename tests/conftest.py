import os
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

# Tiny models run fastest on one thread, and tests then never oversubscribe the cores of a busy machine.
torch.set_num_threads(1)
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GANFORGE_SHARED", REPO.parent / "shared"))

# A tiny conditional DCGAN on 32x32 synthetic images: seconds per test.
TINY = ["model.features=8", "model.latent_dim=8", "model.embed_dim=4", "train.batch_size=8",
        "train.progress=false", "train.tensorboard=false", "data.image_size=32", "data.channels=3",
        "train.precision=fp32", "train.channels_last=false"]


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("GANFORGE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("GANFORGE_DATA", raising=False)


def make_image_folder(root: Path, per_class: int = 12, size: int = 40, classes=("circle", "square")) -> Path:
    """Class sub-folders of simple shapes, bright on dark, with per-image random colour and position."""
    rng = np.random.default_rng(0)
    for k, name in enumerate(classes):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            yy, xx = np.mgrid[:size, :size]
            cy, cx = rng.integers(size // 3, 2 * size // 3, 2)
            r = size // 5
            mask = (np.hypot(yy - cy, xx - cx) < r) if k == 0 else (np.maximum(abs(yy - cy), abs(xx - cx)) < r)
            img = np.zeros((size, size, 3), np.uint8)
            img[mask] = rng.integers(128, 256, 3)
            Image.fromarray(img).save(root / name / f"{i:03d}.png")
    return root


@pytest.fixture
def image_folder(tmp_path) -> Path:
    return make_image_folder(tmp_path / "shapes")


@pytest.fixture
def shared_data() -> Path:
    data = SHARED / "data"
    if not (data / "MNIST" / "raw").is_dir():
        pytest.skip(f"needs the shared assets: {data}/MNIST/raw not found (set GANFORGE_SHARED)")
    return data
