"""Single PIL images <-> 1 x 3 x H x W tensors in [-1, 1], for style transfer's any-size inputs."""
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import GanforgeError


def open_image(path: str | Path) -> Image.Image:
    """An RGB image (EXIF rotation applied), or one clear error naming the file."""
    try:
        with Image.open(Path(path).expanduser()) as img:
            return ImageOps.exif_transpose(img).convert("RGB")
    except FileNotFoundError:
        raise GanforgeError(f"image {path} does not exist; fix the path") from None
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise GanforgeError(f"cannot read image {path} ({err}); give a JPEG/PNG/WebP file") from None


def resize_longer_side(image: Image.Image, size: int) -> Image.Image:
    scale = size / max(image.size)
    if scale == 1:
        return image
    width, height = (max(1, round(side * scale)) for side in image.size)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def image_to_tensor(image: Image.Image) -> torch.Tensor:
    array = np.asarray(image.convert("RGB"), dtype=np.float32)
    return torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0).div(127.5).sub(1).contiguous()


def tensor_to_image(images: torch.Tensor) -> Image.Image:
    """The first image of a batch in [-1, 1] as an RGB PIL image."""
    array = images[0].detach().float().cpu().add(1).mul(127.5).add(0.5).clamp(0, 255).to(torch.uint8)
    return Image.fromarray(array.permute(1, 2, 0).numpy())
