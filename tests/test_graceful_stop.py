"""Ctrl-C / SIGTERM at random moments of a run in another process, then --resume: bit-identical to a run that
was never stopped (every tensor of the method, the data position and every RNG)."""
import multiprocessing
import os
import random
import signal
import time

import pytest

from ganforge import train
from ganforge.checkpoint import load_checkpoint
from ganforge.cli import main
from conftest import TINY
from test_resume import assert_same_state

STEPS = 50
WGAN_GP = ["model.loss=wgan", "model.gradient_penalty=10", "model.n_critic=2", "model.d_norm=layer"]


def settings(image_folder, out, extra):
    # Samples and periodic checkpoints inside the window, so signals also land while files are written.
    return [*TINY, *extra, f"data.root={image_folder}", "data.name=folder", "data.cache=false",
            f"train.out_dir={out}", "train.log_every=1", "train.sample_every=20", "train.checkpoint_every=25",
            "train.checkpoint_minutes=0"]


def run_cli(argv):
    main(argv)  # exits 130 when interrupted (commands/train.py), 0 when the run finished first


def stopped_run(overrides, out, sig, delay):
    """`ganforge train` in a forked process (no second import of torch); `sig` once it has trained `delay` s."""
    process = multiprocessing.get_context("fork").Process(
        target=run_cli, args=(["train", "mnist-dcgan", *overrides, "--steps", str(STEPS)],))
    process.start()
    deadline = time.monotonic() + 60
    while not list(out.glob("*/metrics.csv")) and process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)  # the first logged step: the loop is running
    time.sleep(delay)
    if process.is_alive():
        os.kill(process.pid, sig)
    process.join(60)
    (run_dir,) = out.iterdir()
    return run_dir, process.exitcode


@pytest.mark.slow
def test_signals_at_random_moments_resume_bit_identically(image_folder, tmp_path):
    rng = random.Random(23)
    references, stopped_mid_run = {}, 0
    trials = [(sig, name, extra) for name, extra in (("dcgan", []), ("wgan-gp", WGAN_GP))
              for sig in (signal.SIGINT, signal.SIGTERM, rng.choice([signal.SIGINT, signal.SIGTERM]))]
    for k, (sig, name, extra) in enumerate(trials):
        if name not in references:
            ref = train("mnist-dcgan", settings(image_folder, tmp_path / f"ref-{name}", extra), steps=STEPS,
                        announce=lambda *a: None)
            references[name] = load_checkpoint(ref)
        out = tmp_path / f"trial-{k}"
        run_dir, code = stopped_run(settings(image_folder, out, extra), out, sig, rng.uniform(0.0, 1.0))
        saved = load_checkpoint(run_dir)["step"]
        assert code in (0, 130), f"trial {k} ({sig.name}) exited {code}"
        stopped_mid_run += code == 130 and saved < STEPS
        print(f"trial {k}: {name}, {sig.name}, exit {code}, saved step {saved}")
        assert not list(run_dir.glob(".*.tmp*"))
        resumed = load_checkpoint(train(resume=run_dir, steps=STEPS, announce=lambda *a: None))
        expected = references[name]
        assert resumed["step"] == STEPS
        for part in ("method", "stream", "rng"):
            assert_same_state(expected[part], resumed[part], f"trial {k} ({name}, {sig.name} after step {saved}): "
                                                             f"{part}")
    assert stopped_mid_run >= len(trials) // 2, "too few signals landed inside the run to test anything"
