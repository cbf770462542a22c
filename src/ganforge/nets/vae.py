"""VAE encoders and decoders (Kingma & Welling 2014): image -> (mean, log-variance) of q(z|x); z -> pixel logits.

The MLP pair is the paper's MNIST model (one hidden layer); the conv pair mirrors DCGAN's strided layout.
"""
import math

import torch
import torch.nn as nn

from .dcgan import dcgan_layout


class MLPEncoder(nn.Module):
    def __init__(self, image_shape: tuple[int, int, int], latent_dim: int, hidden: list[int]):
        super().__init__()
        layers, width = [], math.prod(image_shape)
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU(True)]
            width = size
        layers.append(nn.Linear(width, 2 * latent_dim))
        self.net = nn.Sequential(*layers)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, log_var = self.net(images.flatten(1)).chunk(2, dim=1)
        return mean, log_var


class MLPDecoder(nn.Module):
    def __init__(self, latent_dim: int, image_shape: tuple[int, int, int], hidden: list[int]):
        super().__init__()
        self.image_shape = tuple(image_shape)
        layers, width = [], latent_dim
        for size in hidden[::-1]:
            layers += [nn.Linear(width, size), nn.ReLU(True)]
            width = size
        layers.append(nn.Linear(width, math.prod(image_shape)))
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(-1, *self.image_shape)


class ConvEncoder(nn.Module):
    """Strided 4x4 convs halve the side down to 7x7 or 4x4 (28 -> 14 -> 7), then one linear layer."""

    def __init__(self, image_shape: tuple[int, int, int], latent_dim: int, features: int = 32):
        super().__init__()
        channels, size, _ = image_shape
        start, downs = dcgan_layout(size)
        layers, width = [], channels
        for k in range(downs):
            layers += [nn.Conv2d(width, features * 2 ** k, 4, 2, 1), nn.ReLU(True)]
            width = features * 2 ** k
        self.trunk = nn.Sequential(*layers)
        self.head = nn.Linear(width * start * start, 2 * latent_dim)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, log_var = self.head(self.trunk(images).flatten(1)).chunk(2, dim=1)
        return mean, log_var


class ConvDecoder(nn.Module):
    def __init__(self, latent_dim: int, image_shape: tuple[int, int, int], features: int = 32):
        super().__init__()
        channels, size, _ = image_shape
        self.start, ups = dcgan_layout(size)
        self.width = features * 2 ** (ups - 1)
        self.project = nn.Sequential(nn.Linear(latent_dim, self.width * self.start ** 2), nn.ReLU(True))
        layers, width = [], self.width
        for _ in range(ups - 1):
            layers += [nn.ConvTranspose2d(width, width // 2, 4, 2, 1), nn.ReLU(True)]
            width //= 2
        layers.append(nn.ConvTranspose2d(width, channels, 4, 2, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(self.project(z).view(-1, self.width, self.start, self.start))


class DecodedImages(nn.Module):
    """A decoder's Bernoulli means as images in [-1, 1]: latents (and unused labels) -> images, like a GAN's G."""

    def __init__(self, decoder: nn.Module):
        super().__init__()
        self.decoder = decoder

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return torch.sigmoid(self.decoder(z)) * 2 - 1
