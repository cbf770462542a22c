"""Every numeric config field, found by introspection, walked with 0, -1 and a wrong type: each refusal is one
line naming the key and exit 2 before any run folder; values inside the declared range are accepted."""
import dataclasses

import pytest

from ganforge.cli import main
from ganforge.config import DataConfig, EvalConfig, TrainConfig, load_config, recipe_names
from ganforge.config_ranges import numeric_fields, ranges_of
from ganforge.errors import GanforgeError
from ganforge.registry import available_methods, method_entry


def recipe_for(method: str) -> str:
    return next(name for name in recipe_names() if load_config(name).method == method)


def all_numeric_keys():
    """(recipe, section, config class, field, is_list) for the shared sections and every method's own config."""
    out = [("mnist-dcgan", section, cls, name, is_list)
           for section, cls in (("data", DataConfig), ("train", TrainConfig), ("eval", EvalConfig))
           for name, (_, is_list) in numeric_fields(cls).items()]
    for method in available_methods():
        cls = method_entry(method).config_cls
        out += [(recipe_for(method), "model", cls, name, is_list) for name, (_, is_list) in numeric_fields(cls).items()]
    return out


KEYS = all_numeric_keys()


def test_the_walk_covers_the_fields_the_issue_names():
    keys = {f"{section}.{name}" for _, section, _, name, _ in KEYS}
    assert {"train.batch_size", "train.steps", "train.minutes", "train.log_every", "train.checkpoint_every",
            "train.checkpoint_minutes", "model.latent_dim", "model.features", "data.channels"} <= keys


@pytest.mark.parametrize("recipe,section,cls,name,is_list", KEYS,
                         ids=[f"{r}:{s}.{n}" for r, s, _, n, _ in KEYS])
def test_every_numeric_field_has_a_range_and_refuses_in_one_line(recipe, section, cls, name, is_list, tmp_path,
                                                                  capsys):
    allowed = ranges_of(cls).get(name)
    assert allowed is not None, (
        f"{cls.__name__}.{name} is numeric but has no declared range: add {name}=... to the "
        f"declare_ranges({cls.__name__}, ...) call next to the dataclass (see config_ranges.py)")
    key = f"{section}.{name}"
    for value in (0, -1, "many"):
        text = f"[{value}]" if is_list else str(value)
        override = f"{key}={text}"
        if value != "many" and allowed.allows(value):
            load_config(recipe, [override])  # inside the range: accepted
            continue
        with pytest.raises(GanforgeError, match=key.replace(".", r"\.")):
            load_config(recipe, [override])
        out = tmp_path / f"runs-{value}"
        assert main(["train", recipe, override, "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and key in err and str(value) in err, err
        assert not out.exists(), f"{override} made a folder"


@pytest.mark.parametrize("argv,needle", [
    (["--steps", "-5"], "train.steps=-5"),
    (["--minutes", "-1"], "train.minutes=-1"),
    (["train.device=gpu"], "train.device=gpu"),
    (["model.latent_dim=0"], "model.latent_dim=0"),
    (["data.channels=2"], "one of 1, 3"),
])
def test_the_issues_examples_are_refused(argv, needle, tmp_path, capsys):
    assert main(["train", "mnist-dcgan", *argv, "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err, err
    assert not (tmp_path / "runs").exists()


def test_a_gpu_this_machine_lacks_is_refused_before_a_folder(tmp_path, capsys):
    import torch
    absent = f"cuda:{torch.cuda.device_count()}"
    assert main(["train", "mnist-dcgan", f"train.device={absent}", "--out", str(tmp_path / "runs")]) == 2
    assert absent in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_ranges_name_only_real_fields():
    from ganforge.config_ranges import POSITIVE, declare_ranges

    @dataclasses.dataclass
    class Tiny:
        size: int = 1
    with pytest.raises(TypeError, match="no field sise"):
        declare_ranges(Tiny, sise=POSITIVE)


@pytest.mark.parametrize("n", ["0", "-4"])
def test_sample_refuses_a_count_below_one(n, tmp_path, capsys):
    assert main(["sample", str(tmp_path), "-n", n]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"-n {n}" in err
