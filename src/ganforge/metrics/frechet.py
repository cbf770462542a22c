"""Fréchet and kernel distances between two sets of features, computed by torchmetrics.

torchmetrics runs its `feature` module on whatever `update` receives. Our features are computed (and real
ones cached) before, by the FID Inception network or the digit classifier, so the module it gets passes them
through: the metric code itself is torchmetrics' own.
"""
import torch
import torch.nn as nn
from torchmetrics.image.fid import FrechetInceptionDistance
from torchmetrics.image.kid import KernelInceptionDistance


class Precomputed(nn.Module):
    def __init__(self, num_features: int):
        super().__init__()
        self.num_features = num_features

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return features


def frechet_distance(real: torch.Tensor, fake: torch.Tensor) -> float:
    """FID between feature sets N x D and M x D (float64 statistics)."""
    metric = FrechetInceptionDistance(feature=Precomputed(real.shape[1]), reset_real_features=False)
    metric.update(real.double(), real=True)
    metric.update(fake.double(), real=False)
    return float(metric.compute())


def kernel_distance(real: torch.Tensor, fake: torch.Tensor, seed: int = 0, subsets: int = 100,
                    subset_size: int = 1000) -> tuple[float, float, int]:
    """Unbiased KID (cubic polynomial kernel MMD^2), mean and std over random subsets: (mean, std, subset size).
    The subsets are drawn from the global RNG inside torchmetrics, so it runs on a forked, seeded RNG."""
    subset_size = min(subset_size, real.shape[0], fake.shape[0])
    metric = KernelInceptionDistance(feature=Precomputed(real.shape[1]), subsets=subsets, subset_size=subset_size,
                                     reset_real_features=False)
    metric.update(real.double(), real=True)
    metric.update(fake.double(), real=False)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        mean, std = metric.compute()
    return float(mean), float(std), subset_size
