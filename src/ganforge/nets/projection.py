"""Projection discriminator head (Miyato & Koyama 2018, "cGANs with Projection Discriminator").

score(x, y) = psi(phi(x)) + <embed(y), phi(x)>: the label is an inner product with D's features instead of an
input joined to them. With several attributes (gender x age group) each has its own embedding and their
projections add up.
"""
import torch
import torch.nn as nn

from .conditioning import LabelEmbedding, require_labels
from .layout import flatten_features


class ProjectionHead(nn.Module):
    """Features phi(x) (any shape, flattened) and labels -> one score per image."""

    def __init__(self, features: int, num_classes: int | list[int]):
        super().__init__()
        self.psi = nn.Linear(features, 1)
        # Each attribute's embedding has the features' size: it is a direction in D's feature space.
        self.labels = LabelEmbedding(num_classes, features)
        if self.labels.dim == 0:
            raise ValueError("a projection head needs class labels")
        self.labels.initialise(nn.init.xavier_uniform_)  # the paper's init; N(0, 1) would swamp psi at the start

    def forward(self, features: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        phi = flatten_features(features)
        score = self.psi(phi).squeeze(1)
        for embedding in self.labels.vectors(require_labels(labels)):
            score = score + (embedding.to(phi.dtype) * phi).sum(1)
        return score
