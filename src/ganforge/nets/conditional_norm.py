"""Conditional batch norm (de Vries et al. 2017; Dumoulin et al. 2017), the generator of Miyato & Koyama 2018.

Batch norm without its own scale and shift; each label brings them instead: gamma = 1 + e_g(y), beta = e_b(y).
The label then acts at every layer of G, not only through the noise it is joined to. The embeddings start at
zero, so a fresh network is plain batch norm. With several attributes their embeddings add up.
"""
import torch
import torch.nn as nn

from .conditioning import LabelEmbedding


class ConditionalBatchNorm2d(nn.Module):
    def __init__(self, channels: int, num_classes: int | list[int]):
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.labels = LabelEmbedding(num_classes, 2 * channels).initialise(nn.init.zeros_)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        scale_shift = sum(self.labels.vectors(labels)).to(x.dtype)
        gamma, beta = scale_shift[:, :, None, None].chunk(2, dim=1)
        return self.norm(x) * (1 + gamma) + beta
