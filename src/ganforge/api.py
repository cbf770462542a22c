"""Use a trained run from Python: `ganforge.load(RUN).sample(16, label=3)`."""
from pathlib import Path

import torch
from PIL import Image

from .capabilities import DIRECTIONS, Stylizer, Translator, is_conditional
from .checkpoint import load_checkpoint
from .config import load_config
from .data.attributes import split_attributes
from .data.pil_images import image_to_tensor, tensor_to_image
from .errors import GanforgeError
from .label_rows import label_columns, label_rows
from .latent_arithmetic import Arithmetic, label_swap, latent_arithmetic, numbered_grid
from .labels import attribute_names, resolve_label
from .methods.base import DataInfo
from .named_models import is_named, load_inference_state, resolve
from .methods.factory import build_method


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
        return is_conditional(self.method)

    @property
    def attributes(self) -> dict[str, list[str]]:
        """Each attribute's values in order, e.g. {'gender': [female, male], 'age': [0-12, ...]}; one entry
        ('label', or the preset's name) for a single-label run."""
        values = split_attributes(self.class_names)
        return dict(zip(attribute_names(self.class_names, self.config.data.label_pattern), values))

    def require_conditional(self, why: str) -> None:
        if not self.conditional:
            raise GanforgeError(f"run {self.path} is not conditional: {why} (train with model.conditional=true, "
                                "e.g. the faces-cgan recipe)")

    def label_index(self, label: int | str) -> int:
        """A class by name ('3', 'female'), by combined name for several attributes ('female,60+', spaces
        allowed, attributes in the run's order) or by index (single attribute)."""
        self.require_conditional("it cannot draw a chosen label")
        return resolve_label(label, self.class_names, self.config.data.label_pattern, f"run {self.path}")

    def label_rows(self, rows: int = 8, seed: int = 0, attribute: str | None = None,
                   label: str | None = None) -> tuple[torch.Tensor, list[str]]:
        """(rows x columns x C x H x W images in [-1, 1], each column's class name): each row one noise vector,
        each column one class, so only the label changes along a row. With `attribute` ('age') the columns are
        that attribute's values, the others fixed by `label` (their values in order, e.g. 'female')."""
        self.require_conditional("label rows change the label, and it has none")
        names = label_columns(self.class_names, attribute, label, self.config.data.label_pattern)
        return label_rows(self.method, [self.label_index(n) for n in names], rows, seed), names

    def label_or_none(self, label: int | str | None) -> int | None:
        return None if label is None else self.label_index(label)

    def numbered_grid(self, count: int = 64, seed: int = 0, label: int | str | None = None) -> torch.Tensor:
        """The seeded grid whose cells `arithmetic` picks by index (count x C x H x W in [-1, 1])."""
        return numbered_grid(self.method, count, seed, self.label_or_none(label))

    def arithmetic(self, a: list[int], b: list[int], c: list[int], seed: int = 0, count: int = 64,
                   samples: int = 8, sigma: float = 0.25, label: int | str | None = None) -> Arithmetic:
        """Latent vector arithmetic (Radford et al. 2015): mean(A) - mean(B) + mean(C) over the latents of cells
        of `numbered_grid(count, seed, label)`, drawn exactly and with `samples` perturbations of `sigma`."""
        return latent_arithmetic(self.method, a, b, c, seed, count, samples, sigma, self.label_or_none(label))

    def label_swap(self, cells: list[int], source: int | str, target: int | str, seed: int = 0,
                   count: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
        """The grid cells drawn with label `source`, then the same latents with label `target`."""
        return label_swap(self.method, cells, self.label_index(source), self.label_index(target), seed, count)

    def stylize(self, image: Image.Image) -> Image.Image:
        """A fast-style run's stylisation of a PIL image, one forward pass, same size as the input."""
        if not isinstance(self.method, Stylizer):
            raise GanforgeError(f"run {self.path} is a '{self.config.method}' run; stylize needs a fast-style run")
        return tensor_to_image(self.method.stylize(image_to_tensor(image)))

    @property
    def directions(self) -> tuple[str, ...]:
        """The ways an image-to-image run translates: both for CycleGAN, the trained one for pix2pix."""
        if not isinstance(self.method, Translator):
            return ()
        return DIRECTIONS if self.method.two_way else (self.config.data.direction,)

    def directions_text(self, direction: str | None = None) -> str:
        return direction or self.directions[0] if self.directions else ""

    def translate(self, image: Image.Image, direction: str | None = None) -> Image.Image:
        """A pix2pix or CycleGAN run's translation of a PIL image, same size as the input (resized to the
        model's size and back). `direction`: AtoB or BtoA for CycleGAN (default AtoB); pix2pix has one."""
        if not isinstance(self.method, Translator):
            raise GanforgeError(f"run {self.path} is a '{self.config.method}' run; translate needs a pix2pix or "
                                "CycleGAN run")
        images = image_to_tensor(image)
        if self.method.channels == 1:
            images = images.mean(1, keepdim=True)
        out = self.method.translate(images, direction)
        return tensor_to_image(out.expand(-1, 3, -1, -1))

    def sample(self, n: int = 64, label: int | str | None = None, seed: int | None = None) -> torch.Tensor:
        """n images in [-1, 1], N x C x H x W; a chosen class for conditional runs."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise GanforgeError(f"n={n}: the number of images must be a whole number >= 1")
        labels = None if label is None else torch.full((n,), self.label_index(label), dtype=torch.long)
        return self.method.sample(n, labels=labels, seed=seed)


def load(run: str | Path, device: str = "cpu") -> TrainedRun:
    """A trained run folder (or checkpoint file), a starter model shipped with ganforge or a published run:
    `load("runs/x").sample(16, label=3)`, `load("starter:mnist-cgan")`, `load("pretrained:NAME")`."""
    return TrainedRun(run, device)
