"""Models by name: the starters shipped in the package, and published runs downloaded once and checked."""
import json

import pytest
import torch

import ganforge
from ganforge import named_models
from ganforge.cli import main
from ganforge.errors import GanforgeError
from ganforge.files import file_sha256
from ganforge.named_models import slim_checkpoint
from tiny_runs import train_tiny


@pytest.fixture(scope="module")
def cgan_run(tmp_path_factory):
    return train_tiny("mnist-cgan", tmp_path_factory.mktemp("named") / "runs", "model.ema_decay=0.9")


def test_slim_checkpoint_samples_as_the_run_does(cgan_run, tmp_path):
    slim = slim_checkpoint(cgan_run, tmp_path / "slim.pt")
    assert slim.stat().st_size < (cgan_run / "last.pt").stat().st_size / 3  # no discriminator, optimisers, RNG
    full, small = ganforge.load(cgan_run), ganforge.load(slim)
    assert small.step == full.step and small.class_names == full.class_names
    # fp16 weights: the same images to within a few grey levels (the EMA weights are what both sample)
    assert (small.sample(6, label="square", seed=3) - full.sample(6, label="square", seed=3)).abs().max() < 0.02


def test_starters_load_by_name_with_their_sha256_checked(cgan_run, tmp_path, monkeypatch):
    slim_checkpoint(cgan_run, tmp_path / "tiny.pt")
    index = {"tiny": {"file": "tiny.pt", "sha256": file_sha256(tmp_path / "tiny.pt"), "method": "gan", "step": 4}}
    (tmp_path / "starters.json").write_text(json.dumps(index))
    monkeypatch.setattr(named_models, "starters_dir", lambda: tmp_path)
    assert ganforge.load("starter:tiny").sample(2, label=0).shape == (2, 3, 32, 32)
    with pytest.raises(GanforgeError, match="unknown starter model 'nope'; starters: tiny"):
        ganforge.load("starter:nope")
    with open(tmp_path / "tiny.pt", "ab") as f:
        f.write(b"x")
    with pytest.raises(GanforgeError, match="damaged"):
        ganforge.load("starter:tiny")


def test_pretrained_runs_download_once_and_are_checked(cgan_run, tmp_path, monkeypatch):
    published = slim_checkpoint(cgan_run, tmp_path / "published.pt")
    entry = {"url": published.as_uri(), "sha256": file_sha256(published)}
    monkeypatch.setattr(named_models, "PRETRAINED", {"tiny-cgan": entry, "bad": {**entry, "sha256": "0" * 64},
                                                     "offline": {**entry, "url": (tmp_path / "gone.pt").as_uri()}})
    assert ganforge.load("pretrained:tiny-cgan").step == 4
    published.unlink()  # the cached copy serves from now on
    assert ganforge.load("pretrained:tiny-cgan").step == 4
    with pytest.raises(GanforgeError, match="cannot download pretrained run 'offline'.*offline, copy the file"):
        ganforge.load("pretrained:offline")
    with pytest.raises(GanforgeError, match="unknown pretrained run 'nope'"):
        ganforge.load("pretrained:nope")


def test_the_shipped_starters_match_their_sha256():
    index = named_models.starter_index()
    assert {"mnist-cgan", "mnist-vae"} <= set(index)
    for name, entry in index.items():
        path = named_models.starters_dir() / entry["file"]
        assert file_sha256(path) == entry["sha256"] and path.stat().st_size < 8e6, name


def test_sample_a_digit_from_the_starter_offline(tmp_path, monkeypatch):
    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: pytest.fail("no network for a starter"))
    out = tmp_path / "threes.png"
    assert main(["sample", "starter:mnist-cgan", "--label", "3", "-n", "4", "-o", str(out)]) == 0
    assert out.is_file()
    model = ganforge.load("starter:mnist-cgan")
    assert model.conditional and model.class_names[3] == "3"
    assert torch.isfinite(model.sample(2, label=3, seed=0)).all()


def test_default_outputs_of_a_named_model_land_here(tmp_path, monkeypatch):
    from ganforge.commands.outputs import default_output
    assert str(default_output("starter:mnist-cgan", "sample.png")) == "starter-mnist-cgan/sample.png"
    assert str(default_output("runs/x/last.pt", "plots", "a.png")) == "runs/x/plots/a.png"
    assert str(default_output("runs/x", "sample.png")) == "runs/x/sample.png"


def test_each_method_declares_its_slim_form():
    """Slim checkpoints ask the method class for its inference state, never the method's name."""
    from ganforge.methods.registry import method_entry
    model = {"ema_decay": 0.999}
    kept = method_entry("gan").cls.inference_state({"generator": "G", "ema": {"model": "EMA"}}, model)
    assert kept == {"generator": "EMA"} and model["ema_decay"] == 0.0  # the EMA weights become the generator
    assert set(method_entry("vae").cls.inference_state({"encoder": 1, "decoder": 2, "optimizer": 3}, {})) == {
        "encoder", "decoder"}
    assert method_entry("pix2pix").cls.inference_state({}, {}) is None
