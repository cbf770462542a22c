"""Label rows: the same noise along each row, one class per column; the picture that proves the conditioning."""
import pytest
import torch
from PIL import Image

from ganforge import load
from ganforge.cli import main
from ganforge.config import load_config
from ganforge.errors import GanforgeError
from ganforge.label_rows import label_columns, label_rows
from ganforge.methods.base import DataInfo
from ganforge.methods.factory import build_method
from conftest import TINY
from tiny_runs import train_faces

AGES = ["0-12", "13-19", "20-39", "40-59", "60+"]
GENDER_AGE = [f"{g},{a}" for g in ("female", "male") for a in AGES]


class LabelBlindGenerator:
    """Draws from the noise alone: its label rows must repeat one image along each row."""
    conditional = True

    def noise(self, n, generator=None):
        return torch.randn(n, 4, generator=generator)

    def generate(self, noise, labels=None):
        assert labels is not None
        return noise.view(-1, 1, 2, 2).tanh()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("rows-runs")
    return {"gender_age": train_faces(out / "gender-age"), "unconditional": train_faces(out / "plain", "faces-dcgan")}


def test_a_generator_that_ignores_labels_gives_identical_columns():
    rows = label_rows(LabelBlindGenerator(), [0, 1, 2], rows=3, seed=5)
    assert rows.shape == (3, 3, 1, 2, 2)
    assert torch.equal(rows[:, :1].expand_as(rows), rows)  # same noise along each row
    assert not torch.equal(rows[0, 0], rows[1, 0])  # different noise per row
    assert torch.equal(rows, label_rows(LabelBlindGenerator(), [0, 1, 2], rows=3, seed=5))  # seeded


def test_a_conditional_generator_changes_only_the_label_along_a_row():
    torch.manual_seed(0)
    gan = build_method(load_config("mnist-cgan", TINY), DataInfo((3, 32, 32), ["a", "b", "c"]), torch.device("cpu"))
    rows = label_rows(gan, [0, 1, 2], rows=2, seed=3)
    assert rows.shape == (2, 3, 3, 32, 32)
    assert not torch.allclose(rows[:, 0], rows[:, 1])
    noise = gan.noise(2, torch.Generator().manual_seed(3))
    for c in range(3):
        assert torch.allclose(rows[:, c], gan.generate(noise, torch.full((2,), c)), atol=1e-6)


def test_unconditional_generators_have_no_label_rows():
    gan = build_method(load_config("mnist-dcgan", TINY), DataInfo((3, 32, 32), []), torch.device("cpu"))
    with pytest.raises(GanforgeError, match="need a conditional run"):
        label_rows(gan, [0], rows=2)


def test_columns_walk_one_attribute_with_the_others_fixed():
    pattern = "utkface-gender,utkface-age"
    assert label_columns(GENDER_AGE, None, None, pattern) == GENDER_AGE
    assert label_columns(GENDER_AGE, "age", "female", pattern) == [f"female,{a}" for a in AGES]
    assert label_columns(GENDER_AGE, "age", None, pattern) == [f"female,{a}" for a in AGES]
    assert label_columns(GENDER_AGE, "gender", " 60+", pattern) == ["female,60+", "male,60+"]


@pytest.mark.parametrize("attribute, fixed, needle", [
    ("race", None, "unknown attribute 'race': this run's attributes are gender, age"),
    ("age", "female,60+", "fixes the other attributes (gender): give 1 value(s), e.g. female"),
    ("age", "robot", "unknown gender 'robot'"),
    (None, "female", "give it with --attribute"),
])
def test_bad_label_row_choices_are_one_line(attribute, fixed, needle):
    with pytest.raises(GanforgeError) as err:
        label_columns(GENDER_AGE, attribute, fixed, "utkface-gender,utkface-age")
    assert needle in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(GanforgeError, match="needs a run with several attributes"):
        label_columns(["female", "male"], "gender", None, "utkface-gender")


def test_conditional_runs_end_with_label_rows_png(runs):
    with Image.open(runs["gender_age"] / "label_rows.png") as img:
        assert img.width > img.height  # 10 columns of 8 rows
    assert not (runs["unconditional"] / "label_rows.png").exists()


def test_label_rows_from_the_cli_and_the_api(runs, tmp_path, capsys):
    out = tmp_path / "ages.png"
    assert main(["sample", str(runs["gender_age"]), "--label-rows", "3", "--attribute", "age", "--label", "male",
                 "-o", str(out)]) == 0
    assert out.is_file() and "3 rows x 5 classes: male,0-12" in capsys.readouterr().out
    rows, names = load(runs["gender_age"]).label_rows(2, seed=1, attribute="gender", label="60+")
    assert rows.shape == (2, 2, 3, 32, 32) and names == ["female,60+", "male,60+"]
    assert main(["sample", str(runs["unconditional"]), "--label-rows", "2", "-o", str(tmp_path / "x.png")]) == 2
    assert "is not conditional: label rows change the label" in capsys.readouterr().err
    assert main(["sample", str(runs["gender_age"]), "--attribute", "age", "-o", str(tmp_path / "x.png")]) == 2
    assert not (tmp_path / "x.png").exists()
