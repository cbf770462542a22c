"""VGG19 as a frozen perceptual feature extractor with named layers (relu1_1 ... relu5_4).

Two weight kinds exist and they expect different inputs, so the extractor applies the preprocessing that
matches the weights it loaded:
- torchvision: torchvision's ImageNet VGG19 (downloaded by its weights API, or the file `vgg19-dcbb9e9d.pth`),
  RGB in [0, 1] normalised by the ImageNet mean and std.
- caffe: the original VGG team (Caffe) weights converted to torchvision's `features` keys
  (e.g. `vgg19_features_imagenet.pth`): BGR in [0, 255] minus the per-channel mean, no std.
Inputs to the extractor are always RGB in [-1, 1], the project's image convention.
"""
import os
from pathlib import Path

import torch
import torch.nn as nn
import torchvision

from ..errors import GanforgeError
from ..files import file_sha256

BLOCKS = (2, 2, 4, 4, 4)  # convs per block in VGG19
CHANNELS = (64, 128, 256, 512, 512)

# sha256 of known weight files -> kind. torchvision names its files by the first 8 hex digits of the sha256.
KNOWN_SHA256 = {
    "52ead10b7ea54fb7af997d0cd5123682f25681ac5353ead2efee528e6c19c0a5": "caffe",  # vgg19_features_imagenet.pth
}
TORCHVISION_SHA256_PREFIX = "dcbb9e9d"  # torchvision's vgg19-dcbb9e9d.pth (VGG19_Weights.IMAGENET1K_V1)
LOCAL_FILE_NAMES = ("vgg19_features_imagenet.pth", "vgg19-dcbb9e9d.pth")
KINDS = ("torchvision", "caffe", "random")

IMAGENET_MEAN_RGB = (0.485, 0.456, 0.406)
IMAGENET_STD_RGB = (0.229, 0.224, 0.225)
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


def layer_names() -> list[str]:
    """Names of VGG19's `features` modules in order: conv1_1, relu1_1, conv1_2, relu1_2, pool1, conv2_1, ..."""
    names = []
    for block, convs in enumerate(BLOCKS, start=1):
        for k in range(1, convs + 1):
            names += [f"conv{block}_{k}", f"relu{block}_{k}"]
        names.append(f"pool{block}")
    return names


def vgg19_layers(until: int) -> nn.Sequential:
    """torchvision's VGG19 `features` (same indices, so its state-dict keys load), cut after module `until`."""
    layers, in_channels = [], 3
    for convs, channels in zip(BLOCKS, CHANNELS):
        for _ in range(convs):
            # Not in-place: a tapped ReLU output must not be overwritten by what follows.
            layers += [nn.Conv2d(in_channels, channels, 3, padding=1), nn.ReLU()]
            in_channels = channels
        layers.append(nn.MaxPool2d(2, 2))
    return nn.Sequential(*layers[: until + 1])




def weights_kind(path: Path) -> str:
    """The kind of a local weights file, known by its sha256; anything else is refused."""
    sha = file_sha256(path)
    if sha in KNOWN_SHA256:
        return KNOWN_SHA256[sha]
    if sha.startswith(TORCHVISION_SHA256_PREFIX):
        return "torchvision"
    raise GanforgeError(f"unknown VGG19 weights file {path} (sha256 {sha[:16]}...): its input preprocessing "
                        "cannot be told; give torchvision's vgg19-dcbb9e9d.pth or the Caffe-converted "
                        "vgg19_features_imagenet.pth, or name the kind with --vgg-kind torchvision|caffe")


def find_weights(path: str | Path | None = None) -> Path | None:
    """An explicit file or folder, else $GANFORGE_WEIGHTS (file or folder); None means download."""
    given = path or os.environ.get("GANFORGE_WEIGHTS")
    if not given:
        return None
    source = "--vgg-weights" if path else "GANFORGE_WEIGHTS"
    given = Path(given).expanduser()
    if given.is_file():
        return given
    if given.is_dir():
        for name in LOCAL_FILE_NAMES:
            if (given / name).is_file():
                return given / name
        if path:
            raise GanforgeError(f"no VGG19 weights ({' or '.join(LOCAL_FILE_NAMES)}) in folder {given} "
                                f"({source}); point it at the weights file")
        return None  # GANFORGE_WEIGHTS may hold other weights only: fall back to the download
    raise GanforgeError(f"VGG19 weights {given} ({source}) do not exist; fix the path or unset it to download")


