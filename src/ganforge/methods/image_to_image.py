"""What pix2pix and CycleGAN share: two-domain batches (input channels first, target channels second), pix2pix
jitter, Adam with a constant-then-linear learning rate, fixed preview pairs, any-size translation, and the
held-out scores."""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..data import ImageData, to_float, to_uint8
from ..errors import GanforgeError
from ..config_ranges import FRACTION, NON_NEGATIVE, POSITIVE, RATE, declare_ranges
from ..capabilities import Translator
from .base import Method, adam


@dataclass
class ImageToImageConfig:
    generator_features: int = 64
    discriminator_features: int = 64
    discriminator_layers: int = 3  # 3: the 70x70 PatchGAN
    norm: str = "batch"  # batch | instance; with batch size 1, batch norm in training mode is instance norm
    loss: str = "bce"  # bce | lsgan
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    constant_steps: int = 0  # the learning rate stays at lr for this many steps ...
    decay_steps: int = 0  # ... then falls linearly to 0 over this many (0: no decay)
    preview_count: int = 6  # held-out pairs in the progress grids


declare_ranges(ImageToImageConfig, generator_features=POSITIVE, discriminator_features=POSITIVE,
               discriminator_layers=POSITIVE, lr=RATE, beta1=FRACTION, beta2=FRACTION, constant_steps=NON_NEGATIVE,
               decay_steps=NON_NEGATIVE, preview_count=POSITIVE)


def constant_then_linear(optimizer: torch.optim.Optimizer, constant_steps: int, decay_steps: int):
    """pix2pix / CycleGAN's schedule: lr for `constant_steps`, then a straight line to 0 over `decay_steps`."""
    def factor(step: int) -> float:
        if decay_steps <= 0:
            return 1.0
        return max(0.0, 1.0 - max(0, step - constant_steps) / decay_steps)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def resized(images: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Float images to height x width (bilinear, antialiased); unchanged when already that size."""
    if tuple(images.shape[-2:]) == (height, width):
        return images
    return F.interpolate(images.float(), size=(height, width), mode="bilinear", antialias=True, align_corners=False)


def l1_01(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-image mean absolute error on the [0, 1] pixel scale (images given in [-1, 1])."""
    return (a.float() - b.float()).abs().flatten(1).mean(1) / 2


class ImageToImage(Method, Translator):
    conditional = False
    two_way = False  # CycleGAN translates both ways; pix2pix only the way it learned
    evaluate_at_start = True  # the untrained model's held-out scores are the baseline on the curves
    scores_subset_in_training = True  # four 256-px generator passes per CycleGAN pair: all 106 took minutes

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pair_channels = self.info.image_shape[0]
        if pair_channels % 2 or self.info.kind not in ("paired", "unpaired"):
            raise GanforgeError(f"{self.name} trains on two domains: set data.name=paired (pix2pix) or "
                                "data.name=unpaired (CycleGAN) with data.root=FOLDER")
        self.channels, self.size = pair_channels // 2, self.info.image_size
        self.previews = torch.zeros(0, pair_channels, self.size, self.size, dtype=torch.uint8)
        self.schedulers: list = []

    def adam(self, *networks: nn.Module) -> torch.optim.Adam:
        m = self.model_cfg
        params = [p for net in networks for p in net.parameters()]
        optimizer = adam(params, m.lr, (m.beta1, m.beta2), self.device)
        self.schedulers.append(constant_then_linear(optimizer, m.constant_steps, m.decay_steps))
        return optimizer

    def split(self, pairs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return pairs[:, :self.channels], pairs[:, self.channels:]

    def jitter(self, pairs: torch.Tensor) -> torch.Tensor:
        """pix2pix's random crop and horizontal flip, the same for both halves of each pair (one tensor)."""
        stored = pairs.shape[-1]
        if stored == self.size and not self.info.jitter:
            return pairs
        n, extra = pairs.shape[0], stored - self.size
        tops, lefts = torch.randint(extra + 1, (2, n)).tolist()
        flips = (torch.rand(n) < 0.5).tolist()
        crops = [p[:, t:t + self.size, s:s + self.size] for p, t, s in zip(pairs, tops, lefts)]
        crops = [c.flip(-1) if f else c for c, f in zip(crops, flips)]
        memory = torch.channels_last if self.channels_last else torch.contiguous_format
        return torch.stack(crops).contiguous(memory_format=memory)

    def step_schedules(self) -> None:
        for scheduler in self.schedulers:
            scheduler.step()

    def network_for(self, direction: str | None) -> nn.Module:
        raise NotImplementedError

    @torch.no_grad()
    def run(self, network: nn.Module, images: torch.Tensor, batch_size: int = 8) -> torch.Tensor:
        """Inference in eval mode (no dropout, running norm statistics), on the CPU in [-1, 1]."""
        was_training = network.training
        network.eval()
        out = []
        for start in range(0, images.shape[0], batch_size):
            batch = images[start:start + batch_size].float().to(self.device)
            with self.autocast():
                out.append(network(batch).float().clamp(-1, 1).cpu())
        network.train(was_training)
        return torch.cat(out)

    def translate(self, images: torch.Tensor, direction: str | None = None) -> torch.Tensor:
        """Images in [-1, 1] of any size -> translated, same size: resized to the model's square size and
        back (bilinear, antialiased), because the networks were trained at that scale."""
        network = self.network_for(direction)
        height, width = images.shape[-2:]
        out = self.run(network, resized(images, self.size, self.size))
        return resized(out, height, width).clamp(-1, 1)

    def export_network(self, direction: str | None = None) -> nn.Module:
        return self.network_for(direction)

    @property
    def wants_held_out_previews(self) -> bool:
        return len(self.previews) == 0

    def keep_held_out_previews(self, data: ImageData) -> None:
        """The first held-out pairs become the fixed inputs of every progress grid (saved with the run)."""
        if len(self.previews) == 0:
            count = min(self.model_cfg.preview_count, len(data))
            images = data.images[:count]
            if images.shape[-1] != self.size:
                images = to_uint8(resized(to_float(images), self.size, self.size))
            self.previews = images.contiguous()

    def held_out_pairs(self, data: ImageData, batch_size: int = 16):
        """Held-out (inputs, targets) batches in [-1, 1] at the model's size."""
        for start in range(0, len(data), batch_size):
            yield self.split(resized(to_float(data.images[start:start + batch_size]), self.size, self.size))

    def held_out_translations(self, data: ImageData, direction: str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """uint8 (translated held-out inputs, their targets): FID/KID against the target domain."""
        network = self.network_for(direction)
        backwards = self.two_way and direction == "BtoA"
        outputs, targets = [], []
        for inputs, target in self.held_out_pairs(data):
            if backwards:
                inputs, target = target, inputs
            outputs.append(to_uint8(self.run(network, inputs)))
            targets.append(to_uint8(target))
        return torch.cat(outputs), torch.cat(targets)

    def sample(self, n, labels=None, seed=None):
        raise GanforgeError(f"a {self.name} run translates images instead of sampling: "
                            "use `ganforge translate RUN INPUT -o OUT_DIR` or ganforge.load(RUN).translate(image)")

    def state_dict(self) -> dict:
        return {"schedulers": [s.state_dict() for s in self.schedulers], "previews": self.previews}

    def load_state_dict(self, state: dict) -> None:
        for scheduler, saved in zip(self.schedulers, state["schedulers"]):
            scheduler.load_state_dict(saved)
        self.previews = state["previews"]
