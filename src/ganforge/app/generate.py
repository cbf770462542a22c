"""Generate tab: a grid of samples from a run, with seed, class, truncation and temperature."""
import math
import tempfile
from pathlib import Path

import torch
from PIL import Image

from ..errors import GanforgeError
from ..latent import generator_of, truncated_noise
from ..viz import save_grid
from .images import grid_image

MAX_IMAGES = 256


def generate(trained, n: int = 16, seed: int = 0, label: str | None = None, truncation: float = 0.0,
             temperature: float = 1.0, out_dir: str | Path | None = None) -> tuple[Image.Image, Path, str]:
    """(grid for the screen, the same grid as a PNG at native resolution, a caption).

    `label` names a class ('3', 'female') for conditional runs; empty draws the classes in turn.
    """
    n = int(n)
    if not 1 <= n <= MAX_IMAGES:
        raise GanforgeError(f"number of images must be 1 to {MAX_IMAGES}, not {n}")
    method = generator_of(trained.method, "generate")
    label = None if label in (None, "") else str(label).strip()
    labels = None
    if label is not None:
        labels = torch.full((n,), trained.label_index(label), dtype=torch.long)
    elif trained.conditional:
        labels = torch.arange(n) % len(trained.class_names)
    images = method.generate(truncated_noise(method, n, int(seed), float(truncation), float(temperature)), labels)
    nrow = max(1, math.ceil(math.sqrt(n)))
    out_dir = Path(out_dir or tempfile.mkdtemp(prefix="ganforge-app-"))
    png = save_grid(images, out_dir / f"{trained.path.name}-seed{seed}-n{n}{f'-{label}' if label else ''}.png",
                    nrow=nrow)
    what = f"class {label}" if label is not None else ("classes in turn" if trained.conditional else "unconditional")
    extra = (f", truncation {truncation:g}" if truncation else "") + \
        (f", temperature {temperature:g}" if temperature != 1 else "")
    shipped = trained.name.startswith("starter:")
    starter = " (starter model shipped with ganforge)" if shipped else ""
    caption = f"{n} samples of {trained.config.recipe}{starter} at step {trained.step}, seed {seed}, {what}{extra}"
    return grid_image(images, nrow), png, caption