def features_state_dict(state: dict, path: Path) -> dict:
    """Accept both a full torchvision VGG19 state dict (`features.0.weight`, ...) and a features-only one."""
    if any(key.startswith("features.") for key in state):
        state = {key[len("features."):]: value for key, value in state.items() if key.startswith("features.")}
    if not state or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise GanforgeError(f"{path} holds no VGG19 conv weights; give a torchvision VGG19 state dict")
    return {key: value.float() for key, value in state.items()}  # the converted file is float16


def load_vgg19_state(weights: str | Path | None = None, kind: str | None = None) -> tuple[dict, str]:
    """(features state dict, kind): a local file if given, else torchvision's download (cached by torch.hub)."""
    path = find_weights(weights)
    if path is None:
        try:
            state = torchvision.models.VGG19_Weights.IMAGENET1K_V1.get_state_dict(progress=True)
        except Exception as err:  # URLError, SSL errors, timeouts...
            raise GanforgeError(f"cannot download torchvision's VGG19 weights ({type(err).__name__}); offline, "
                                "give a local file with --vgg-weights PATH or GANFORGE_WEIGHTS=PATH") from None
        return features_state_dict(state, Path("torchvision VGG19_Weights.IMAGENET1K_V1")), "torchvision"
    if kind is not None and kind not in ("torchvision", "caffe"):
        raise GanforgeError(f"unknown VGG19 weights kind '{kind}': use torchvision or caffe")
    kind = kind or weights_kind(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise GanforgeError(f"cannot read VGG19 weights {path} ({type(err).__name__}); give a torch state dict") \
            from None
    return features_state_dict(state, path), kind


class VGGFeatures(nn.Module):
    """Frozen VGG19 features: `forward(images)` returns {layer name: activation} for the requested layers.

    `weights`: a file path, a folder, or None ($GANFORGE_WEIGHTS, else torchvision's download);
    `weights="random"` gives an untrained network (for tests) with torchvision's preprocessing.
    """

    def __init__(self, layers: list[str] | tuple[str, ...], weights: str | Path | None = None,
                 kind: str | None = None):
        super().__init__()
        names = layer_names()
        unknown = [name for name in layers if name not in names]
        if unknown or not layers:
            raise GanforgeError(f"unknown VGG19 layer(s) {', '.join(unknown) or '(none given)'}; "
                                f"use names like relu1_1, relu4_2, relu5_1")
        self.layers = list(layers)
        self.index = {names[i]: i for i in range(len(names))}
        until = max(self.index[name] for name in layers)
        # A private RNG: building must not move the global one (exact resume), and "random" is reproducible.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            self.net = vgg19_layers(until)
        if weights == "random":
            self.kind = "random"
        else:
            state, self.kind = load_vgg19_state(weights, kind)
            keep = {key: value for key, value in state.items() if int(key.split(".")[0]) <= until}
            try:
                self.net.load_state_dict(keep, strict=True)
            except RuntimeError as err:
                raise GanforgeError(f"VGG19 weights do not fit torchvision's VGG19 features "
                                    f"({str(err).splitlines()[0]}); give a VGG19 (not VGG16) file") from None
        scale, shift, order = preprocessing(self.kind)
        self.register_buffer("scale", torch.tensor(scale).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("shift", torch.tensor(shift).view(1, 3, 1, 1), persistent=False)
        self.channel_order = order
        self.requires_grad_(False)
        self.eval()

    def train(self, mode: bool = True):
        return super().train(False)  # always eval: no dropout or batch norm here, but stay explicit

    def preprocess(self, images: torch.Tensor) -> torch.Tensor:
        """RGB in [-1, 1] -> what these weights were trained on."""
        return images[:, self.channel_order] * self.scale + self.shift

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        x, out = self.preprocess(images), {}
        wanted = {self.index[name]: name for name in self.layers}
        for i, module in enumerate(self.net):
            x = module(x)
            if i in wanted:
                out[wanted[i]] = x
        return out


def preprocessing(kind: str) -> tuple[list[float], list[float], list[int]]:
    """(scale, shift, channel order) such that preprocess(x) = x[:, order] * scale + shift for x in [-1, 1]."""
    if kind in ("torchvision", "random"):
        # ((x + 1) / 2 - mean) / std
        scale = [0.5 / s for s in IMAGENET_STD_RGB]
        shift = [(0.5 - m) / s for m, s in zip(IMAGENET_MEAN_RGB, IMAGENET_STD_RGB)]
        return scale, shift, [0, 1, 2]
    if kind == "caffe":
        # BGR, (x + 1) * 127.5 - mean
        return [127.5] * 3, [127.5 - m for m in CAFFE_MEAN_BGR], [2, 1, 0]
    raise GanforgeError(f"unknown VGG19 weights kind '{kind}': use one of {', '.join(KINDS)}")
