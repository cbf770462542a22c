"""Keep one memory layout through a network's forward and backward passes.

An element-wise backward (LeakyReLU, BatchNorm) that meets a channels-last activation and an NCHW gradient runs
a strided loop 10-20x slower than on matching layouts; these two helpers stop the mix where it starts: at the
flatten before a linear head and at the reshape after a linear stem.
"""
import torch


def memory_format_of(weight: torch.Tensor) -> torch.memory_format:
    """The layout a conv's input should have: channels-last when its weight is."""
    if weight.dim() == 4 and weight.is_contiguous(memory_format=torch.channels_last) and not weight.is_contiguous():
        return torch.channels_last
    return torch.contiguous_format


class _FlattenKeepingLayout(torch.autograd.Function):
    """flatten(1) in NCHW order (what the linear layer's weights mean) whose gradient keeps the input's layout."""

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return x.contiguous().flatten(1)

    @staticmethod
    def backward(ctx, grad):
        return grad.view(ctx.shape).contiguous(memory_format=torch.channels_last)


def flatten_features(x: torch.Tensor) -> torch.Tensor:
    channels_last = x.dim() == 4 and not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last)
    if channels_last and torch.is_grad_enabled() and x.requires_grad:
        return _FlattenKeepingLayout.apply(x)
    return x.flatten(1)
