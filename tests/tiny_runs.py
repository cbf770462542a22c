"""Tiny real runs (a few steps on synthetic shapes) for the app and export tests."""
from pathlib import Path

from ganforge.cli import main
from conftest import TINY, make_image_folder

VAE_TINY = ["model.mlp_hidden=[16]", "train.batch_size=8", "train.progress=false", "train.tensorboard=false",
            "data.image_size=32", "data.channels=3"]


def train_tiny(recipe: str, out: Path, *extra: str) -> Path:
    """Trains `recipe` for 4 steps on a folder of circles and squares; returns the run folder."""
    folder = out.parent / "shapes"
    if not folder.is_dir():
        make_image_folder(folder)
    settings = VAE_TINY if "vae" in recipe else TINY
    code = main(["train", recipe, *settings, "data.name=folder", "data.cache=false", "--data-root", str(folder),
                 "--out", str(out), "--steps", "4", "train.sample_every=2", "train.log_every=1", *extra])
    assert code == 0
    return max(out.iterdir(), key=lambda p: p.stat().st_mtime)


def make_face_folder(root: Path, count: int = 20) -> Path:
    """Random-noise images named like UTKFace (age_gender_race_datetime.jpg.chip.jpg), ages 5 to 81 and both
    genders, so the utkface-gender and utkface-age presets label them."""
    import numpy as np
    from PIL import Image
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for k in range(count):
        age = 5 + (k * 4) % 77
        Image.fromarray(rng.integers(0, 256, (36, 36, 3), dtype=np.uint8)).save(
            root / f"{age}_{k % 2}_0_2017010422202{k:04d}.jpg.chip.jpg")
    return root


def train_faces(out: Path, recipe: str = "faces-cgan-gender-age", *extra: str) -> Path:
    """Trains a faces recipe for 2 steps at 32x32 on make_face_folder's images; returns the run folder."""
    folder = make_face_folder(out.parent / "faces")
    code = main(["train", recipe, *TINY, "data.cache=false", "data.holdout=0", "--data-root", str(folder),
                 "--out", str(out), "--steps", "2", *extra])
    assert code == 0
    return max(out.iterdir(), key=lambda p: p.stat().st_mtime)
