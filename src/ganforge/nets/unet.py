"""pix2pix's U-Net generator (Isola et al. 2017): an encoder-decoder whose decoder also sees the encoder's
feature map of the same size (skip connections), so fine detail need not pass through the bottleneck.

Encoder C64-C128-C256-C512-C512...; decoder mirrors it with dropout 0.5 in its first three blocks, which is
pix2pix's only source of noise. `downs` halvings: 8 for 256x256 (1x1 bottleneck), 7 for 128x128.
"""
import torch
import torch.nn as nn

from .blocks import norm_2d


def down_block(in_channels: int, out_channels: int, norm: str) -> nn.Sequential:
    return nn.Sequential(nn.LeakyReLU(0.2, inplace=False), nn.Conv2d(in_channels, out_channels, 4, 2, 1, bias=False),
                         norm_2d(norm, out_channels))


def up_block(in_channels: int, out_channels: int, norm: str, dropout: bool) -> nn.Sequential:
    layers = [nn.ReLU(inplace=False), nn.ConvTranspose2d(in_channels, out_channels, 4, 2, 1, bias=False),
              norm_2d(norm, out_channels)]
    return nn.Sequential(*layers, *([nn.Dropout(0.5)] if dropout else []))


class UNetGenerator(nn.Module):
    """Images N x C_in x S x S in [-1, 1] -> N x C_out x S x S in [-1, 1]; S must be a multiple of 2**downs."""

    def __init__(self, in_channels: int = 3, out_channels: int = 3, features: int = 64, downs: int = 8,
                 norm: str = "batch", dropout: bool = True):
        super().__init__()
        if downs < 2:
            raise ValueError("a U-Net needs at least 2 down-samplings")
        self.downs = downs
        widths = [features * min(2 ** k, 8) for k in range(downs)]  # 64, 128, 256, 512, 512, ...
        self.first = nn.Conv2d(in_channels, widths[0], 4, 2, 1)  # no norm on the first layer
        # The innermost layer has no norm either: at 1x1 a norm over space would zero it.
        self.encoder = nn.ModuleList(
            down_block(widths[k - 1], widths[k], norm if k < downs - 1 else "none") for k in range(1, downs))
        # Decoder block k brings the map back to encoder level k; after the innermost one its input is
        # the concatenation of the previous decoder output and the skip from the encoder.
        self.decoder = nn.ModuleList(
            up_block(widths[k + 1] * (1 if k == downs - 2 else 2), widths[k], norm,
                     dropout and k >= downs - 4) for k in reversed(range(downs - 1)))
        self.last = nn.Sequential(nn.ReLU(inplace=False), nn.ConvTranspose2d(widths[0] * 2, out_channels, 4, 2, 1),
                                  nn.Tanh())

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        skips = [self.first(images)]
        for block in self.encoder:
            skips.append(block(skips[-1]))
        x = skips.pop()
        for block in self.decoder:
            x = torch.cat([block(x), skips.pop()], dim=1)
        return self.last(x)
