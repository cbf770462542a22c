"""Checks on the real datasets in ../shared (CI has them; elsewhere these skip with the reason)."""
import pytest
import torch

from ganforge import load, train
from ganforge.config import DataConfig
from ganforge.data import load_dataset

pytestmark = pytest.mark.assets


def test_full_mnist_from_a_local_copy(shared_data):
    data = load_dataset(DataConfig(name="mnist", root=str(shared_data)))
    assert data.images.shape == (60000, 1, 28, 28)
    assert data.labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert torch.bincount(data.labels).tolist()[:3] == [5923, 6742, 5958]
    test = load_dataset(DataConfig(name="mnist", root=str(shared_data), split="test"))
    assert len(test) == 10000


def test_mnist_root_from_the_environment(shared_data, monkeypatch):
    monkeypatch.setenv("GANFORGE_DATA", str(shared_data))
    said = []
    assert len(load_dataset(DataConfig(name="mnist"), announce=said.append)) == 60000
    assert not said  # the embedded subset was not used


def test_a_few_steps_on_real_mnist(shared_data, tmp_path):
    run = train("mnist-cgan", [f"data.root={shared_data}", f"train.out_dir={tmp_path}", "train.batch_size=32",
                               "train.progress=false", "train.tensorboard=false"], steps=3, announce=lambda *a: None)
    assert (run / "samples.png").is_file()
    assert load(run).sample(4, label=7).shape == (4, 1, 28, 28)
