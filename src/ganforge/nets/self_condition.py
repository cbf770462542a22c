"""Self-conditioning (Liu et al. 2020, "Diverse Image Generation via Self-Conditioned GANs"): an unconditional GAN
trained as a conditional one on clusters found in the training images themselves, so that G learns each mode
(on MNIST, roughly each digit shape) apart instead of bending one latent space across all of them.

Here the clusters come from an online k-means of the real images (MacQueen 1967: each centroid moves toward its
new members by 1 / its count), seeded by the farthest points of the first batch and updated on every real batch; the paper clusters D's features, pixels are enough
to separate MNIST's shapes and cost nothing. G draws each sample's cluster from its own noise (the inverse CDF
of the clusters' sizes at the first coordinate), so G(z) stays a function of z alone: sampling, interpolation,
ranking and export work as for any unconditional generator.
"""
import math

import torch
import torch.nn as nn


class SelfConditionedGenerator(nn.Module):
    """Wraps a conditional G(z, c) with `clusters` classes into G(z); keeps the k-means of the real images."""

    def __init__(self, generator: nn.Module, clusters: int, image_numel: int):
        super().__init__()
        self.generator = generator
        self.register_buffer("centroids", torch.zeros(clusters, image_numel))
        self.register_buffer("counts", torch.zeros(clusters))

    @property
    def clusters(self) -> int:
        return self.counts.numel()

    @torch.no_grad()
    def assign(self, images: torch.Tensor) -> torch.Tensor:
        """The nearest centroid of each image (squared pixel distance)."""
        flat = images.detach().flatten(1).float()
        distances = (flat.pow(2).sum(1, keepdim=True) - 2 * flat @ self.centroids.T
                     + self.centroids.pow(2).sum(1))
        return distances.argmin(1)

    @torch.no_grad()
    def observe(self, images: torch.Tensor) -> torch.Tensor:
        """Cluster labels of a real batch; the centroids then move to include it (the first batch seeds them)."""
        flat = images.detach().flatten(1).float()
        if self.counts.sum() == 0:
            if flat.shape[0] < self.clusters:
                raise ValueError(f"self-conditioning on {self.clusters} clusters needs batches of at least as many "
                                 f"images (train.batch_size={flat.shape[0]})")
            self.centroids.copy_(flat[farthest_points(flat, self.clusters)])
        labels = self.assign(images)
        sums = torch.zeros_like(self.centroids).index_add_(0, labels, flat)
        members = torch.bincount(labels, minlength=self.clusters).float()
        self.counts.add_(members)
        seen = members > 0
        # MacQueen: centroid += (sum of new members - n * centroid) / total count
        self.centroids[seen] += (sums[seen] - members[seen, None] * self.centroids[seen]) / self.counts[seen, None]
        return labels

    def clusters_of(self, noise: torch.Tensor) -> torch.Tensor:
        """Each noise vector's cluster, drawn with the clusters' frequencies from Phi(z_0), uniform in (0, 1)."""
        u = 0.5 * (1 + torch.erf(noise[:, 0].float() / math.sqrt(2)))
        cdf = self.counts.clamp(min=1e-6).cumsum(0) / self.counts.clamp(min=1e-6).sum()
        # comparisons rather than searchsorted: the same in TorchScript and ONNX
        return (u[:, None] > cdf[None, :-1]).sum(1)

    def forward(self, noise: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.generator(noise, self.clusters_of(noise) if labels is None else labels)


def farthest_points(flat: torch.Tensor, k: int) -> torch.Tensor:
    """Indices of k rows spread out (Gonzalez 1985): the first row, then each time the row farthest from those
    chosen; deterministic, and it never seeds two centroids inside one mode as the first k rows can."""
    chosen = [0]
    nearest = (flat - flat[0]).pow(2).sum(1)
    for _ in range(k - 1):
        chosen.append(int(nearest.argmax()))
        nearest = torch.minimum(nearest, (flat - flat[chosen[-1]]).pow(2).sum(1))
    return torch.tensor(chosen)
