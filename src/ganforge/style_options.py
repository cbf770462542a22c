"""The options of Gatys style transfer (style_transfer.py), apart from it so that the command line can make its
flags from them without importing torch."""
from dataclasses import dataclass, field, fields
from typing import Callable, Optional

from PIL import Image

from .errors import GanforgeError

OPTIMIZERS, INITS, VGG_KINDS = ("lbfgs", "adam"), ("content", "noise"), ("torchvision", "caffe")

@dataclass
class GatysOptions:
    content_layer: str = "relu4_2"
    style_layers: list[str] = field(default_factory=lambda: ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"])
    style_layer_weights: Optional[list[float]] = None  # None: equal
    content_weight: float = 1.0
    style_weight: float = 10.0
    tv_weight: float = 1e-3
    optimizer: str = "lbfgs"  # lbfgs | adam
    lr: Optional[float] = None  # None: 1.0 for L-BFGS, 0.02 for Adam (pixels in [-1, 1])
    init: str = "content"  # content | noise
    preserve_color: bool = False  # keep the content photo's colours: only luminance takes the style
    coarse_sizes: list[int] = field(default_factory=lambda: [256])  # smaller sizes run first; [] = one scale
    coarse_fraction: float = 0.8  # share of the steps spent at the coarse sizes
    style_scale: float = 1.0  # style images' longer side relative to the working size
    vgg_weights: Optional[str] = None  # file or folder; None: $GANFORGE_WEIGHTS, else torchvision's download
    vgg_kind: Optional[str] = None  # torchvision | caffe, for a weights file ganforge does not know
    seed: int = 0
    device: str = "cpu"
    precision: str = "auto"  # auto: bf16 autocast where the hardware has native bf16 (1.6x faster, same look) | fp32
    snapshot_every: int = 0  # call on_snapshot(step, image) every N steps (0: never)
    on_snapshot: Optional[Callable[[int, Image.Image], None]] = None


def make_options(options: dict) -> GatysOptions:
    names = {f.name for f in fields(GatysOptions)}
    unknown = sorted(set(options) - names)
    if unknown:
        raise GanforgeError(f"unknown style option(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}")
    opts = GatysOptions(**options)
    if opts.optimizer not in OPTIMIZERS:
        raise GanforgeError(f"optimizer '{opts.optimizer}': use lbfgs or adam")
    if opts.init not in INITS:
        raise GanforgeError(f"init '{opts.init}': use content or noise")
    return opts
