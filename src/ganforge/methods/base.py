"""What every training method provides to the one loop in trainer.py, and what it is given: its own model
config, a description of its data (DataInfo) and how to run (Runtime), never the whole run config."""
import contextlib
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn as nn

from ..errors import GanforgeError
from ..data import ImageData


@dataclass
class DataInfo:
    """What a method knows about its data. The shape and class names build its networks and are saved in
    checkpoints (`saved()`); the rest describes two-domain data (pix2pix, CycleGAN) and comes from the run's
    data config."""
    image_shape: tuple[int, int, int]
    class_names: list[str]
    kind: str = ""  # data.name: mnist | folder | paired | unpaired
    image_size: int = 0  # the model's square size; paired data may be stored larger (data.jitter)
    direction: str = "AtoB"  # paired data: which side is the input
    jitter: bool = False  # paired data: a random crop and flip each step

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def saved(self) -> dict:
        """What checkpoints keep as `data_info`."""
        return {"image_shape": self.image_shape, "class_names": self.class_names}


@dataclass(frozen=True)
class Runtime:
    """How a method runs (from the run's train settings): device, precision, memory layout, grid size."""
    device: torch.device = torch.device("cpu")
    precision: str = "fp32"  # auto | bf16 | fp32 (train.precision)
    channels_last: bool = False
    sample_count: int = 64  # images in a progress grid (train.sample_count)


def native_bf16(device: torch.device) -> bool:
    """bf16 pays off only where the hardware computes it natively; elsewhere it is emulated and slower."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        cpu = getattr(torch, "cpu", None)
        checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
        return any(getattr(cpu, name, lambda: False)() for name in checks)
    return False


def uses_bf16(precision: str, device: torch.device) -> bool:
    if precision not in ("auto", "bf16", "fp32"):
        raise GanforgeError(f"train.precision={precision}: use auto, bf16 or fp32")
    return precision == "bf16" or (precision == "auto" and native_bf16(device))


def adam(params, lr: float, betas, device: torch.device) -> torch.optim.Adam:
    """Fused Adam (one kernel for all parameters) where torch has one: ~4 % of a mnist-dcgan CPU step."""
    return torch.optim.Adam(params, lr=lr, betas=tuple(betas), fused=device.type in ("cpu", "cuda"))


def latent_noise(n: int, dim: int, device: torch.device, generator: torch.Generator | None = None) -> torch.Tensor:
    """Training noise comes from the global RNG (saved in checkpoints); fixed noise from its own generator."""
    if generator is None:
        return torch.randn(n, dim, device=device)
    return torch.randn(n, dim, generator=generator).to(device)


def seeded(seed: int | None) -> torch.Generator | None:
    """A private CPU generator for a reproducible draw that leaves the global RNG untouched."""
    return torch.Generator().manual_seed(seed) if seed is not None else None


def identity_wrap(module: nn.Module) -> nn.Module:
    return module


class Method:
    """One optimisation step, sampling and state for resume. Subclasses register with `@register(name, Config)`
    and are built by `methods.factory.build_method` from their model config, a DataInfo and a Runtime.

    `wrap` turns a network into its training form (DDP and/or torch.compile); the raw network is what is saved.
    `batches_per_step` tells the loop how many batches one `train_step` consumes (n_critic for a WGAN);
    `batches_for_next_step()` may differ from it for some steps (the WGAN critic warm-up).
    """
    name = ""  # the registered name (set by `register`)
    batches_per_step = 1
    conditional = False  # draws images of a chosen class (labels in `sample`)
    evaluate_at_start = False  # held-out scores of the untrained model too: the baseline of the curves
    scores_subset_in_training = False  # True: during training `evaluate` gets eval.held_out_pairs images only
    shows_real_images = False  # real.png (a grid of training images) at the start of a run
    shows_label_rows = False  # label_rows.png (every class along a row) at the end of a run

    def batches_for_next_step(self) -> int:
        return self.batches_per_step

    def __init__(self, model_cfg, info: DataInfo, runtime: Runtime = Runtime(),
                 wrap: Callable[[nn.Module], nn.Module] = identity_wrap):
        self.model_cfg, self.info, self.runtime, self.wrap = model_cfg, info, runtime, wrap
        self.device = runtime.device
        self.bf16 = uses_bf16(runtime.precision, runtime.device)
        self.channels_last = runtime.channels_last

    def autocast(self):
        """bf16 autocast: weights and losses stay fp32; convs and matmuls run in bf16."""
        if not self.bf16:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=torch.bfloat16)

    def place(self, module: nn.Module, conv: bool = True) -> nn.Module:
        module = module.to(self.device)
        if conv and self.channels_last:
            module = module.to(memory_format=torch.channels_last)
        return module

    def train_step(self, batch: tuple[torch.Tensor, torch.Tensor | None]) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    @classmethod
    def inference_state(cls, state: dict, model: dict) -> dict | None:
        """The parts of a saved state that inference needs, for slim checkpoints (named_models.py); `model`, the
        saved model config, may be adjusted to match. None: this method has no slim form."""
        return None

    def sample(self, n: int, labels: torch.Tensor | None = None, seed: int | None = None) -> torch.Tensor:
        raise NotImplementedError

    @property
    def scores_held_out(self) -> bool:
        """Whether `evaluate` scores anything: the loop loads held-out data only for methods that do."""
        return type(self).evaluate is not Method.evaluate

    def evaluate(self, data: ImageData) -> dict[str, float]:
        """Scores on held-out data, called by the loop after every epoch and at the end; {} = nothing to score.

        Must not draw from the global RNG (resume is exact) and must leave the networks as it found them.
        """
        return {}

    @property
    def wants_held_out_previews(self) -> bool:
        """True while the progress grids still need held-out inputs (image-to-image): the loop then hands them
        to `keep_held_out_previews` before training."""
        return False

    def keep_held_out_previews(self, data: ImageData) -> None:
        """Keep the first held-out images as the fixed inputs of every progress grid (saved with the run)."""

    def fixed_grid(self, count: int, seed: int) -> tuple[torch.Tensor, int]:
        """The same inputs every time: (images in [-1, 1], images per row) for progress grids."""
        raise NotImplementedError

    def state_dict(self) -> dict:
        raise NotImplementedError

    def load_state_dict(self, state: dict) -> None:
        raise NotImplementedError
