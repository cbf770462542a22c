"""Regenerate the README's pictures from trained run folders.

    python scripts/make_readme_images.py mnist-dcgan=RUN mnist-cgan=RUN mnist-wgan=RUN mnist-wgan-gp=RUN

Each run gives docs/images/<name>.png (64 samples, seed 0; one row per class for conditional runs) and
docs/images/<name>-losses.png; a conditional MNIST run also gives <name>-threes.png (sixteen 3s).
"""
import sys
from pathlib import Path

import torch

import ganforge
from ganforge.viz import plot_loss_curves, save_grid

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def main(pairs: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for pair in pairs:
        name, run_dir = pair.split("=", 1)
        run = ganforge.load(run_dir)
        if run.conditional:
            per_class = 8
            labels = torch.arange(run.info.num_classes).repeat_interleave(per_class)
            images = run.method.sample(len(labels), labels=labels, seed=0)
            save_grid(images, OUT / f"{name}.png", nrow=per_class)
            if "3" in run.class_names:
                save_grid(run.sample(16, label="3", seed=0), OUT / f"{name}-threes.png", nrow=4)
        else:
            save_grid(run.sample(64, seed=0), OUT / f"{name}.png", nrow=8)
        plot_loss_curves(Path(run_dir) / "metrics.csv", OUT / f"{name}-losses.png", f"{name}, step {run.step}")
        print(f"{name}: step {run.step} -> {OUT / name}.png")


if __name__ == "__main__":
    main(sys.argv[1:])
