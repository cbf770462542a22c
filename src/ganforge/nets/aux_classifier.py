"""Auxiliary classifier head of D (AC-GAN: Odena et al. 2017, "Conditional Image Synthesis with Auxiliary
Classifier GANs").

Besides its real/fake score, D predicts each image's class from its features; G is also trained to make that
prediction match the label it was asked for. It is what makes a conditional G draw its label unmistakably.
With several attributes (gender x age group) each gets its own logits and the losses add up.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..data.attributes import attribute_values
from .conditioning import label_sizes
from .layout import flatten_features


class AuxiliaryClassifier(nn.Module):
    """Features phi(x) (any shape, flattened) -> class logits of every attribute, side by side."""

    def __init__(self, features: int, num_classes: int | list[int]):
        super().__init__()
        self.sizes = label_sizes(num_classes)
        if not self.sizes or min(self.sizes) < 2:
            raise ValueError("an auxiliary classifier needs class labels")
        self.logits = nn.Linear(features, sum(self.sizes))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.logits(flatten_features(features))

    def loss(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of each attribute's logits against its value in the (combined) labels, summed."""
        total = logits.new_zeros(())
        for part, values in zip(logits.float().split(self.sizes, dim=1), attribute_values(labels, self.sizes)):
            total = total + F.cross_entropy(part, values)
        return total
