"""Translate / stylise tab: pix2pix and CycleGAN runs, fast-style runs, and Gatys optimisation with no run.

Only the Python API is used: `run.translate(image, direction)`, `run.stylize(image)` and `ganforge.stylize(...)`.
"""
from collections.abc import Callable

from PIL import Image

from ..errors import GanforgeError
from .images import DEFAULT_MAX_MEGAPIXELS, open_upload

DIRECTIONS = ("AtoB", "BtoA")


def run_api(trained, name: str, what: str):
    """The run's `name` method, or a clear error when this kind of run has none."""
    action = getattr(trained, name, None)
    if action is None:
        raise GanforgeError(f"{trained.path} ({trained.config.method}) cannot {what}; pick a run trained for it")
    return action


def translate(trained, upload, direction: str = "AtoB",
              max_megapixels: float = DEFAULT_MAX_MEGAPIXELS) -> tuple[Image.Image, Image.Image]:
    """(the input as read, its translation by a pix2pix or CycleGAN run)."""
    if direction not in DIRECTIONS:
        raise GanforgeError(f"unknown direction '{direction}': use AtoB or BtoA")
    image = open_upload(upload, max_megapixels, "input image")
    action = run_api(trained, "translate", "translate images (train pix2pix or CycleGAN)")
    if len(getattr(trained, "directions", ())) == 1:
        direction = None  # pix2pix translates only the way it learned; the choice is CycleGAN's
    return image, action(image, direction)


def fast_style(trained, upload, max_megapixels: float = DEFAULT_MAX_MEGAPIXELS) -> tuple[Image.Image, Image.Image]:
    """(the input, the fast-style network's output)."""
    image = open_upload(upload, max_megapixels, "content image")
    return image, run_api(trained, "stylize", "stylise images (train a fast-style recipe)")(image)


def gatys(content_upload, style_upload, steps: int = 100, size: int = 256,
          max_megapixels: float = DEFAULT_MAX_MEGAPIXELS,
          on_step: Callable[[int, int, float], None] | None = None) -> Image.Image:
    """Gatys et al.'s optimisation of the content image towards the style's Gram statistics, `steps` at most."""
    from ..style_transfer import stylize  # deferred: VGG19's module loads only for this tab
    if not 1 <= int(steps) <= 2000:
        raise GanforgeError(f"the step budget must be 1 to 2000, not {steps}")
    content = open_upload(content_upload, max_megapixels, "content image")
    style = open_upload(style_upload, max_megapixels, "style image")
    return stylize(content, style, size=int(size), steps=int(steps), on_step=on_step)
