"""Models by name: `starter:NAME` ships inside the package (nothing to train, works offline), `pretrained:NAME` is
downloaded once from its URL into the cache and checked against its sha256 (as the FID network is).

Both are slim checkpoints: only what inference needs (the generator or the VAE, fp16 weights, the config and the
data description), written by `slim_checkpoint` (scripts/make_starters.py makes the starters).
"""
import json
import os
import urllib.request
from importlib import resources
from pathlib import Path

import torch

from .checkpoint import load_checkpoint, save_checkpoint
from .errors import GanforgeError
from .files import cache_root, file_sha256
from .methods.registry import method_entry

KINDS = ("starter", "pretrained")
# Published reference runs: name -> {"url": ..., "sha256": ..., "what": ...}. Filled as runs are published
# (a slim checkpoint from `python scripts/make_starters.py --slim RUN OUT.pt`, uploaded anywhere public).
PRETRAINED: dict[str, dict] = {}


def is_named(ref) -> bool:
    return isinstance(ref, str) and ref.split(":", 1)[0] in KINDS and ":" in ref


def starters_dir() -> Path:
    return Path(str(resources.files("ganforge") / "starters"))


def starter_index() -> dict[str, dict]:
    """name -> {"file", "sha256", "what", "step"} from starters/starters.json."""
    index = starters_dir() / "starters.json"
    return json.loads(index.read_text()) if index.is_file() else {}


def resolve(ref: str) -> Path:
    """The checkpoint file behind `starter:NAME` or `pretrained:NAME`, its sha256 checked."""
    kind, name = ref.split(":", 1)
    if kind == "starter":
        index = starter_index()
        if name not in index:
            raise GanforgeError(f"unknown starter model '{name}'; starters: {', '.join(index) or 'none installed'}")
        path = starters_dir() / index[name]["file"]
        if not path.is_file() or file_sha256(path) != index[name]["sha256"]:
            raise GanforgeError(f"starter model {path} is missing or damaged (sha256 differs); reinstall ganforge "
                                "or rebuild it with `python scripts/make_starters.py`")
        return path
    if name not in PRETRAINED:
        raise GanforgeError(f"unknown pretrained run '{name}'; published: {', '.join(PRETRAINED) or 'none yet'} "
                            "(starter models: " + ", ".join(f"starter:{n}" for n in starter_index()) + ")")
    return download(name, **PRETRAINED[name])


def download(name: str, url: str, sha256: str, **_) -> Path:
    """Once into GANFORGE_CACHE/pretrained/NAME.pt; offline with no copy there, one line saying what to do."""
    target = cache_root() / "pretrained" / f"{name}.pt"
    if target.is_file() and file_sha256(target) == sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    try:
        urllib.request.urlretrieve(url, tmp)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise GanforgeError(f"cannot download pretrained run '{name}' from {url} ({err}); offline, copy the file "
                            f"to {target} or load a run folder instead") from None
    if file_sha256(tmp) != sha256:
        tmp.unlink()
        raise GanforgeError(f"the download of pretrained run '{name}' from {url} has the wrong sha256; try again "
                            "or fetch it by hand")
    os.replace(tmp, target)
    return target


def slim_checkpoint(run: str | Path, out: str | Path, dtype: torch.dtype = torch.float16) -> Path:
    """A run's last.pt reduced to inference: the generator (its EMA weights when kept) or the VAE's encoder and
    decoder, in `dtype`; no discriminator, optimiser, RNG or data position."""
    checkpoint = load_checkpoint(run)
    state, config = checkpoint["method"], json.loads(json.dumps(checkpoint["config"]))
    kept = method_entry(config["method"]).cls.inference_state(state, config["model"])
    if kept is None:
        raise GanforgeError(f"{run} is a '{config['method']}' run; slim checkpoints exist for methods that declare "
                            "an inference state (gan, vae)")
    kept = {part: {k: v.to(dtype) if v.is_floating_point() else v for k, v in weights.items()}
            for part, weights in kept.items()}
    save_checkpoint(Path(out), config=config, data_info=checkpoint["data_info"], method=kept,
                    step=checkpoint["step"], elapsed_s=checkpoint.get("elapsed_s", 0.0), inference_only=True,
                    versions=checkpoint.get("versions", {}))
    return Path(out)


def load_inference_state(method, state: dict) -> None:
    """Fill a freshly built method's networks from a slim checkpoint (weights back to fp32)."""
    for part, weights in state.items():
        getattr(method, part).load_state_dict({k: v.float() if v.is_floating_point() else v
                                               for k, v in weights.items()})
