import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from ganforge.nets.layout import flatten_features
from ganforge.nets.strided_conv import StridedConv2d, StridedConvTranspose2d, weight_grad

BF16 = torch.autocast("cpu", dtype=torch.bfloat16)


@pytest.mark.parametrize("side", [14, 15])
def test_weight_grad_matches_autograd(side):
    """The weight gradient written as one forward convolution equals PyTorch's, odd sizes included."""
    torch.manual_seed(0)
    x, w = torch.randn(3, 5, side, side, dtype=torch.float64), torch.randn(7, 5, 4, 4, dtype=torch.float64)
    w.requires_grad_()
    out = F.conv2d(x, w, stride=2, padding=1)
    grad = torch.randn_like(out)
    out.backward(grad)
    assert torch.allclose(weight_grad(x, grad, 4, 2, 1), w.grad, atol=1e-10)


def pair(transposed: bool, memory_format=torch.contiguous_format):
    torch.manual_seed(0)
    reference = (nn.ConvTranspose2d if transposed else nn.Conv2d)(32, 48, 4, 2, 1)
    fast = (StridedConvTranspose2d if transposed else StridedConv2d)(32, 48, 4, 2, 1)
    fast.load_state_dict(reference.state_dict())
    return reference.to(memory_format=memory_format), fast.to(memory_format=memory_format)


def grads(module, x, penalty=False):
    module.zero_grad()
    x = x.detach().requires_grad_()
    with BF16:
        y = module(x).float()
    if penalty:  # WGAN-GP differentiates a gradient: backward of the backward
        (g,) = torch.autograd.grad(y.square().sum(), x, create_graph=True)
        loss = g.float().square().sum()
    else:
        loss = y.square().mean()
    loss.backward()
    return y.detach(), module.weight.grad, module.bias.grad, x.grad


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("memory_format", [torch.contiguous_format, torch.channels_last])
@pytest.mark.parametrize("penalty", [False, True])
def test_bf16_gradients_match_pytorch(transposed, memory_format, penalty):
    reference, fast = pair(transposed, memory_format)
    x = torch.randn(8, 32, 8, 8).contiguous(memory_format=memory_format)
    for want, got in zip(grads(reference, x, penalty), grads(fast, x, penalty)):
        assert want.shape == got.shape
        assert (want - got).abs().max() <= 0.02 * want.abs().max()  # bf16 sums in another order
    assert fast.weight.grad.is_contiguous(memory_format=memory_format)


def test_fp32_and_inference_are_pytorch_itself():
    for transposed in (False, True):
        reference, fast = pair(transposed)
        x = torch.randn(2, 32, 6, 6)
        assert torch.equal(reference(x), fast(x))
        with torch.no_grad(), BF16:
            assert torch.equal(reference(x), fast(x))


def test_flatten_keeps_the_gradient_layout():
    x = torch.randn(2, 3, 4, 4).contiguous(memory_format=torch.channels_last).requires_grad_()
    flat = flatten_features(x)
    assert torch.equal(flat, x.detach().flatten(1))  # NCHW order: what a linear head's weights mean
    flat.backward(torch.arange(flat.numel(), dtype=torch.float32).view_as(flat))
    assert x.grad.is_contiguous(memory_format=torch.channels_last)
    assert torch.equal(x.grad.contiguous().flatten(1), torch.arange(flat.numel(), dtype=torch.float32).view_as(flat))
