"""Checkpoints: written atomically (temp file, fsync, rename), validated on load, with every RNG state."""
import os
import random
from pathlib import Path

import numpy as np
import torch

from .errors import GanforgeError

FORMAT = "ganforge-checkpoint"
FORMAT_VERSION = 1


def rng_state() -> dict:
    numpy_state = np.random.get_state()
    state = {"torch": torch.get_rng_state(), "python": random.getstate(),
             "numpy": (numpy_state[0], torch.from_numpy(numpy_state[1].astype(np.int64)), *numpy_state[2:])}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    name, keys, *rest = state["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), *rest))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def atomic_save(obj, path: Path) -> None:
    """A crash at any point leaves either the old file or the new one, never a torn one."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the temp files of saves that a kill interrupted (their writer is gone); returns what was removed."""
    removed = []
    for tmp in Path(folder).glob(".*.tmp*"):
        pid = tmp.name.rsplit(".tmp", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def save_checkpoint(path: Path, **content) -> None:
    atomic_save({"format": FORMAT, "format_version": FORMAT_VERSION, **content}, path)


def load_checkpoint(path: Path | str, map_location="cpu") -> dict:
    path = Path(path)
    if path.is_dir():
        path = path / "last.pt"
    if not path.is_file():
        if (path.parent / "config.yaml").is_file():
            raise GanforgeError(f"no checkpoint at {path}: this run stopped before it saved its first one "
                                "(train.checkpoint_every steps or train.checkpoint_minutes), so there is nothing "
                                "to resume; start it again without --resume")
        raise GanforgeError(f"no checkpoint at {path}; give a run folder that holds last.pt (see runs/)")
    try:
        blob = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises many types for torn or foreign files
        raise GanforgeError(f"checkpoint {path} is corrupt or not a ganforge checkpoint "
                            f"({type(err).__name__}); resume from an earlier copy or start a new run") from None
    if not isinstance(blob, dict) or blob.get("format") != FORMAT:
        raise GanforgeError(f"{path} is not a ganforge checkpoint (no '{FORMAT}' marker); "
                            "give the last.pt written by `ganforge train`")
    if blob.get("format_version", 0) > FORMAT_VERSION:
        raise GanforgeError(f"{path} was written by a newer ganforge (format {blob['format_version']}); upgrade ganforge")
    return blob
