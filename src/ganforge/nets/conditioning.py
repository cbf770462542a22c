"""Class-label conditioning shared by every generator and discriminator: a learned label embedding, or one-hot
label planes joined to an image."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..data.attributes import attribute_values
from .layout import flatten_features


def label_sizes(classes: int | list[int]) -> list[int]:
    """The sizes of a label's attributes: a class count is one attribute, 0 (unconditional) none."""
    sizes = [classes] if isinstance(classes, int) else list(classes)
    return [] if sizes in ([], [0]) else sizes


def require_labels(labels: torch.Tensor | None) -> torch.Tensor:
    if labels is None:
        raise ValueError("this network is conditional: pass class labels")
    return labels


class LabelEmbedding(nn.Module):
    """Maps labels to vectors to be joined to noise (G) or features (D); size 0 when unconditional.

    `classes` is a number of classes, or the sizes of several attributes (gender x age group): then a label is
    the index of a combination (data/attributes.py) and each attribute gets its own embedding, so the nets
    learn "female" once rather than once per age group.
    """

    def __init__(self, classes: int | list[int], dim: int):
        super().__init__()
        sizes = label_sizes(classes)
        self.embed = nn.Embedding(sizes[0], dim) if len(sizes) == 1 else None
        self.attributes = nn.ModuleList(nn.Embedding(n, dim) for n in sizes) if len(sizes) > 1 else None
        self.sizes = sizes
        self.dim = dim * len(sizes)

    def initialise(self, init) -> "LabelEmbedding":
        """Apply `init` (e.g. nn.init.zeros_) to every attribute's table; returns self."""
        for embedding in self.modules():
            if isinstance(embedding, nn.Embedding):
                init(embedding.weight)
        return self

    def join(self, x: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
        if self.dim == 0:
            return x
        return torch.cat([x, *(part.to(x.dtype) for part in self.vectors(require_labels(labels)))], dim=1)

    def vectors(self, labels: torch.Tensor) -> list[torch.Tensor]:
        """One embedding per attribute of each label (one in all for plain classes), each [N, dim / attributes]."""
        if self.embed is not None:
            return [self.embed(labels)]
        return [embed(values) for embed, values in zip(self.attributes, attribute_values(labels, self.sizes))]


def label_planes(labels: torch.Tensor, sizes: list[int], images: torch.Tensor) -> torch.Tensor:
    """One-hot label planes the size of `images`, one plane per value of each attribute: [N, sum(sizes), H, W]."""
    hot = torch.cat([F.one_hot(values, size) for values, size in zip(attribute_values(labels, sizes), sizes)], 1)
    return hot.to(images.dtype)[:, :, None, None].expand(-1, -1, *images.shape[2:])


class ScoreHead(nn.Module):
    """Features (+ label embedding) -> one score per image (a logit, or a critic value).

    A conditional head needs a hidden layer: a single linear layer over [features, embedding] would score
    f(x) + g(y), which cannot tell whether an image matches its label.
    """

    def __init__(self, features: int, num_classes: int | list[int] = 0, embed_dim: int = 32, hidden: int = 256):
        super().__init__()
        self.labels = LabelEmbedding(num_classes, embed_dim)
        if self.labels.dim > 0:
            self.score = nn.Sequential(nn.Linear(features + self.labels.dim, hidden), nn.LeakyReLU(0.2, True),
                                       nn.Linear(hidden, 1))
        else:
            self.score = nn.Linear(features, 1)

    def forward(self, features: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.score(self.labels.join(flatten_features(features), labels)).squeeze(1)
