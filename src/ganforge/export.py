"""Export a run's inference network to TorchScript or ONNX, checked on the spot against the PyTorch model.

Generators take `noise` (N x latent_dim, float32) and, when conditional, `labels` (N, int64); image networks
take `input` (N x C x H x W in [-1, 1]). Every exported network returns `images` in [-1, 1], N x C x H x W.
"""
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn as nn

from .capabilities import Autoencoder, Generator, Stylizer, Translator, is_conditional
from .errors import GanforgeError

FORMATS = ("torchscript", "onnx")
TOLERANCE = 1e-4


@dataclass
class Exportable:
    """A network in eval mode and a way to make example inputs for any batch size."""
    module: nn.Module
    make_inputs: object  # callable(batch, seed) -> tuple of tensors
    input_names: list[str]
    output_names: list[str] = field(default_factory=lambda: ["images"])
    spatial: bool = False  # image inputs: height and width may vary too when exported with dynamic shapes
    description: str = ""


class GeneratorForExport(nn.Module):
    """G(noise[, labels]) with the label argument made explicit, so the exported graph has named inputs."""

    def __init__(self, generator: nn.Module, conditional: bool):
        super().__init__()
        self.generator, self.conditional = generator, conditional

    def forward(self, noise: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.generator(noise, labels if self.conditional else None)


def generator_exportable(generator: nn.Module, latent_dim: int, num_classes: int = 0,
                         description: str = "generator") -> Exportable:
    conditional = num_classes > 0

    def make_inputs(batch: int, seed: int = 0):
        rng = torch.Generator().manual_seed(seed)
        noise = torch.randn(batch, latent_dim, generator=rng)
        if not conditional:
            return (noise,)
        return noise, torch.randint(0, num_classes, (batch,), generator=rng)

    return Exportable(GeneratorForExport(generator, conditional).eval(), make_inputs,
                      ["noise", "labels"] if conditional else ["noise"], description=description)


def image_exportable(network: nn.Module, channels: int = 3, size: tuple[int, int] = (256, 256),
                     description: str = "image network") -> Exportable:
    """Any image -> image network (U-Net, ResNet generator, fast-style network), inputs in [-1, 1]."""
    def make_inputs(batch: int, seed: int = 0, shape: tuple[int, int] = size):
        rng = torch.Generator().manual_seed(seed)
        return (torch.rand(batch, channels, *shape, generator=rng) * 2 - 1,)

    return Exportable(network.eval(), make_inputs, ["input"], spatial=True, description=description)


def exportable(trained, size: int | None = None, direction: str | None = None) -> Exportable:
    """The inference network of a loaded run (`ganforge.load(RUN)`)."""
    method = trained.method
    if isinstance(method, Generator):  # the GAN family (EMA weights when kept), the VAE's decoder
        classes = method.info.num_classes if is_conditional(method) else 0
        latent_dim = method.noise(1, torch.Generator().manual_seed(0)).shape[1]
        network = "decoder" if isinstance(method, Autoencoder) else "generator"
        return generator_exportable(method.sampler, latent_dim, classes, f"{trained.config.recipe} {network}")
    if isinstance(method, Stylizer):  # fast style: Johnson et al.'s transform net
        channels, height, width = trained.info.image_shape
        side = (size, size) if size else (height, width)
        return image_exportable(method.transform, channels, side, f"{trained.config.recipe} transform network")
    if isinstance(method, Translator):  # image-to-image methods name their inference network
        network = method.export_network(direction)
        side = (size or method.size,) * 2
        return image_exportable(network, method.channels, side,
                                f"{trained.config.recipe} {trained.directions_text(direction)} generator")
    raise GanforgeError(f"runs of method '{trained.config.method}' cannot be exported yet; export works for "
                        "latent generators (GAN family, VAE decoder) and image-to-image / fast-style networks")


def export(ex: Exportable, path: str | Path, fmt: str, batch: int = 1, dynamic: bool = False) -> Path:
    """Write the network; `dynamic` leaves the batch size (and an image network's height and width) free."""
    if fmt not in FORMATS:
        raise GanforgeError(f"unknown export format '{fmt}': use torchscript or onnx")
    if batch < 1:
        raise GanforgeError(f"--batch must be at least 1, not {batch}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A dynamic dimension traced at size 1 gets specialised to 1 by torch.export: trace with 2.
    inputs = ex.make_inputs(max(batch, 2) if dynamic else batch)
    with torch.no_grad():
        if fmt == "torchscript":
            with warnings.catch_warnings():
                # TorchScript is deprecated in favour of torch.export, but it is still what C++ (libtorch) loads.
                warnings.simplefilter("ignore", FutureWarning)
                traced = torch.jit.trace(ex.module, inputs)
            traced.save(str(path))
        else:
            # One Dim for every input's batch: the exporter notes that they are the same axis; nothing to fix.
            warnings.filterwarnings("ignore", message=".*shares the same shape constraints")
            torch.onnx.export(ex.module, inputs, str(path), input_names=ex.input_names,
                              output_names=ex.output_names, dynamic_shapes=dynamic_shapes(ex) if dynamic else None,
                              dynamo=True, external_data=False, verbose=False)
    return path


def dynamic_shapes(ex: Exportable) -> tuple:
    batch = torch.export.Dim("batch", min=1)
    if ex.spatial:
        # Conv nets with k down-samplings need sides divisible by 2^k: leave them free, export checks the graph.
        return ({0: batch, 2: torch.export.Dim.AUTO, 3: torch.export.Dim.AUTO},)
    return tuple({0: batch} for _ in ex.input_names)


def load_exported(path: str | Path, fmt: str):
    """A callable taking the example tensors and returning a float32 tensor, for either format."""
    if fmt == "torchscript":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # deprecated, still the format libtorch loads
            module = torch.jit.load(str(path)).eval()
        return lambda *inputs: module(*inputs).detach().float()
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()  # the same threads as PyTorch: a fair comparison
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    return lambda *inputs: torch.from_numpy(session.run(None, {n: t.numpy() for n, t in zip(names, inputs)})[0])


def parity(ex: Exportable, path: str | Path, fmt: str, batches: tuple[int, ...]) -> float:
    """Largest |exported - PyTorch| over fresh inputs at each batch size."""
    run = load_exported(path, fmt)
    worst = 0.0
    for i, batch in enumerate(batches):
        inputs = ex.make_inputs(batch, seed=100 + i)
        with torch.no_grad():
            expected = ex.module(*inputs).float()
        got = run(*inputs)
        if got.shape != expected.shape:
            raise GanforgeError(f"exported {fmt} network gave shape {tuple(got.shape)}, PyTorch "
                                f"{tuple(expected.shape)} (batch {batch})")
        worst = max(worst, float((got - expected).abs().max()))
    return worst


def benchmark(ex: Exportable, path: str | Path, fmt: str, batch: int, repeats: int = 20) -> dict[str, float]:
    """Median milliseconds per batch: the PyTorch module and the exported file, same inputs, same threads."""
    run = load_exported(path, fmt)
    inputs = ex.make_inputs(batch)

    def median_ms(call) -> float:
        call()  # warm-up: first calls allocate and plan
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return 1000 * sorted(times)[len(times) // 2]

    with torch.no_grad():
        torch_ms = median_ms(lambda: ex.module(*inputs))
    return {"pytorch_ms": torch_ms, f"{fmt}_ms": median_ms(lambda: run(*inputs))}
