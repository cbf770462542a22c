"""Two-domain data for image-to-image translation, held as one uint8 tensor N x 2C x S x S: channels [:C] are
the input (domain A after `direction`), channels [C:] the target (domain B). Keeping both halves in one tensor
lets the ordinary batch stream, cache and checkpointed data order serve pairs unchanged, and makes pix2pix's
jitter (random crop, flip) apply identically to both sides of a pair.

Layouts under the root (or its `train`/`test`/`val` split folder):
  paired    side-by-side AB images (pix2pix's format)  |  A/ and B/ folders matched by file name
  unpaired  trainA/ trainB/ (testA/ testB/)  |  data.root + data.root_b  |  AB images, halves decoupled
Unpaired domains are zipped once by a seeded shuffle of B (the shorter domain repeats); per-sample losses and
instance norm make the pairing irrelevant to training.
"""
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from ..capabilities import DIRECTIONS
from ..data_config import DataConfig
from ..errors import GanforgeError
from ..files import data_root
from .folder import IMAGE_SUFFIXES, decode_image, find_images
from .image_data import ImageData

# pix2pix loads 256x256 crops from images resized to 286x286: the same ratio at any size.
JITTER_RATIO = 286 / 256


def stored_size(cfg: DataConfig) -> int:
    """Training images are kept larger than the model's size when they will be randomly cropped."""
    return round(cfg.image_size * JITTER_RATIO) if cfg.jitter and cfg.split == "train" else cfg.image_size


def dataset_root(cfg: DataConfig) -> Path:
    root = data_root(cfg.root)
    if root is None:
        raise GanforgeError(f"data.name={cfg.name} needs a folder: add data.root=PATH (e.g. data.root=facades)")
    root = Path(root).expanduser()
    if cfg.subdir and (root / cfg.subdir).is_dir():  # GANFORGE_DATA points at the folder of all datasets
        root = root / cfg.subdir
    if not root.is_dir():
        raise GanforgeError(f"data folder {root} does not exist; fix data.root")
    return root


def domain_b_root(cfg: DataConfig) -> Path | None:
    if not cfg.root_b:
        return None
    root_b = Path(cfg.root_b).expanduser()
    if not root_b.is_dir():
        raise GanforgeError(f"domain B folder {root_b} does not exist; fix data.root_b")
    return root_b


def split_folder(root: Path, split: str) -> tuple[Path, str]:
    """root/split; for the held-out split also root/val; a root without split folders is all training data."""
    names = [split] + (["val"] if split == "test" else [])
    for name in names:
        if (root / name).is_dir():
            return root / name, name
    if split == "train" or not (root / "train").is_dir():
        return root, "train"
    return root / "train", "train"


