"""Where ganforge keeps what it downloads or derives (GANFORGE_CACHE), and how it fingerprints a file."""
import hashlib
import os
from pathlib import Path


def cache_root() -> Path:
    return Path(os.environ.get("GANFORGE_CACHE", Path.home() / ".cache" / "ganforge"))


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
