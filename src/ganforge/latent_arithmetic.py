"""Vector arithmetic on GAN latents (Radford et al. 2015, DCGAN, Fig. 7): average the latents of a few samples
that show a concept, then add and subtract concepts, e.g. smiling woman - neutral woman + neutral man.

Cells are picked by index from a seeded sample grid (`numbered_grid`); a conditional run can also show the same
latents with the label swapped (`label_swap`).
"""
from dataclasses import dataclass

import torch

from .capabilities import is_conditional
from .errors import GanforgeError
from .latent import generator_of, pair_labels

CONCEPTS = ("a", "b", "c")


def grid_latents(method, count: int = 64, seed: int = 0, label: int | None = None
                 ) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(count x D latents, their labels or None) of the seeded grid the cell numbers refer to: the chosen class
    for every cell of a conditional run, else the classes in turn."""
    generator_of(method, "latent arithmetic")
    if count < 1:
        raise GanforgeError(f"the grid needs at least 1 cell, not {count}")
    return method.noise(count, torch.Generator().manual_seed(seed)).cpu(), pair_labels(method, count, label)


def numbered_grid(method, count: int = 64, seed: int = 0, label: int | None = None) -> torch.Tensor:
    """The grid's images (count x C x H x W), cell i drawn from latent i of `grid_latents`."""
    noise, labels = grid_latents(method, count, seed, label)
    return method.generate(noise, labels)


def check_cells(cells: list[int], count: int, concept: str) -> list[int]:
    if not cells:
        raise GanforgeError(f"--{concept}: pick at least one cell of the grid (e.g. 3,17,40)")
    bad = [i for i in cells if not 0 <= i < count]
    if bad:
        raise GanforgeError(f"--{concept}: cell {bad[0]} is outside the grid of {count} (0 to {count - 1}); "
                            "save the numbered grid with --grid to pick from")
    return cells


@dataclass
class Arithmetic:
    """The pictures of one A - B + C: each concept's picked cells and the image of its mean latent, the image of
    the exact sum (`center`) and `samples` images around it; `latent` is mean(A) - mean(B) + mean(C)."""
    cells: dict[str, torch.Tensor]
    means: dict[str, torch.Tensor]
    center: torch.Tensor
    result: torch.Tensor
    latent: torch.Tensor


def latent_arithmetic(method, a: list[int], b: list[int], c: list[int], seed: int = 0, count: int = 64,
                      samples: int = 8, sigma: float = 0.25, label: int | None = None) -> Arithmetic:
    """mean(A) - mean(B) + mean(C) over the latents of the picked grid cells, drawn as is and with `samples`
    Gaussian perturbations of standard deviation `sigma` (from seed + 1). Conditional runs draw the means and the
    result with the label of each concept's first cell (the result: A's)."""
    if samples < 1 or sigma < 0:
        raise GanforgeError(f"--samples must be at least 1 and --sigma not negative, not {samples} and {sigma}")
    noise, labels = grid_latents(method, count, seed, label)
    picks = dict(zip(CONCEPTS, (check_cells(list(x), count, name) for x, name in zip((a, b, c), CONCEPTS))))

    def draw(latents: torch.Tensor, concept: str) -> torch.Tensor:
        y = None if labels is None else labels[picks[concept][0]].expand(latents.shape[0])
        return method.generate(latents, y)

    means = {k: noise[v].mean(0) for k, v in picks.items()}
    latent = means["a"] - means["b"] + means["c"]
    jitter = torch.randn(samples, latent.shape[0], generator=torch.Generator().manual_seed(seed + 1))
    return Arithmetic(cells={k: method.generate(noise[v], None if labels is None else labels[v])
                             for k, v in picks.items()},
                      means={k: draw(m[None], k)[0] for k, m in means.items()},
                      center=draw(latent[None], "a")[0], result=draw(latent + sigma * jitter, "a"), latent=latent)


def label_swap(method, cells: list[int], source: int, target: int, seed: int = 0, count: int = 64
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """(the picked cells drawn with label `source`, the same latents with label `target`): what changes when
    only the label does."""
    if not is_conditional(method):
        raise GanforgeError("--label-swap needs a conditional run (model.conditional=true)")
    noise, _ = grid_latents(method, count, seed, source)
    picked = noise[check_cells(list(cells), count, "a")]
    n = picked.shape[0]
    return (method.generate(picked, torch.full((n,), source, dtype=torch.long)),
            method.generate(picked, torch.full((n,), target, dtype=torch.long)))
