"""The 70x70 PatchGAN discriminator (Isola et al. 2017): a fully convolutional net whose output is a map of
scores, each judging one 70x70 patch as real or fake; it models texture and leaves structure to L1/cycle.

C64 (no norm) - C128 - C256 (stride 2) - C512 (stride 1) - 1 channel: a 256 input gives a 30x30 map,
128 gives 14x14.
"""
import torch
import torch.nn as nn

from .blocks import norm_2d


class PatchDiscriminator(nn.Module):
    """Images N x C x H x W -> raw scores (logits) N x 1 x h x w. Conditional use: pass input and output
    concatenated on the channel axis."""

    def __init__(self, in_channels: int = 6, features: int = 64, layers: int = 3, norm: str = "batch"):
        super().__init__()
        widths = [features * min(2 ** k, 8) for k in range(layers + 1)]
        blocks = [nn.Conv2d(in_channels, widths[0], 4, 2, 1), nn.LeakyReLU(0.2, inplace=True)]
        for k in range(1, layers + 1):
            stride = 2 if k < layers else 1
            blocks += [nn.Conv2d(widths[k - 1], widths[k], 4, stride, 1, bias=False), norm_2d(norm, widths[k]),
                       nn.LeakyReLU(0.2, inplace=True)]
        blocks.append(nn.Conv2d(widths[-1], 1, 4, 1, 1))
        self.net = nn.Sequential(*blocks)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images)


def receptive_field(layers: int = 3) -> int:
    """Input pixels seen by one output score: 70 for the default 3 layers (kernel 4 everywhere)."""
    field, stride = 1, 1
    strides = [2] * layers + [1, 1]
    for s in strides:
        field += (4 - 1) * stride
        stride *= s
    return field
