"""DCGAN's stride-2 (transposed) convolutions, with a faster weight gradient for bf16 on CPUs.

oneDNN's bf16 weight-gradient kernel runs on a single thread at DCGAN sizes (mnist-dcgan's 64->128 conv: 13 ms
on one thread or two). The same sum written as a forward convolution, with batch and channels swapped and the
output gradient as a dilated kernel, runs on all cores (8 ms). Forward passes, input gradients, other devices
and fp32 use PyTorch's own kernels; the modules are drop-in nn.Conv2d / nn.ConvTranspose2d (same weights)
for square strides and paddings, dilation 1, one group.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def weight_grad(inputs: torch.Tensor, grad: torch.Tensor, kernel: int, stride: int, padding: int) -> torch.Tensor:
    """d(conv2d(inputs, w))/dw contracted with grad, as one forward convolution: [out, in, kernel, kernel]."""
    batch_as_channels = inputs.transpose(0, 1)  # [in, N, H, W]
    kernels = grad.transpose(0, 1)  # [out, N, h, w]
    out = F.conv2d(batch_as_channels, kernels, padding=padding, dilation=stride)  # [in, out, >=k, >=k]
    return out[:, :, :kernel, :kernel].transpose(0, 1)


class _StridedConv(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, transposed):
        ctx.save_for_backward(x, weight)
        ctx.stride, ctx.padding, ctx.transposed, ctx.has_bias = stride, padding, transposed, bias is not None
        conv = F.conv_transpose2d if transposed else F.conv2d
        return conv(x, weight, bias, stride=stride, padding=padding)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        s, p, k = ctx.stride, ctx.padding, weight.shape[-1]
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.ops.aten.convolution_backward(grad, x, weight, None, (s, s), (p, p), (1, 1), ctx.transposed,
                                                         (0, 0), 1, (True, False, False))[0]
        if ctx.needs_input_grad[1]:
            # A transposed conv's weight gradient is a conv's with the roles of input and output swapped.
            grad_w = weight_grad(grad, x, k, s, p) if ctx.transposed else weight_grad(x, grad, k, s, p)
            grad_w = grad_w.contiguous(memory_format=torch.channels_last if weight.is_contiguous(
                memory_format=torch.channels_last) and not weight.is_contiguous() else torch.contiguous_format)
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_b = grad.sum((0, 2, 3))
        return grad_x, grad_w, grad_b, None, None, None


MIN_CHANNELS = 32  # below this on either side oneDNN's own kernel was faster (1->64: 7.6 vs 9.9 ms)


def _fast_path(module, x: torch.Tensor) -> bool:
    # parameters(), not module.weight: a spectrally normalised weight would run its power iteration twice.
    return (min(module.in_channels, module.out_channels) >= MIN_CHANNELS and x.device.type == "cpu"
            and torch.is_grad_enabled() and any(p.requires_grad for p in module.parameters())
            and torch.is_autocast_enabled("cpu") and torch.get_autocast_dtype("cpu") == torch.bfloat16)


def _apply(module, x: torch.Tensor, transposed: bool) -> torch.Tensor:
    dtype = torch.bfloat16  # what autocast would cast to; done here so backward sees one dtype
    bias = module.bias.to(dtype) if module.bias is not None else None
    with torch.autocast("cpu", enabled=False):
        return _StridedConv.apply(x.to(dtype), module.weight.to(dtype), bias, module.stride[0], module.padding[0],
                                  transposed)


class StridedConv2d(nn.Conv2d):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _apply(self, x, False) if _fast_path(self, x) else super().forward(x)


class StridedConvTranspose2d(nn.ConvTranspose2d):
    def forward(self, x: torch.Tensor, output_size=None) -> torch.Tensor:
        if output_size is None and _fast_path(self, x):
            return _apply(self, x, True)
        return super().forward(x, output_size)
