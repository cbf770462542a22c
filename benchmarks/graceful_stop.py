"""Ctrl-C / SIGTERM at random moments of real `ganforge train` processes, then `--resume`: bit-identical?

    python benchmarks/graceful_stop.py mnist-dcgan --steps 40 --trials 3
    python benchmarks/graceful_stop.py mnist-wgan-gp --steps 20 --trials 3

Trains the recipe once without a stop, then `--trials` times with SIGINT or SIGTERM sent at a random moment
after the first logged step, resumes each to the same total and compares every tensor of the method, the data
position and the RNG states with the uninterrupted run. Prints one line per trial and a summary.
"""
import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from ganforge.checkpoint import load_checkpoint


def differing(a, b, path="") -> list[str]:
    if isinstance(a, dict):
        return [d for key in a for d in differing(a[key], b.get(key), f"{path}.{key}")]
    if isinstance(a, (list, tuple)):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differing(x, y, f"{path}[{i}]")]
    if isinstance(a, torch.Tensor):
        return [] if isinstance(b, torch.Tensor) and torch.equal(a, b) else [path]
    return [] if a == b else [path]


def ganforge(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ganforge", "train", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipe")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--window", type=float, default=10.0, help="signals land up to this many s after step 1")
    parser.add_argument("overrides", nargs="*")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    common = ["train.progress=false", "train.tensorboard=false", "train.log_every=1", "train.sample_every=10",
              "train.checkpoint_every=15", "train.checkpoint_minutes=0", *args.overrides]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ganforge(args.recipe, *common, "--out", str(tmp / "ref"), "--steps", str(args.steps)).wait()
        reference = load_checkpoint(next((tmp / "ref").iterdir()))
        identical = 0
        for k in range(args.trials):
            sig = (signal.SIGINT, signal.SIGTERM)[k % 2]
            out = tmp / f"trial-{k}"
            process = ganforge(args.recipe, *common, "--out", str(out), "--steps", str(args.steps))
            while not list(out.glob("*/metrics.csv")) and process.poll() is None:
                time.sleep(0.05)
            delay = rng.uniform(0, args.window)
            time.sleep(delay)
            if process.poll() is None:
                os.kill(process.pid, sig)
            code = process.wait()
            run_dir = next(out.iterdir())
            stopped_at = load_checkpoint(run_dir)["step"]
            ganforge("--resume", str(run_dir), "--steps", str(args.steps)).wait()
            resumed = load_checkpoint(run_dir)
            diffs = [d for part in ("method", "stream", "rng") for d in differing(reference[part], resumed[part],
                                                                                   part)]
            identical += not diffs
            print(f"trial {k}: {sig.name} {delay:.1f} s after step 1, exit {code}, saved step {stopped_at}, "
                  f"resumed to {resumed['step']}: {'bit-identical' if not diffs else f'{len(diffs)} differ'}",
                  flush=True)
        print(f"{args.recipe}: {identical} of {args.trials} bit-identical")


if __name__ == "__main__":
    main()
