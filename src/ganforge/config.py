"""Typed run configuration: dataclasses with defaults, YAML recipes, and `key=value` overrides (OmegaConf)."""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Optional

import yaml
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from .config_ranges import between, NON_NEGATIVE, POSITIVE, check_config, declare_ranges, one_of
from .errors import GanforgeError
from .registry import method_entry


@dataclass
class DataConfig:
    name: str = "mnist"  # mnist | folder | paired | unpaired (two domains, for pix2pix / CycleGAN)
    root: Optional[str] = None  # dataset location; GANFORGE_DATA when unset; embedded MNIST subset when both unset
    subdir: str = ""  # a dataset's folder under root (e.g. facades), used when root is the folder of all datasets
    split: str = "train"  # train | test; a folder has them only when holdout > 0
    holdout: float = 0.0  # folders: this fraction of files (chosen by a hash of the file name) is held out as "test"
    image_size: int = 28
    channels: int = 1
    labels: str = "auto"  # auto | folders | filename | none
    label_pattern: str = ""  # labels=filename: a preset (utkface-gender, utkface-age, utkface-race), presets joined
    # by commas for several labels at once (utkface-gender,utkface-age), or a regex with (?P<label>...)
    direction: str = "AtoB"  # paired: which side is the input (AtoB: A -> B; BtoA: B -> A)
    root_b: Optional[str] = None  # unpaired: domain B's folder when data.root is domain A's
    jitter: bool = False  # pix2pix jitter for training: store 286/256 larger, random crop and flip each step
    download: bool = False  # let torchvision download MNIST into root
    cache: bool = True  # keep the decoded uint8 tensor on disk so later runs skip decoding


declare_ranges(DataConfig, image_size=POSITIVE, channels=one_of(1, 3), holdout=between(0, 0.9))


@dataclass
class TrainConfig:
    batch_size: int = 128
    steps: int = 0  # budgets: the first one reached stops the run; all 0 means one epoch
    epochs: float = 0.0
    minutes: float = 0.0  # wall-clock minutes from now
    # CPU time of this process (all its threads), evaluation excluded: a budget that stays fair on a shared
    # machine, where wall minutes depend on what else runs (benchmarks/ablation.py uses it)
    cpu_minutes: float = 0.0
    seed: int = 0
    log_every: int = 25
    sample_every: int = 500
    checkpoint_every: int = 1000
    checkpoint_minutes: float = 5.0  # also save every this many minutes, so a killed run loses little; 0: off
    keep_every: int = 0  # also keep checkpoints/step_NNNNNNN.pt every N steps (last.pt is always kept); 0 = off
    sample_count: int = 64
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    threads: int = 0  # torch threads; 0 keeps torch's default
    precision: str = "auto"  # auto: bf16 where the CPU/GPU has native bf16, else fp32 | bf16 (autocast) | fp32
    channels_last: bool = True
    compile: bool = False
    tune_malloc: bool = True  # Linux/glibc: reuse freed tensor memory instead of page-faulting it in every step
    out_dir: str = "runs"
    name: str = ""  # run folder out_dir/NAME (`--name`); "" = RECIPE-DATE-TIME
    progress: bool = True  # a bar on a terminal, plain lines in a file (CI, nohup); false: silent
    progress_every: float = 30.0  # seconds between plain progress lines when the output is not a terminal (0: every step)
    tensorboard: bool = True


declare_ranges(TrainConfig, batch_size=POSITIVE, steps=NON_NEGATIVE, epochs=NON_NEGATIVE, minutes=NON_NEGATIVE,
               cpu_minutes=NON_NEGATIVE, seed=NON_NEGATIVE, log_every=POSITIVE, sample_every=POSITIVE, checkpoint_every=POSITIVE,
               checkpoint_minutes=NON_NEGATIVE, keep_every=NON_NEGATIVE, progress_every=NON_NEGATIVE,
               sample_count=POSITIVE, threads=NON_NEGATIVE)


