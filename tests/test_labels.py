"""Choosing a label for conditional runs from the CLI, the API and the app: names, combined names, errors."""
import pytest
import torch

from ganforge import load
from ganforge.app.generate import generate
from ganforge.cli import main
from ganforge.errors import GanforgeError
from ganforge.labels import attribute_names, resolve_label
from tiny_runs import train_faces

AGES = ["0-12", "13-19", "20-39", "40-59", "60+"]
GENDER_AGE = [f"{g},{a}" for g in ("female", "male") for a in AGES]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("label-runs")
    return {"gender_age": train_faces(out / "gender-age"),
            "gender": train_faces(out / "gender", "faces-cgan"),
            "unconditional": train_faces(out / "plain", "faces-dcgan")}


def test_combined_labels_resolve_in_the_attribute_order_with_spaces():
    assert resolve_label("female,60+", GENDER_AGE) == 4
    assert resolve_label(" male , 13-19 ", GENDER_AGE) == 6
    assert attribute_names(GENDER_AGE, "utkface-gender,utkface-age") == ["gender", "age"]
    assert attribute_names(GENDER_AGE, "") == ["attribute 1", "attribute 2"]
    assert resolve_label("3", [str(d) for d in range(10)]) == 3 and resolve_label(1, ["a", "b"]) == 1


@pytest.mark.parametrize("label, needle", [
    ("female", "has 2 attributes (gender, age): give one value of each, in that order, e.g. female,60+"),
    ("female,60+,white", "has 2 attributes (gender, age)"),
    ("60+,female", "unknown gender '60+'"),
    ("female,elderly", "unknown age 'elderly' in label 'female,elderly' for this run; give the values in the order "
                       "gender, age (gender: female, male; age: 0-12, 13-19, 20-39, 40-59, 60+)"),
])
def test_bad_combined_labels_say_what_would_work(label, needle):
    with pytest.raises(GanforgeError) as err:
        resolve_label(label, GENDER_AGE, "utkface-gender,utkface-age")
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_sample_a_combined_label_from_the_cli_and_the_api(runs, tmp_path):
    run = runs["gender_age"]
    trained = load(run)
    assert trained.class_names == GENDER_AGE
    assert trained.attributes == {"gender": ["female", "male"], "age": AGES}
    out = tmp_path / "old-women.png"
    assert main(["sample", str(run), "-n", "4", "--label", "female, 60+", "-o", str(out)]) == 0
    assert out.is_file()
    # The label reaches the generator: same seed, another label, other images.
    a, b = trained.sample(4, label="female,60+", seed=0), trained.sample(4, label="male,0-12", seed=0)
    assert a.shape == (4, 3, 32, 32) and not torch.allclose(a, b)
    assert torch.equal(a, trained.sample(4, label=" female , 60+ ", seed=0))


def test_a_single_attribute_label_from_the_cli(runs, tmp_path):
    assert main(["sample", str(runs["gender"]), "-n", "2", "--label", "female", "-o", str(tmp_path / "f.png")]) == 0


@pytest.mark.parametrize("run, label, needle", [
    ("gender_age", "female", "has 2 attributes (gender, age): give one value of each, in that order, e.g. female,60+"),
    ("gender_age", "female,ancient", "unknown age 'ancient'"),
    ("gender", "cat", "unknown label 'cat' for run"),
    ("unconditional", "female", "is not conditional: it cannot draw a chosen label"),
])
@pytest.mark.parametrize("command", ["sample", "interpolate", "rank"])
def test_bad_labels_are_one_line_and_exit_2(runs, tmp_path, capsys, run, label, needle, command):
    extra = {"sample": ["-n", "2"], "interpolate": ["--pairs", "1", "--steps", "2"], "rank": ["-n", "2"]}[command]
    code = main([command, str(runs[run]), *extra, "--label", label, "-o", str(tmp_path / "x.png")])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and err.count("\n") == 1, err
    assert not (tmp_path / "x.png").exists()


def test_the_app_takes_combined_labels(runs, tmp_path):
    trained = load(runs["gender_age"])
    _, png, caption = generate(trained, n=4, label="male, 20-39", out_dir=tmp_path)
    assert png.is_file() and "male, 20-39" in caption
    with pytest.raises(GanforgeError, match="has 2 attributes"):
        generate(trained, n=4, label="male", out_dir=tmp_path)
