"""DCGAN (Radford et al. 2015) at 28x28 (MNIST), 32x32, 64x64 (faces) and 128x128: strided (transposed) convs."""
import torch
import torch.nn as nn

from .aux_classifier import AuxiliaryClassifier
from .conditional_norm import ConditionalBatchNorm2d
from .conditioning import LabelEmbedding, ScoreHead, label_planes, label_sizes, require_labels
from .blocks import norm_2d
from .layout import memory_format_of
from .projection import ProjectionHead
from .strided_conv import StridedConv2d, StridedConvTranspose2d


def dcgan_layout(image_size: int) -> tuple[int, int]:
    """(side of the first feature map, number of 2x up/down-samplings) for a square image size."""
    start = 7 if image_size % 7 == 0 else 4
    ups = (image_size // start).bit_length() - 1
    if start << ups != image_size:
        raise ValueError(f"DCGAN supports sizes 28, 32, 64, 128 (7 or 4 times a power of two), not {image_size}")
    return start, ups


class DCGANGenerator(nn.Module):
    """Noise (+ label embedding) -> linear stem -> transposed convs. With `conditional_norm` the label also sets
    the scale and shift of every batch norm (ConditionalBatchNorm2d)."""

    def __init__(self, latent_dim: int, image_shape: tuple[int, int, int], features: int = 64,
                 num_classes: int | list[int] = 0, embed_dim: int = 32, conditional_norm: bool = False):
        super().__init__()
        if conditional_norm and not num_classes:
            raise ValueError("conditional batch norm needs class labels")
        self.conditional_norm = conditional_norm

        def norm(width: int) -> nn.Module:
            return ConditionalBatchNorm2d(width, num_classes) if conditional_norm else nn.BatchNorm2d(width)

        channels, size, _ = image_shape
        self.start, ups = dcgan_layout(size)
        self.width = features * 2 ** (ups - 1)
        self.labels = LabelEmbedding(num_classes, embed_dim)
        # Equivalent to the paper's first 4x4 transposed conv on a 1x1 input, written as a linear layer.
        self.project = nn.Linear(latent_dim + self.labels.dim, self.width * self.start ** 2, bias=False)
        layers, width = [norm(self.width), nn.ReLU(True)], self.width
        for _ in range(ups - 1):
            layers += [StridedConvTranspose2d(width, width // 2, 4, 2, 1, bias=False), norm(width // 2),
                       nn.ReLU(True)]
            width //= 2
        layers += [StridedConvTranspose2d(width, channels, 4, 2, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = self.project(self.labels.join(z, labels)).view(-1, self.width, self.start, self.start)
        x = x.contiguous(memory_format=memory_format_of(self.net[2].weight))
        if not self.conditional_norm:
            return self.net(x)
        for layer in self.net:
            x = layer(x, labels) if isinstance(layer, ConditionalBatchNorm2d) else layer(x)
        return x


class DCGANDiscriminator(nn.Module):
    """Conv trunk -> features -> score. The label joins the image as one-hot planes before the first conv
    (`input`, the textbooks' conditional GAN: Mirza & Osindero 2014, Foster's faces CGAN), or the features in the
    score head: concatenated with its embedding (`concat`), or as an inner product with it (`projection`,
    Miyato & Koyama 2018). With `aux_classifier` the features also feed class logits (AC-GAN), returned beside
    the scores when asked (`classify=True`)."""

    def __init__(self, image_shape: tuple[int, int, int], features: int = 64, norm: str = "batch",
                 num_classes: int | list[int] = 0, embed_dim: int = 32, conditioning: str = "concat",
                 aux_classifier: bool = False):
        super().__init__()
        channels, size, _ = image_shape
        start, downs = dcgan_layout(size)
        self.plane_sizes = label_sizes(num_classes) if conditioning == "input" else []
        layers = [StridedConv2d(channels + sum(self.plane_sizes), features, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        width = features
        for _ in range(downs - 1):
            layers += [StridedConv2d(width, width * 2, 4, 2, 1, bias=norm == "none"), norm_2d(norm, width * 2),
                       nn.LeakyReLU(0.2, True)]
            width *= 2
        self.trunk = nn.Sequential(*layers)
        if conditioning == "projection" and num_classes:
            self.head = ProjectionHead(width * start * start, num_classes)
        elif conditioning in ("concat", "projection"):
            self.head = ScoreHead(width * start * start, num_classes, embed_dim)
        elif conditioning == "input":
            self.head = ScoreHead(width * start * start)
        else:
            raise ValueError(f"unknown conditioning '{conditioning}': use input, concat or projection")
        # Registered only when used, so the textbook checkpoints keep their layout.
        self.classifier = AuxiliaryClassifier(width * start * start, num_classes) if aux_classifier else None

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None, classify: bool = False):
        if self.plane_sizes:
            images = torch.cat([images, label_planes(require_labels(labels), self.plane_sizes, images)], 1)
            images = images.contiguous(memory_format=memory_format_of(self.trunk[0].weight))
        features = self.trunk(images)
        scores = self.head(features, labels)
        return (scores, self.classifier(features)) if classify else scores
