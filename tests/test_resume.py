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


def send(*signals):
    def stop():
        import os
        for sig in signals:
            os.kill(os.getpid(), sig)  # Ctrl-C is SIGINT; `kill PID` (schedulers, `timeout`) is SIGTERM
    return stop


def interrupt_run(monkeypatch, image_folder, tmp_path, stop, at_call=4):
    """Trains 10 steps, calling `stop` inside the `at_call`-th train_step; returns the run folder."""
    from ganforge.methods.gan import GAN
    real_step, calls = GAN.train_step, {"n": 0}

    def interrupted(self, batch):
        calls["n"] += 1
        if calls["n"] == at_call:
            stop()
        return real_step(self, batch)
    monkeypatch.setattr(GAN, "train_step", interrupted)
    overrides = [*TINY, f"data.root={image_folder}", "data.name=folder", f"train.out_dir={tmp_path / 'runs'}"]
    with pytest.raises(KeyboardInterrupt):
        train("mnist-dcgan", overrides, steps=10, announce=lambda *a: None)
    monkeypatch.setattr(GAN, "train_step", real_step)
    (run_dir,) = (tmp_path / "runs").iterdir()
    return run_dir


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_a_signal_stops_at_the_next_step_boundary(image_folder, tmp_path, monkeypatch, sig):
    """A signal during step 4 lets step 4 finish, saves it and stops; the handlers are gone afterwards."""
    import signal
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    run_dir = interrupt_run(monkeypatch, image_folder, tmp_path, send(getattr(signal, sig)))
    assert load_checkpoint(run_dir)["step"] == 4
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    assert load_checkpoint(train(resume=run_dir, steps=5, announce=lambda *a: None))["step"] == 5


def raise_interrupt():
    raise KeyboardInterrupt


@pytest.mark.parametrize("stop", [raise_interrupt, "twice"])
def test_a_second_signal_stops_at_once_and_saves_nothing_torn(image_folder, tmp_path, monkeypatch, stop):
    """Two Ctrl-C (or an interrupt raised mid-step) stop inside the step: no checkpoint of a half-done step."""
    import signal
    stop = send(signal.SIGINT, signal.SIGINT) if stop == "twice" else stop
    run_dir = interrupt_run(monkeypatch, image_folder, tmp_path, stop)
    assert not (run_dir / "last.pt").exists()
    assert not list(run_dir.glob(".*.tmp*"))
    from ganforge.errors import GanforgeError
    with pytest.raises(GanforgeError, match="stopped before it saved its first one"):
        load_checkpoint(run_dir)


def test_stale_temporary_files_are_removed_on_resume(image_folder, tmp_path):
    """A kill during a save leaves `.last.pt.tmpPID`; the next start of that run deletes it."""
    overrides = [*TINY, f"data.root={image_folder}", "data.name=folder", f"train.out_dir={tmp_path / 'runs'}"]
    run_dir = train("mnist-dcgan", overrides, steps=2, announce=lambda *a: None)
    stale = run_dir / ".last.pt.tmp999999999"  # no process has this id
    stale.write_bytes(b"torn")
    train(resume=run_dir, steps=3, announce=lambda *a: None)
    assert not stale.exists()


def test_checkpoints_also_follow_the_clock(image_folder, tmp_path, monkeypatch):
    """train.checkpoint_minutes saves between the step cadence's checkpoints."""
    import ganforge.trainer as trainer
    clock = {"t": 0.0}

    def fake_monotonic():
        clock["t"] += 20.0  # every call "takes" 20 s: 3 calls a minute
        return clock["t"]
    saved = []
    real_save = trainer.Trainer.save
    monkeypatch.setattr(trainer.time, "monotonic", fake_monotonic)
    monkeypatch.setattr(trainer.Trainer, "save", lambda self, name="last.pt": (saved.append(self.step),
                                                                                 real_save(self, name)))
    overrides = [*TINY, f"data.root={image_folder}", "data.name=folder", f"train.out_dir={tmp_path / 'runs'}",
                 "train.checkpoint_every=1000", "train.checkpoint_minutes=1"]
    train("mnist-dcgan", overrides, steps=6, announce=lambda *a: None)
    assert any(step < 6 for step in saved)  # the clock saved before the final checkpoint
    assert saved[-1] == 6


@pytest.mark.parametrize("override,needle", [
    ("model.features=16", "model.features=16 (the run has 8)"),
    ("model.latent_dim=64", "model.latent_dim=64 (the run has 8)"),
    ("model.conditional=true", "model.conditional=True (the run has False)"),
    ("data.image_size=64", "data.image_size=64 (the run has 32)"),
])
def test_resume_refuses_a_changed_network_in_one_line(image_folder, tmp_path, override, needle):
    from ganforge.errors import GanforgeError
    overrides = [*TINY, f"data.root={image_folder}", "data.name=folder", f"train.out_dir={tmp_path / 'runs'}"]
    run_dir = train("mnist-dcgan", overrides, steps=1, announce=lambda *a: None)
    with pytest.raises(GanforgeError, match="new run") as err:
        train(resume=run_dir, overrides=[override], steps=2, announce=lambda *a: None)
    assert needle in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(GanforgeError, match="is a mnist-dcgan run, not mnist-cgan"):
        train("mnist-cgan", resume=run_dir, steps=2, announce=lambda *a: None)
    # Budgets and bookkeeping may change.
    resumed = train("mnist-dcgan", resume=run_dir, overrides=["train.log_every=1"], steps=2, announce=lambda *a: None)
    assert load_checkpoint(resumed)["step"] == 2
