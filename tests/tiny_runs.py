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
