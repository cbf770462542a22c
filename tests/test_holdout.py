"""The train/held-out split of image folders: decided per file name, stable when files are added."""
import shutil

import torch

from ganforge.config import DataConfig
from ganforge.data import load_dataset
from ganforge.data.folder import held_out
from conftest import make_image_folder


def names(data) -> set[bytes]:
    return {bytes(img.flatten().tolist()) for img in data.images}


def test_split_is_disjoint_complete_and_about_the_fraction(tmp_path):
    root = make_image_folder(tmp_path / "shapes", per_class=40)
    cfg = DataConfig(name="folder", root=str(root), image_size=16, channels=3, holdout=0.25)
    train = load_dataset(cfg, lambda *a: None)
    test = load_dataset(DataConfig(**{**cfg.__dict__, "split": "test"}), lambda *a: None)
    assert len(train) + len(test) == 80 and 8 <= len(test) <= 32
    assert not names(train) & names(test)
    assert train.class_names == test.class_names == ["circle", "square"]
    assert "held-out split" in test.source and "training split" in train.source


def test_adding_files_never_moves_old_ones(tmp_path):
    root = make_image_folder(tmp_path / "shapes", per_class=30)
    before = {p.relative_to(root) for p in root.rglob("*.png") if held_out(p.name, 0.2)}
    extra = make_image_folder(tmp_path / "more", per_class=30, classes=("circle", "square"))
    for p in extra.rglob("*.png"):
        shutil.copy(p, root / p.parent.name / f"new_{p.name}")
    after = {p.relative_to(root) for p in root.rglob("*.png") if held_out(p.name, 0.2)}
    assert before and before <= after and after - before
    assert all(p.name.startswith("new_") for p in after - before)


def test_no_holdout_keeps_every_file_in_both_splits(tmp_path):
    root = make_image_folder(tmp_path / "shapes", per_class=5)
    cfg = DataConfig(name="folder", root=str(root), image_size=16, channels=3)
    test = load_dataset(DataConfig(**{**cfg.__dict__, "split": "test"}), lambda *a: None)
    assert len(load_dataset(cfg, lambda *a: None)) == len(test) == 10


def test_two_attribute_embeddings_read_each_attribute():
    from ganforge.nets.conditioning import LabelEmbedding
    embed = LabelEmbedding([2, 5], 3)
    out = embed.join(torch.zeros(10, 1), torch.arange(10))
    assert out.shape == (10, 7)
    # Labels 0..4 share gender 0, so their gender part is identical; their age parts all differ.
    assert torch.equal(out[0, 1:4], out[4, 1:4]) and not torch.equal(out[0, 1:4], out[5, 1:4])
    assert torch.equal(out[0, 4:], out[5, 4:]) and not torch.equal(out[0, 4:], out[1, 4:])
