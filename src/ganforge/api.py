"""Use a trained run from Python: `ganforge.load(RUN).sample(16, label=3)`."""
from pathlib import Path

import torch
from PIL import Image

from .checkpoint import load_checkpoint
from .config import load_config
from .data.pil_images import image_to_tensor, tensor_to_image
from .errors import GanforgeError
from .methods.base import DataInfo
from .named_models import is_named, load_inference_state, resolve
from .trainer import build_method


class TrainedRun:
    def __init__(self, run: str | Path, device: str = "cpu"):
        self.name = str(run)
        if is_named(run):  # starter:NAME (in the package) or pretrained:NAME (downloaded once)
            run = resolve(run)
        checkpoint = load_checkpoint(run)
        self.path = Path(run)
        self.step = int(checkpoint["step"])
        # Inference: full precision, default memory layout, whatever the run trained with.
        self.config = load_config(None, ["train.precision=fp32", "train.channels_last=false"],
                                  base=checkpoint["config"])
        info = checkpoint["data_info"]
        self.info = DataInfo(tuple(info["image_shape"]), list(info["class_names"]))
        self.method = build_method(self.config, self.info, torch.device(device))
        if checkpoint.get("inference_only"):
            load_inference_state(self.method, checkpoint["method"])
        else:
            self.method.load_state_dict(checkpoint["method"])

    @property
    def class_names(self) -> list[str]:
        return self.info.class_names

    @property
    def conditional(self) -> bool:
        return bool(getattr(self.config.model, "conditional", False))

    def label_index(self, label: int | str) -> int:
        """A class by name ('3', 'female') or by index."""
        if not self.conditional:
            raise GanforgeError(f"run {self.path} is not conditional: it cannot draw a chosen label")
        names = self.class_names
        if str(label) in names:
            return names.index(str(label))
        if isinstance(label, int) or str(label).isdigit():
            if 0 <= int(label) < len(names):
                return int(label)
        raise GanforgeError(f"unknown label '{label}' for run {self.path}; its labels are: {', '.join(names)}")

    def stylize(self, image: Image.Image) -> Image.Image:
        """A fast-style run's stylisation of a PIL image, one forward pass, same size as the input."""
        if not hasattr(self.method, "stylize"):
            raise GanforgeError(f"run {self.path} is a '{self.config.method}' run; stylize needs a fast-style run")
        return tensor_to_image(self.method.stylize(image_to_tensor(image)))

    @property
    def directions(self) -> tuple[str, ...]:
        """The ways an image-to-image run translates: both for CycleGAN, the trained one for pix2pix."""
        if not hasattr(self.method, "translate"):
            return ()
        return ("AtoB", "BtoA") if self.method.two_way else (self.config.data.direction,)

    def directions_text(self, direction: str | None = None) -> str:
        return direction or self.directions[0] if self.directions else ""

    def translate(self, image: Image.Image, direction: str | None = None) -> Image.Image:
        """A pix2pix or CycleGAN run's translation of a PIL image, same size as the input (resized to the
        model's size and back). `direction`: AtoB or BtoA for CycleGAN (default AtoB); pix2pix has one."""
        if not hasattr(self.method, "translate"):
            raise GanforgeError(f"run {self.path} is a '{self.config.method}' run; translate needs a pix2pix or "
                                "CycleGAN run")
        images = image_to_tensor(image)
        if self.method.channels == 1:
            images = images.mean(1, keepdim=True)
        out = self.method.translate(images, direction)
        return tensor_to_image(out.expand(-1, 3, -1, -1))

    def sample(self, n: int = 64, label: int | str | None = None, seed: int | None = None) -> torch.Tensor:
        """n images in [-1, 1], N x C x H x W; a chosen class for conditional runs."""
        labels = None if label is None else torch.full((n,), self.label_index(label), dtype=torch.long)
        return self.method.sample(n, labels=labels, seed=seed)
