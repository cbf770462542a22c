"""CycleGAN's ResNet generator (Zhu et al. 2017, after Johnson et al. 2016): 7x7 conv, two stride-2 convs,
6 (128x128) or 9 (256x256) residual blocks, two transposed convs back up, 7x7 conv to the image."""
import torch
import torch.nn as nn

from .blocks import ResidualBlock, conv_norm_relu, norm_2d


class ResnetGenerator(nn.Module):
    """Images N x C_in x H x W in [-1, 1] -> N x C_out x H x W in [-1, 1]; H and W multiples of 4."""

    def __init__(self, in_channels: int = 3, out_channels: int = 3, features: int = 64, blocks: int = 9,
                 norm: str = "instance"):
        super().__init__()
        f = features
        up = [[nn.ConvTranspose2d(c, c // 2, 3, 2, 1, output_padding=1, bias=False), norm_2d(norm, c // 2),
               nn.ReLU(inplace=True)] for c in (4 * f, 2 * f)]
        self.net = nn.Sequential(
            *conv_norm_relu(in_channels, f, 7, 1, norm),  # reflection padded at full resolution only
            *conv_norm_relu(f, 2 * f, 3, 2, norm), *conv_norm_relu(2 * f, 4 * f, 3, 2, norm),
            *[ResidualBlock(4 * f, norm) for _ in range(blocks)],
            *up[0], *up[1],
            nn.ReflectionPad2d(3), nn.Conv2d(f, out_channels, 7), nn.Tanh())

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images)
