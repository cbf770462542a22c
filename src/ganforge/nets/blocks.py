"""Building blocks several networks share: a 2-d norm layer by name, conv-norm-ReLU, and the residual block of
Johnson et al. (2016) that CycleGAN's ResNet generator and the fast-style transform network both use."""
import torch
import torch.nn as nn


def norm_2d(kind: str, channels: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=True)
    if kind == "layer":  # one group = layer norm over C, H, W; the WGAN-GP paper's choice for a critic
        return nn.GroupNorm(1, channels)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm '{kind}': use batch, instance, layer or none")


def conv_norm_relu(in_channels: int, out_channels: int, kernel: int, stride: int = 1, norm: str = "instance",
                   bias: bool = False, reflect: bool | None = None) -> list[nn.Module]:
    """[reflection pad], conv, norm, ReLU; `reflect` defaults to stride 1 (a strided conv pads with zeros)."""
    # Reflection padding at full resolution: zero borders show up as dark frames in translated images.
    pad = [nn.ReflectionPad2d(kernel // 2)] if (stride == 1 if reflect is None else reflect) else []
    return [*pad, nn.Conv2d(in_channels, out_channels, kernel, stride, 0 if pad else kernel // 2, bias=bias),
            norm_2d(norm, out_channels), nn.ReLU(inplace=True)]


class ResidualBlock(nn.Module):
    """x + (3x3 conv-norm-ReLU, 3x3 conv-norm), reflection padded. `grouped` keeps the first conv-norm-ReLU as
    one sub-module: the transform network's layout, so its checkpoints keep their parameter names."""

    def __init__(self, channels: int, norm: str = "instance", bias: bool = False, grouped: bool = False):
        super().__init__()
        first = conv_norm_relu(channels, channels, 3, 1, norm, bias)
        second = [nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=bias), norm_2d(norm, channels)]
        self.body = nn.Sequential(*([nn.Sequential(*first)] if grouped else first), *second)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)
