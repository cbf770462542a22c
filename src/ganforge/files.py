"""Where ganforge finds datasets (GANFORGE_DATA), where it keeps what it downloads or derives (GANFORGE_CACHE),
and how it fingerprints a file."""
import hashlib
import os
from pathlib import Path


def data_root(root: str | None) -> str | None:
    """A dataset's root: the one given (data.root), else GANFORGE_DATA, else None."""
    return root or os.environ.get("GANFORGE_DATA") or None


def cache_root() -> Path:
    return Path(os.environ.get("GANFORGE_CACHE", Path.home() / ".cache" / "ganforge"))


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