def image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def half_boxes(path: Path, width: int, height: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """PIL crop boxes of the A (left) and B (right) halves of a side-by-side pair."""
    if width != 2 * height:
        raise GanforgeError(f"{path} is {width}x{height}, not a side-by-side pair (width = 2 x height); "
                            "give AB images, or A/ and B/ folders matched by file name")
    return (0, 0, height, height), (height, 0, width, height)


def decode_halves(path: Path, size: int, channels: int) -> tuple[np.ndarray, np.ndarray]:
    """A side-by-side AB image -> (A, B), each resized to size x size (pix2pix resizes, it does not crop)."""
    try:
        with Image.open(path) as img:
            img = ImageOps.exif_transpose(img).convert("L" if channels == 1 else "RGB")
            boxes = half_boxes(path, *img.size)
            halves = [img.crop(box).resize((size, size), Image.Resampling.BICUBIC) for box in boxes]
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise GanforgeError(f"cannot read image {path} ({err}); delete or replace the file") from None
    arrays = [np.asarray(h, dtype=np.uint8) for h in halves]
    return tuple(a[:, :, None] if a.ndim == 2 else a for a in arrays)


def decode_all(function, items: list) -> list:
    with ThreadPoolExecutor() as pool:  # PIL releases the GIL while decoding
        return list(pool.map(function, items))


def image_size_of(path: Path) -> tuple[int, int]:
    try:
        with Image.open(path) as img:
            return img.size
    except (UnidentifiedImageError, OSError) as err:
        raise GanforgeError(f"cannot read image {path} ({err}); delete or replace the file") from None


def matched_files(folder_a: Path, folder_b: Path) -> list[tuple[Path, Path]]:
    """A/ and B/ files paired by name (stem); every file must have its partner, of the same size."""
    files_a, files_b = ({p.stem: p for p in image_files(f)} for f in (folder_a, folder_b))
    for name, files, other in (("A", files_a, folder_b), ("B", files_b, folder_a)):
        if not files:
            raise GanforgeError(f"domain {name} is empty: no images in {folder_a if name == 'A' else folder_b}")
        lonely = sorted(set(files) - set(files_a if name == "B" else files_b))
        if lonely:
            raise GanforgeError(f"{files[lonely[0]]} has no partner named {lonely[0]}.* in {other} "
                                f"({len(lonely)} unmatched); pair every file by name or remove it")
    pairs = [(files_a[stem], files_b[stem]) for stem in sorted(files_a)]
    for path_a, path_b in pairs:
        size_a, size_b = image_size_of(path_a), image_size_of(path_b)
        if size_a != size_b:
            raise GanforgeError(f"size mismatch: {path_a} is {size_a} but {path_b} is {size_b}; a pair must show "
                                "the same scene at the same size")
    return pairs


def load_pair_arrays(folder: Path, size: int, channels: int) -> tuple[list, list, str]:
    """(A arrays, B arrays, layout) from AB images or from A/ and B/ sub-folders."""
    if (folder / "A").is_dir() and (folder / "B").is_dir():
        pairs = matched_files(folder / "A", folder / "B")
        a = decode_all(lambda p: decode_image(p[0], size, channels), pairs)
        b = decode_all(lambda p: decode_image(p[1], size, channels), pairs)
        return a, b, "A/ and B/ folders"
    files = image_files(folder)
    if not files:
        raise GanforgeError(f"no images in {folder}: give side-by-side AB images there, or A/ and B/ folders")
    halves = decode_all(lambda p: decode_halves(p, size, channels), files)
    return [h[0] for h in halves], [h[1] for h in halves], "AB images"


def domain_arrays(folder: Path, name: str, size: int, channels: int) -> list:
    if not folder.is_dir():
        raise GanforgeError(f"domain {name} folder {folder} does not exist; fix data.root / data.root_b")
    files = find_images(folder)
    if not files:
        raise GanforgeError(f"domain {name} is empty: no images under {folder}")
    return decode_all(lambda p: decode_image(p, size, channels), files)


def stack(a: list, b: list) -> torch.Tensor:
    pairs = np.concatenate([np.stack(a), np.stack(b)], axis=3)  # N x S x S x 2C
    return torch.from_numpy(pairs).permute(0, 3, 1, 2).contiguous()


def load_paired(cfg: DataConfig) -> ImageData:
    if cfg.direction not in DIRECTIONS:
        raise GanforgeError(f"data.direction={cfg.direction}: use AtoB or BtoA")
    folder, split = split_folder(dataset_root(cfg), cfg.split)
    a, b, layout = load_pair_arrays(folder, stored_size(cfg), cfg.channels)
    inputs, targets = (a, b) if cfg.direction == "AtoB" else (b, a)
    return ImageData(stack(inputs, targets), None, [],
                     f"{len(a)} pairs ({layout}) in {folder}, {split} split, {cfg.direction}")


def load_unpaired(cfg: DataConfig) -> ImageData:
    root, size, split = dataset_root(cfg), stored_size(cfg), cfg.split
    if split == "test" and not (root / "testA").is_dir() and (root / "valA").is_dir():
        split = "val"  # CycleGAN datasets without a test split hold their held-out images in valA/valB
    if cfg.root_b or (root / f"{split}A").is_dir() or (root / f"{split}B").is_dir():
        folder_a, folder_b = (root, domain_b_root(cfg)) if cfg.root_b else (root / f"{split}A", root / f"{split}B")
        a, b = domain_arrays(folder_a, "A", size, cfg.channels), domain_arrays(folder_b, "B", size, cfg.channels)
        where = f"{folder_a} and {folder_b}"
    else:
        folder, split = split_folder(root, cfg.split)
        a, b, layout = load_pair_arrays(folder, size, cfg.channels)
        where = f"{folder} ({layout}, halves used unpaired)"
    count = max(len(a), len(b))
    shuffle_b = torch.randperm(len(b), generator=torch.Generator().manual_seed(0)).tolist()
    a = [a[k % len(a)] for k in range(count)]
    b = [b[shuffle_b[k % len(b)]] for k in range(count)]
    return ImageData(stack(a, b), None, [], f"unpaired domains {where}, {split} split")


def split_pair_files(source: Path, out: Path) -> int:
    """Cut side-by-side AB images into out/A/NAME and out/B/NAME (full resolution, same names and format)."""
    files = image_files(source) if source.is_dir() else []
    if not files:
        raise GanforgeError(f"no images in {source}; give a folder of side-by-side AB images")
    for side in "AB":
        (out / side).mkdir(parents=True, exist_ok=True)
    for path in files:
        try:
            with Image.open(path) as img:
                boxes = half_boxes(path, *img.size)
                img.load()
                for side, box in zip("AB", boxes):
                    img.crop(box).save(out / side / path.name, quality=95)
        except (UnidentifiedImageError, OSError) as err:
            raise GanforgeError(f"cannot read image {path} ({err}); delete or replace the file") from None
    return len(files)
