"""What `--resume` may change: budgets and bookkeeping yes; the recipe, the method and the networks no."""
from pathlib import Path

from .config import RunConfig, config_to_dict
from .errors import GanforgeError

# The settings that define the networks' shapes and what they learn: a checkpoint only fits the run it came from.
FIXED_KEYS = ("method", "data.image_size", "data.channels")
FIXED_SECTIONS = ("model.",)


def flatten(tree: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def changed_fixed_keys(saved: dict, cfg: RunConfig) -> list[tuple[str, object, object]]:
    """(key, the run's value, the new value) for every network-defining key that differs."""
    before, after = flatten(saved), flatten(config_to_dict(cfg))
    return [(key, before[key], after.get(key)) for key in sorted(before)
            if (key in FIXED_KEYS or key.startswith(FIXED_SECTIONS)) and before[key] != after.get(key)]


def check_resume_config(saved: dict, cfg: RunConfig, recipe: str | None, run_dir: Path) -> None:
    """Refuse, in one line, a resume that names another recipe or changes the networks."""
    if recipe is not None:
        name = Path(recipe).stem if recipe.endswith((".yaml", ".yml")) else recipe
        if name != saved.get("recipe"):
            raise GanforgeError(f"{run_dir} is a {saved.get('recipe')} run, not {name}: resume it without naming "
                                f"a recipe (`ganforge train --resume {run_dir}`), or drop --resume to start a new "
                                f"{name} run")
    changed = changed_fixed_keys(saved, cfg)
    if changed:
        listed = ", ".join(f"{key}={new} (the run has {old})" for key, old, new in changed)
        raise GanforgeError(f"cannot resume {run_dir} with {listed}: model, method and image shape are fixed for "
                            "a run; start a new run (drop --resume) to change them. Budgets (--steps, --minutes) "
                            "and train.* settings may change")
