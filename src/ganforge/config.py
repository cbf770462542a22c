"""Typed run configuration: dataclasses with defaults, YAML recipes, and `key=value` overrides (OmegaConf)."""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Optional

import yaml
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from .config_io import config_to_dict, config_to_yaml
from .config_ranges import check_config
from .data_config import DataConfig
from .errors import GanforgeError
from .eval_config import EvalConfig
from .train_config import TrainConfig


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
    from .methods.registry import method_entry  # deferred: the methods import torch; the configs do not
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


__all__ = ["DataConfig", "EvalConfig", "RunConfig", "TrainConfig", "config_to_dict", "config_to_yaml",
           "load_config", "recipe_names", "recipe_path"]
