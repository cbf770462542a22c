"""Fully connected GAN (Goodfellow et al. 2014, as the MNIST textbooks write it)."""
import math

import torch
import torch.nn as nn

from .conditioning import LabelEmbedding


class MLPGenerator(nn.Module):
    def __init__(self, latent_dim: int, image_shape: tuple[int, int, int], hidden: list[int],
                 num_classes: int | list[int] = 0, embed_dim: int = 32):
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.labels = LabelEmbedding(num_classes, embed_dim)
        layers, width = [], latent_dim + self.labels.dim
        for size in hidden:
            layers += [nn.Linear(width, size), nn.LeakyReLU(0.2, True)]
            width = size
        layers += [nn.Linear(width, math.prod(image_shape)), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(self.labels.join(z, labels)).view(-1, *self.image_shape)


class MLPDiscriminator(nn.Module):
    """Conditional as in Mirza & Osindero 2014: the label embedding joins the flattened image at the input."""

    def __init__(self, image_shape: tuple[int, int, int], hidden: list[int], dropout: float = 0.3,
                 num_classes: int | list[int] = 0, embed_dim: int = 32):
        super().__init__()
        self.labels = LabelEmbedding(num_classes, embed_dim)
        layers, width = [], math.prod(image_shape) + self.labels.dim
        for size in hidden:
            layers += [nn.Linear(width, size), nn.LeakyReLU(0.2, True), nn.Dropout(dropout)]
            width = size
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(self.labels.join(images.flatten(1), labels)).squeeze(1)