@dataclass
class EvalConfig:
    every: int = 0  # evaluate samples every N training steps into metrics.jsonl, keeping best.pt; 0: never
    metrics: str = "auto"  # comma-separated (`ganforge eval --help` lists them); auto picks by dataset
    n: int = 2000  # generated images: 2000 is a quick check during training; publish 10000 (`ganforge eval`)
    split: str = "auto"  # real images to compare with: auto | train | test | both (`ganforge eval --help`)
    real_n: int = 10000  # real images: the whole split, or a fixed random subset of this many
    best: str = ""  # the metric that picks best.pt; "" = the first one evaluated
    seed: int = 0
    weights: Optional[str] = None  # FID Inception file; GANFORGE_WEIGHTS, the cache or its URL when unset
    precision: str = "fp32"  # feature network: fp32 | bf16 (opt-in fast mode, features ~2 % off fp32)
    runtime: str = "auto"  # feature network on a CPU in fp32: auto (ONNX Runtime, ~2x faster, same features) | torch
    batch_size: int = 50
    direction: Optional[str] = None  # image-to-image runs: translated held-out inputs vs targets (CycleGAN: AtoB)
    held_out_pairs: int = 16  # image-to-image training scores this fixed subset each epoch, all pairs at the end; 0: all


declare_ranges(EvalConfig, every=NON_NEGATIVE, n=POSITIVE, real_n=POSITIVE, seed=NON_NEGATIVE, batch_size=POSITIVE,
               held_out_pairs=NON_NEGATIVE)


@dataclass
class RunConfig:
    recipe: str = "custom"
    method: str = "gan"
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    model: Any = None  # the method's own dataclass, chosen by `method`


# Top-level shortcuts for a method's most-used setting, in recipes and overrides: `style=PATH` is `model.style`.
SHORTCUTS = {"style": "model.style"}


def expand_shortcuts(layer):
    for short, full in SHORTCUTS.items():
        if short in layer:
            OmegaConf.update(layer, full, layer[short], force_add=True)
            del layer[short]
    return layer


def recipe_names() -> list[str]:
    files = resources.files("ganforge") / "recipes"
    return sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".yaml"))


def recipe_path(name: str) -> Path:
    path = Path(str(resources.files("ganforge") / "recipes" / f"{name}.yaml"))
    if not path.is_file():
        raise GanforgeError(f"unknown recipe '{name}'; run `ganforge recipes` to list them ({', '.join(recipe_names())})")
    return path


def load_config(recipe: Optional[str] = None, overrides: tuple[str, ...] | list[str] = (),
                base: Optional[dict] = None) -> RunConfig:
    """Resolve a run config: defaults <- recipe YAML (or a saved config dict) <- `key=value` overrides."""
    layers = []
    if base is not None:
        layers.append(OmegaConf.create(base))
    if recipe is not None:
        source = Path(recipe) if recipe.endswith((".yaml", ".yml")) else recipe_path(recipe)
        try:
            layers.append(OmegaConf.load(source))
        except (OSError, OmegaConfBaseException, ValueError, yaml.YAMLError) as err:
            raise GanforgeError(f"cannot read recipe {source}: {str(err).splitlines()[0]}; fix its YAML") from None
        layers[-1].recipe = source.stem
    for item in overrides:
        if "=" not in item:
            raise GanforgeError(f"override '{item}' is not key=value (e.g. train.batch_size=64)")
    try:
        layers.append(OmegaConf.from_dotlist(list(overrides)))
        layers = [expand_shortcuts(layer) for layer in layers]
    except OmegaConfBaseException as err:
        raise GanforgeError(f"bad override: {err}") from None
    method = next((str(layer.method) for layer in reversed(layers) if "method" in layer), RunConfig.method)
    schema = OmegaConf.structured(RunConfig(method=method, model=method_entry(method).config_cls()))
    try:
        merged = OmegaConf.merge(schema, *layers)
        cfg = OmegaConf.to_object(merged)
    except OmegaConfBaseException as err:
        key = getattr(err, "full_key", None) or ""
        reason = str(err).splitlines()[0]
        raise GanforgeError(f"bad config value{f' for {key}' if key else ''}: {reason} "
                            "(check the key's spelling and type; `ganforge recipes --show NAME` prints a recipe)") from None
    check_config(cfg)
    return cfg


def config_to_dict(cfg: RunConfig) -> dict:
    return OmegaConf.to_container(OmegaConf.structured(cfg))


def config_to_yaml(cfg: RunConfig) -> str:
    return OmegaConf.to_yaml(OmegaConf.structured(cfg))
