"""Between tensors, files and what a browser shows: grids as PIL images, uploads checked before decoding."""
import math
from pathlib import Path

import torch
from PIL import Image, UnidentifiedImageError

from ..errors import GanforgeError
from ..viz.latent import to_frame

DEFAULT_MAX_MEGAPIXELS = 20.0


def grid_image(images: torch.Tensor, nrow: int | None = None, min_width: int = 480) -> Image.Image:
    """Images in [-1, 1] -> one grid, enlarged by a whole factor so 28x28 digits stay crisp on screen."""
    nrow = nrow or max(1, math.ceil(math.sqrt(images.shape[0])))
    frame = to_frame(images, nrow, min_width)
    return Image.fromarray(frame[:, :, 0] if frame.shape[-1] == 1 else frame)


def open_upload(upload, max_megapixels: float = DEFAULT_MAX_MEGAPIXELS, what: str = "upload") -> Image.Image:
    """An uploaded file (path) or PIL image as RGB, after checking that it is an image within the size limit."""
    if upload is None:
        raise GanforgeError(f"no {what}: upload a PNG or JPEG image first")
    if isinstance(upload, Image.Image):
        image = upload
    else:
        path = Path(getattr(upload, "name", upload))
        try:
            image = Image.open(path)  # reads the header only: the size check comes before any decoding
        except (UnidentifiedImageError, OSError):
            raise GanforgeError(f"{what} '{path.name}' is not an image PIL can read; upload a PNG, JPEG or WebP") \
                from None
    megapixels = image.width * image.height / 1e6
    if megapixels > max_megapixels:
        name = Path(getattr(image, "filename", "") or "image").name  # never the server's temporary upload path
        raise GanforgeError(f"{what} '{name}' is {image.width}x{image.height} "
                            f"({megapixels:.1f} MP), over the limit of {max_megapixels:g} MP; shrink it or start "
                            "the app with a larger --max-megapixels")
    try:
        return image.convert("RGB")
    except OSError as err:
        raise GanforgeError(f"{what} could not be decoded ({err}); upload another PNG or JPEG") from None
