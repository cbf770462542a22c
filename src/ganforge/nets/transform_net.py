"""Johnson et al. (2016) image transform network for fast style transfer, with instance norm (Ulyanov et al.).

9x9 conv -> two stride-2 convs -> residual blocks -> two upsample+conv -> 9x9 conv to RGB. Any input size:
the input is reflect-padded to a multiple of 4 and the output cropped back, so odd sizes round-trip.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import blocks


def conv_norm_relu(in_channels: int, out_channels: int, kernel: int, stride: int = 1) -> nn.Sequential:
    # Reflection padding, strided convs too: zero borders show up as dark frames in stylised images.
    return nn.Sequential(*blocks.conv_norm_relu(in_channels, out_channels, kernel, stride, bias=True, reflect=True))


class Upsample(nn.Module):
    """Nearest upsampling then conv: avoids the checkerboard artefacts of transposed convs (Odena et al. 2016)."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv = conv_norm_relu(in_channels, out_channels, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class TransformNet(nn.Module):
    """RGB in [-1, 1] -> stylised RGB (about [-1, 1]; clamp for display), same height and width."""

    def __init__(self, features: int = 32, residual_blocks: int = 5):
        super().__init__()
        f = features
        self.net = nn.Sequential(
            conv_norm_relu(3, f, 9), conv_norm_relu(f, 2 * f, 3, 2), conv_norm_relu(2 * f, 4 * f, 3, 2),
            *[blocks.ResidualBlock(4 * f, bias=True, grouped=True) for _ in range(residual_blocks)],
            Upsample(4 * f, 2 * f), Upsample(2 * f, f),
            nn.ReflectionPad2d(4), nn.Conv2d(f, 3, 9))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        h, w = images.shape[-2:]
        # A multiple of 4 for the two stride-2 convs, and at least 8 so every reflection pad fits.
        pad_h, pad_w = max((-h) % 4, 8 - h), max((-w) % 4, 8 - w)
        if pad_h or pad_w:
            # Reflect padding needs pad < size; replicate covers tiny images.
            mode = "reflect" if pad_h < h and pad_w < w else "replicate"
            images = F.pad(images, (0, pad_w, 0, pad_h), mode=mode)
        return self.net(images)[..., :h, :w]
