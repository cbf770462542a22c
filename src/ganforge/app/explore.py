"""Explore tab: interpolation between two seeds, walks along a direction, and a VAE's manifold and scatter."""
import tempfile
from pathlib import Path

import torch
from PIL import Image

from ..data.held_out import held_out_data, pick
from ..errors import GanforgeError
from ..latent import encoder_of, generator_of, latent_scatter_points, lerp, manifold, seed_path, slerp, walk
from ..viz.latent import save_scatter
from .images import grid_image


def label_of(trained, label: str | None) -> int | None:
    return None if label in (None, "") or not trained.conditional else trained.label_index(str(label).strip())


def interpolation(trained, seed_a: int, seed_b: int, t: float = 0.5, steps: int = 8, spherical: bool = False,
                  label: str | None = None) -> tuple[Image.Image, Image.Image]:
    """(the image at fraction t of the way from seed_a's latent to seed_b's, the whole path as a strip)."""
    method = generator_of(trained.method, "interpolation")
    if not 0 <= t <= 1:
        raise GanforgeError(f"the interpolation position must be between 0 and 1, not {t}")
    index = label_of(trained, label)
    labels = None if not trained.conditional else torch.full((int(steps),), index or 0, dtype=torch.long)
    path = seed_path(method, int(seed_a), int(seed_b), int(steps), spherical)
    ends = path[[0, -1]]
    point = (slerp if spherical else lerp)(ends[:1], ends[1:], torch.tensor([float(t)]))[0]
    strip = method.generate(path, labels)
    single = method.generate(point, None if labels is None else labels[:1])
    return grid_image(single, 1, min_width=256), grid_image(strip, int(steps))


def walk_grid(trained, rows: int = 4, span: float = 2.0, step_size: float = 0.25, dimension: int | None = None,
              seed: int = 0, label: str | None = None) -> Image.Image:
    """Each row walks from -span to +span along one direction (a latent axis, or a random one)."""
    dimension = None if dimension in (None, "", -1) else int(dimension)
    images, _ = walk(trained.method, int(rows), float(step_size), float(span), dimension, int(seed),
                     label_of(trained, label))
    return grid_image(images.flatten(0, 1), images.shape[1])


def held_out_images(trained, n: int, data_root: str | None, seed: int = 0):
    data = held_out_data(trained.config.data, data_root)  # the same held-out data as `ganforge plot`
    images, labels = pick(data, n, seed)
    return images, labels, data.class_names


def vae_manifold(trained, size: int = 15, data_root: str | None = None) -> Image.Image:
    """Decoded images over a grid of the latent plane (the top two principal axes for a latent above 2-d)."""
    method = encoder_of(trained.method, "a manifold grid")
    images = None if method.model_cfg.latent_dim == 2 else held_out_images(trained, 2000, data_root)[0]
    return grid_image(manifold(method, int(size), images=images), int(size), min_width=640)


def vae_scatter(trained, n: int = 2000, data_root: str | None = None, out_dir: str | Path | None = None) -> Path:
    """A PNG of held-out images' latent means coloured by class."""
    method = encoder_of(trained.method, "a latent scatter")
    images, labels, names = held_out_images(trained, int(n), data_root)
    points, axis = latent_scatter_points(method, images)
    out = Path(out_dir or tempfile.mkdtemp(prefix="ganforge-app-")) / f"{trained.path.name}-scatter.png"
    return save_scatter(points, labels, names, out, axis=axis, size_inches=6.0,
                        title=f"{trained.config.recipe}: {len(images):,} held-out images, step {trained.step}")
