from pathlib import Path

import torch
from torchvision.utils import make_grid, save_image


def save_grid(images: torch.Tensor, path: Path | str, nrow: int = 8, padding: int = 2) -> Path:
    """Images in [-1, 1] -> one PNG grid, `nrow` images per row."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    grid = make_grid(images.float().clamp(-1, 1), nrow=nrow, padding=padding, normalize=True, value_range=(-1, 1),
                     pad_value=1.0)
    save_image(grid, path)
    return path


def shrink_png(path: Path | str) -> Path:
    """Rewrite a PNG with 256 colours (median cut, no dither): about a third of the bytes, no visible change on
    sample grids and curves; the same input gives the same bytes, so a redrawn, unchanged picture stays unchanged
    in git. For the pictures committed to the docs."""
    from PIL import Image
    path = Path(path)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path


def save_images(images: torch.Tensor, out_dir: Path | str, prefix: str = "sample") -> list[Path]:
    """One PNG per image: out_dir/prefix_00000.png, ..."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, image in enumerate(images):
        paths.append(out_dir / f"{prefix}_{i:05d}.png")
        save_image(image.float().clamp(-1, 1).add(1).div(2), paths[-1])
    return paths
