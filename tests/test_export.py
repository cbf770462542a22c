"""Export round trips: TorchScript and onnxruntime outputs match PyTorch within 1e-4."""
import pytest
import torch
import torch.nn as nn

import ganforge
from ganforge.cli import main
from ganforge.errors import GanforgeError
from ganforge.export import TOLERANCE, export, exportable, generator_exportable, image_exportable, parity
from tiny_runs import train_tiny

pytest.importorskip("onnxruntime")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "runs"
    return {"dcgan": train_tiny("mnist-dcgan", out), "cgan": train_tiny("mnist-cgan", out),
            "vae": train_tiny("mnist-vae", out)}


class TinyUNet(nn.Module):
    """Encoder-decoder with a skip connection, as pix2pix's U-Net: stands in until its own network is exported."""

    def __init__(self, channels=3, width=8):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(0.2))
        self.middle = nn.Sequential(nn.Conv2d(width, width * 2, 4, 2, 1), nn.BatchNorm2d(width * 2), nn.ReLU(),
                                    nn.ConvTranspose2d(width * 2, width, 4, 2, 1), nn.BatchNorm2d(width), nn.ReLU())
        self.up = nn.Sequential(nn.ConvTranspose2d(width * 2, channels, 4, 2, 1), nn.Tanh())

    def forward(self, x):
        d = self.down(x)
        return self.up(torch.cat([d, self.middle(d)], 1))


class TinyStyleNet(nn.Module):
    """Johnson et al.'s shape: reflection-padded convs, instance norm, a residual block, upsample + conv."""

    def __init__(self, width=8):
        super().__init__()
        self.encode = nn.Sequential(nn.ReflectionPad2d(2), nn.Conv2d(3, width, 5),
                                    nn.InstanceNorm2d(width, affine=True), nn.ReLU(),
                                    nn.Conv2d(width, width, 3, 2, 1), nn.ReLU())
        self.residual = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(width, width, 3),
                                      nn.InstanceNorm2d(width, affine=True))
        self.decode = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(width, 3, 3, 1, 1),
                                    nn.Tanh())

    def forward(self, x):
        h = self.encode(x)
        return self.decode(h + self.residual(h))


def trained_like(module):
    """Random but non-trivial BatchNorm statistics, so eval mode really differs from training mode."""
    torch.manual_seed(0)
    module.train()
    with torch.no_grad():
        for _ in range(3):
            module(torch.rand(4, 3, 32, 32) * 2 - 1)
    return module.eval()


@pytest.mark.parametrize("fmt", ["torchscript", "onnx"])
@pytest.mark.parametrize("name", ["dcgan", "cgan", "vae"])
def test_generator_exports_match_pytorch(runs, name, fmt, tmp_path):
    ex = exportable(ganforge.load(runs[name]))
    path = export(ex, tmp_path / f"{name}.{fmt}", fmt, batch=2, dynamic=True)
    assert parity(ex, path, fmt, (2, 5)) <= TOLERANCE
    assert ex.input_names == (["noise", "labels"] if name == "cgan" else ["noise"])


def small_transform_net():
    from ganforge.nets.transform_net import TransformNet  # the fast-style network itself, narrow
    return TransformNet(features=4, residual_blocks=1)


@pytest.mark.parametrize("fmt", ["torchscript", "onnx"])
@pytest.mark.parametrize("make", [TinyUNet, TinyStyleNet, small_transform_net], ids=["unet", "style", "transform"])
def test_image_network_exports_match_pytorch(make, fmt, tmp_path):
    ex = image_exportable(trained_like(make()), 3, (32, 32))
    path = export(ex, tmp_path / f"net.{fmt}", fmt, batch=2, dynamic=True)
    assert parity(ex, path, fmt, (2, 3)) <= TOLERANCE


def test_fixed_batch_onnx_refuses_another_batch(runs, tmp_path):
    ex = exportable(ganforge.load(runs["dcgan"]))
    path = export(ex, tmp_path / "fixed.onnx", "onnx", batch=4)
    assert parity(ex, path, "onnx", (4,)) <= TOLERANCE
    with pytest.raises(Exception, match="(?i)dimension|shape"):
        parity(ex, path, "onnx", (3,))


def test_onnx_runs_in_plain_onnxruntime(runs, tmp_path):
    """What the README snippet does: numpy in, numpy out, no torch and no ganforge."""
    import numpy as np
    import onnxruntime as ort
    ex = exportable(ganforge.load(runs["cgan"]))
    path = export(ex, tmp_path / "cgan.onnx", "onnx", dynamic=True)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["noise", "labels"]
    noise = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    (images,) = session.run(None, {"noise": noise, "labels": np.array([0, 1, 1], np.int64)})
    assert images.shape == (3, 3, 32, 32) and images.min() >= -1 and images.max() <= 1


def test_export_command_prints_the_difference(runs, tmp_path, capsys):
    out = tmp_path / "g.onnx"
    assert main(["export", str(runs["cgan"]), "--format", "onnx", "-o", str(out), "--dynamic",
                 "--benchmark", "4"]) == 0
    printed = capsys.readouterr().out
    assert out.is_file() and "max abs difference to PyTorch" in printed and "at batch 1, 4" in printed
    assert "pytorch" in printed and "onnx" in printed.split("median per batch:")[1]
    assert main(["export", str(runs["vae"]), "--format", "torchscript"]) == 0
    assert (runs["vae"] / "export" / "mnist-vae.pt").is_file()


def test_generator_exportable_without_a_run(tmp_path):
    from ganforge.nets import DCGANGenerator
    ex = generator_exportable(DCGANGenerator(16, (1, 28, 28), 8).eval(), 16)
    path = export(ex, tmp_path / "g.pt", "torchscript", batch=3)
    assert parity(ex, path, "torchscript", (3,)) == 0.0
    with pytest.raises(GanforgeError, match="unknown export format"):
        export(ex, tmp_path / "g.tflite", "tflite")


@pytest.mark.parametrize("fmt", ["torchscript", "onnx"])
def test_a_generator_with_conditional_batch_norm_exports(fmt, tmp_path):
    from ganforge.nets import DCGANGenerator
    torch.manual_seed(0)
    g = DCGANGenerator(16, (3, 32, 32), 8, [2, 3], 4, conditional_norm=True)
    for embedding in g.modules():  # labels must change the output, or parity could not see them
        if isinstance(embedding, nn.Embedding):
            nn.init.normal_(embedding.weight, 0, 0.3)
    ex = generator_exportable(g.eval(), 16, 6)
    path = export(ex, tmp_path / f"g.{'pt' if fmt == 'torchscript' else 'onnx'}", fmt, batch=4)
    assert parity(ex, path, fmt, (4,)) < 1e-4
