"""What every training method provides to the one loop in train.py."""
import contextlib
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn as nn

from ..config import RunConfig
from ..errors import GanforgeError
from ..data import ImageData


@dataclass
class DataInfo:
    """What a method needs to know about its data to build networks (saved in checkpoints)."""
    image_shape: tuple[int, int, int]
    class_names: list[str]

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


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
    """One optimisation step, sampling and state for resume. Subclasses register with `@register(name, Config)`.

    `wrap` turns a network into its training form (DDP and/or torch.compile); the raw network is what is saved.
    `batches_per_step` tells the loop how many batches one `train_step` consumes (n_critic for a WGAN);
    `batches_for_next_step()` may differ from it for some steps (the WGAN critic warm-up).
    """
    batches_per_step = 1

    def batches_for_next_step(self) -> int:
        return self.batches_per_step

    def __init__(self, cfg: RunConfig, info: DataInfo, device: torch.device,
                 wrap: Callable[[nn.Module], nn.Module] = identity_wrap):
        self.cfg, self.model_cfg, self.info, self.device, self.wrap = cfg, cfg.model, info, device, wrap
        self.bf16 = uses_bf16(cfg.train.precision, device)
        self.channels_last = cfg.train.channels_last

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

    def sample(self, n: int, labels: torch.Tensor | None = None, seed: int | None = None) -> torch.Tensor:
        raise NotImplementedError

    scores_subset_in_training = False  # True: during training `evaluate` gets eval.held_out_pairs images only

    def evaluate(self, data: ImageData) -> dict[str, float]:
        """Scores on held-out data, called by the loop after every epoch and at the end; {} = nothing to score.

        Must not draw from the global RNG (resume is exact) and must leave the networks as it found them.
        """
        return {}

    def fixed_grid(self, count: int, seed: int) -> tuple[torch.Tensor, int]:
        """The same inputs every time: (images in [-1, 1], images per row) for progress grids."""
        raise NotImplementedError

    def state_dict(self) -> dict:
        raise NotImplementedError

    def load_state_dict(self, state: dict) -> None:
        raise NotImplementedError
