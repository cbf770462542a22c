import pytest
import torch

from ganforge import train
from ganforge.checkpoint import load_checkpoint
from conftest import TINY


def generator_weights(run_dir):
    return load_checkpoint(run_dir)["method"]


def assert_same_state(a, b, path="method"):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            assert_same_state(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, torch.Tensor):
        assert torch.equal(a, b), f"{path} differs"
    elif isinstance(a, (list, tuple)):
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_state(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


@pytest.mark.parametrize("extra", [
    ["model.conditional=true", "model.ema_decay=0.9"],
    ["model.loss=wgan", "model.gradient_penalty=10", "model.n_critic=2", "model.d_norm=layer"],
    ["model.architecture=mlp", "model.mlp_hidden=[16,32]", "model.init=default"],
    # The critic warm-up changes how many batches a step takes: the data position must still resume exactly.
    ["model.loss=wgan", "model.clip_value=0.01", "model.n_critic=2", "model.critic_warmup=true",
     "model.optimizer=rmsprop"],
])
def test_resume_continues_bit_identically(image_folder, tmp_path, extra):
    overrides = [*TINY, *extra, f"data.root={image_folder}", "data.name=folder", "train.checkpoint_every=1000",
                 "train.sample_every=1000", "train.log_every=2"]
    straight = train("mnist-dcgan", [*overrides, f"train.out_dir={tmp_path / 'a'}"], steps=12, announce=lambda *a: None)
    halfway = train("mnist-dcgan", [*overrides, f"train.out_dir={tmp_path / 'b'}"], steps=6, announce=lambda *a: None)
    resumed = train(resume=halfway, steps=12, announce=lambda *a: None)
    assert resumed == halfway
    a, b = load_checkpoint(straight), load_checkpoint(resumed)
    assert a["step"] == b["step"] == 12
    assert_same_state(a["method"], b["method"])
    # The log has each step once, not the steps after the checkpoint twice.
    steps = [int(line.split(",")[0]) for line in (resumed / "metrics.csv").read_text().splitlines()[1:]]
    assert steps == [2, 4, 6, 8, 10, 12]


def ctrl_c():
    raise KeyboardInterrupt


def sigterm():
    import os
    import signal
    os.kill(os.getpid(), signal.SIGTERM)  # `kill PID`, what schedulers and `timeout` send


@pytest.mark.parametrize("stop", [ctrl_c, sigterm])
def test_interrupt_saves_a_usable_checkpoint(image_folder, tmp_path, monkeypatch, stop):
    """Ctrl-C or SIGTERM during step 4 saves step 3 (not the last periodic checkpoint), and the run resumes."""
    import signal
    from ganforge.methods.gan import GAN
    real_step, calls = GAN.train_step, {"n": 0}

    def interrupted(self, batch):
        calls["n"] += 1
        if calls["n"] == 4:
            stop()
        return real_step(self, batch)
    monkeypatch.setattr(GAN, "train_step", interrupted)
    overrides = [*TINY, f"data.root={image_folder}", "data.name=folder", f"train.out_dir={tmp_path / 'runs'}"]
    with pytest.raises(KeyboardInterrupt):
        train("mnist-dcgan", overrides, steps=10, announce=lambda *a: None)
    (run_dir,) = (tmp_path / 'runs').iterdir()
    assert load_checkpoint(run_dir)["step"] == 3
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the run's handler is gone after it
    monkeypatch.setattr(GAN, "train_step", real_step)
    assert load_checkpoint(train(resume=run_dir, steps=5, announce=lambda *a: None))["step"] == 5
