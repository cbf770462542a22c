"""Class-label conditioning shared by every generator and discriminator: a learned label embedding."""
import torch
import torch.nn as nn

from .layout import flatten_features


class LabelEmbedding(nn.Module):
    """Maps labels to vectors to be joined to noise (G) or features (D); size 0 when unconditional."""

    def __init__(self, num_classes: int, dim: int):
        super().__init__()
        self.embed = nn.Embedding(num_classes, dim) if num_classes > 0 else None
        self.dim = dim if num_classes > 0 else 0

    def join(self, x: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
        if self.embed is None:
            return x
        if labels is None:
            raise ValueError("this network is conditional: pass class labels")
        return torch.cat([x, self.embed(labels).to(x.dtype)], dim=1)


class ScoreHead(nn.Module):
    """Features (+ label embedding) -> one score per image (a logit, or a critic value).

    A conditional head needs a hidden layer: a single linear layer over [features, embedding] would score
    f(x) + g(y), which cannot tell whether an image matches its label.
    """

    def __init__(self, features: int, num_classes: int = 0, embed_dim: int = 32, hidden: int = 256):
        super().__init__()
        self.labels = LabelEmbedding(num_classes, embed_dim)
        if num_classes > 0:
            self.score = nn.Sequential(nn.Linear(features + self.labels.dim, hidden), nn.LeakyReLU(0.2, True),
                                       nn.Linear(hidden, 1))
        else:
            self.score = nn.Linear(features, 1)

    def forward(self, features: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.score(self.labels.join(flatten_features(features), labels)).squeeze(1)
