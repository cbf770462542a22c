"""The shared conv-norm-ReLU and residual blocks (nets/blocks.py) keep the parameter names and the numbers of the
two networks built from them, so CycleGAN and fast-style checkpoints written before still load."""
import pytest
import torch

from ganforge.nets.blocks import conv_norm_relu, norm_2d
from ganforge.nets.resnet_generator import ResnetGenerator
from ganforge.nets.transform_net import TransformNet

# Recorded from the networks as they were before they shared blocks (one residual block each, 4 features).
RESNET_KEYS = ["net.1.weight", "net.2.weight", "net.2.bias", "net.4.weight", "net.5.weight", "net.5.bias",
               "net.7.weight", "net.8.weight", "net.8.bias", "net.10.body.1.weight", "net.10.body.2.weight",
               "net.10.body.2.bias", "net.10.body.5.weight", "net.10.body.6.weight", "net.10.body.6.bias",
               "net.11.weight", "net.12.weight", "net.12.bias", "net.14.weight", "net.15.weight", "net.15.bias",
               "net.18.weight", "net.18.bias"]
TRANSFORM_KEYS = [f"net.{k}.{part}.{p}" for k in range(3) for part in (1, 2) for p in ("weight", "bias")] + \
    [f"net.3.body.0.{part}.{p}" for part in (1, 2) for p in ("weight", "bias")] + \
    [f"net.3.body.{part}.{p}" for part in (2, 3) for p in ("weight", "bias")] + \
    [f"net.{k}.conv.{part}.{p}" for k in (4, 5) for part in (1, 2) for p in ("weight", "bias")] + \
    ["net.7.weight", "net.7.bias"]


@pytest.mark.parametrize("build,keys,total", [
    (lambda: ResnetGenerator(3, 3, 4, 1, "instance"), RESNET_KEYS, 62.07607476180419),
    (lambda: TransformNet(4, 1), TRANSFORM_KEYS, 126.29747346648946),
])
def test_networks_keep_their_parameter_names_and_outputs(build, keys, total):
    torch.manual_seed(0)
    net = build()
    assert list(net.state_dict()) == keys
    torch.manual_seed(1)
    x = torch.rand(1, 3, 12, 12) * 2 - 1
    with torch.no_grad():
        assert float(net(x).double().sum()) == pytest.approx(total, rel=1e-5)


def test_conv_norm_relu_pads_by_reflection_at_stride_one_only():
    full, strided = conv_norm_relu(3, 8, 3, 1, "batch"), conv_norm_relu(3, 8, 3, 2, "none")
    assert [type(m).__name__ for m in full] == ["ReflectionPad2d", "Conv2d", "BatchNorm2d", "ReLU"]
    assert [type(m).__name__ for m in strided] == ["Conv2d", "Identity", "ReLU"] and strided[0].padding == (1, 1)
    assert len(conv_norm_relu(3, 8, 3, 2, reflect=True)) == 4
    with pytest.raises(ValueError, match="unknown norm 'group'"):
        norm_2d("group", 8)
