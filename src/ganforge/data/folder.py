"""Any folder of images (recursive), optionally with class sub-folders as labels, decoded to uint8 once."""
import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import GanforgeError
from .check import check_files, skip_lines
from .filename_labels import filename_labels, label_pattern as parse_pattern
from .image_data import ImageData

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
MAX_ASPECT = 2.5  # longer side over shorter side: beyond this the square centre crop keeps under 40%


def find_images(root: Path) -> list[Path]:
    """Image files under root, searched recursively, sorted; [] when there are none."""
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


def list_images(root: Path) -> list[Path]:
    if not root.is_dir():
        raise GanforgeError(f"image folder {root} does not exist; set data.root to a folder of images")
    files = find_images(root)
    if not files:
        raise GanforgeError(f"no images (.jpg .png .webp .bmp) found under {root}; point data.root at a folder "
                            "that holds images (sub-folders are searched)")
    return files


def image_inputs(paths: list[str]) -> list[tuple[Path, Path]]:
    """Image files given as files or folders (searched recursively): (file, name to write it under), where
    the name keeps a folder's sub-paths and a single file's name."""
    found = []
    for given in map(lambda p: Path(p).expanduser(), paths):
        if given.is_dir():
            found += [(f, f.relative_to(given)) for f in list_images(given)]
        elif given.is_file():
            found.append((given, Path(given.name)))
        else:
            raise GanforgeError(f"input {given} does not exist; give image files or folders")
    return found


def folder_labels(root: Path, files: list[Path], mode: str,
                  pattern: str = "") -> tuple[list[int | None] | None, list[str]]:
    """Class sub-folders as labels: `folders` demands them, `auto` uses them when every image has one.

    `filename` parses each file's name with `pattern`; a malformed name gets None (the caller skips it).
    """
    if mode == "none":
        return None, []
    if mode == "filename":
        names, class_names = filename_labels(files, pattern)
        index = {name: k for k, name in enumerate(class_names)}
        return [None if name is None else index[name] for name in names], class_names
    parents = [f.relative_to(root).parts for f in files]
    in_class_dirs = all(len(parts) >= 2 for parts in parents)
    if mode == "auto" and not in_class_dirs:
        return None, []
    if not in_class_dirs:
        loose = next(root / Path(*p) for p in parents if len(p) < 2)
        raise GanforgeError(f"data.labels=folders but {loose} is not inside a class sub-folder; move it into one "
                            "or set data.labels=none")
    names = sorted({p[0] for p in parents})
    if mode == "auto" and len(names) < 2:
        return None, []
    index = {name: k for k, name in enumerate(names)}
    return [index[p[0]] for p in parents], names


def decode_image(path: Path, size: int, channels: int) -> np.ndarray:
    """Resize the shorter side to `size`, centre-crop to a square, return H x W x C uint8."""
    try:
        with Image.open(path) as img:
            img = ImageOps.exif_transpose(img).convert("L" if channels == 1 else "RGB")
            img = ImageOps.fit(img, (size, size), method=Image.Resampling.BICUBIC)
            array = np.asarray(img, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise GanforgeError(f"cannot read image {path} ({err}); delete or replace the file") from None
    return array[:, :, None] if array.ndim == 2 else array


def load_folder(root: str, image_size: int, channels: int, labels: str = "auto", label_pattern: str = "",
                warn=print, split: str = "train", holdout: float = 0.0) -> ImageData:
    """Decode every usable image; files `ganforge data check` would flag are skipped with one warning line each.

    With holdout > 0 the folder is split by file name (see `held_out`): split=test keeps the held-out files,
    any other split the rest.
    """
    root_path = Path(root).expanduser()
    files = list_images(root_path)
    # Labels from every file, so both sides of a split share the same class list.
    label_list, class_names = folder_labels(root_path, files, labels, label_pattern)
    if holdout > 0:
        chosen = [k for k, f in enumerate(files) if held_out(f.name, holdout) == (split == "test")]
        files = [files[k] for k in chosen]
        label_list = [label_list[k] for k in chosen] if label_list is not None else None
        if not files:
            raise GanforgeError(f"data.holdout={holdout} leaves no {split} images under {root_path}; "
                                "use a holdout between 0.05 and 0.5 for a folder this small")
    hint = f"expected {parse_pattern(label_pattern).describe()}" if labels == "filename" else ""
    # Half the training size: a smaller image would be upscaled more than 2x.
    report = check_files(files, min_size=image_size // 2, max_aspect=MAX_ASPECT, channels=channels,
                         labels=label_list, label_hint=hint)
    for line in skip_lines(report):
        warn(line)
    keep = [k for k, f in enumerate(files) if f not in report.bad_files]
    # PIL releases the GIL while decoding, so threads use every core.
    with ThreadPoolExecutor() as pool:
        arrays = list(pool.map(lambda k: decode_or_warn(files[k], image_size, channels, warn), keep))
    keep, arrays = [k for k, a in zip(keep, arrays) if a is not None], [a for a in arrays if a is not None]
    if not keep:
        raise GanforgeError(f"no usable image under {root_path}: all {len(files)} files were skipped (see the "
                            f"warnings); `ganforge data check {root_path}` lists them with the fix")
    if len(keep) < len(files):
        counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items())
        warn(f"warning: skipped {len(files) - len(keep)} of {len(files)} files under {root_path} ({counts}); "
             f"`ganforge data check {root_path}` lists them with the fix")
    images = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()
    label_tensor = torch.tensor([label_list[k] for k in keep], dtype=torch.long) if label_list is not None else None
    part = f", {'held-out' if split == 'test' else 'training'} split of data.holdout={holdout}" if holdout > 0 else ""
    return ImageData(images, label_tensor, class_names,
                     f"image folder {root_path} ({len(keep)} of {len(files)} files{part})")


def held_out(name: str, fraction: float) -> bool:
    """A file's side of the split, from a hash of its name alone: adding or removing other files never moves it."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") < fraction * 2 ** 64


def decode_or_warn(path: Path, size: int, channels: int, warn) -> np.ndarray | None:
    try:
        return decode_image(path, size, channels)
    except GanforgeError as err:  # changed or broke since it was checked
        warn(f"warning: skipping {err}")
        return None


def folder_fingerprint(root: str) -> list[tuple[str, int, int]]:
    """What the cache key needs to notice added, removed or edited files."""
    root_path = Path(root).expanduser()
    files = list_images(root_path)
    return [(str(f.relative_to(root_path)), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
