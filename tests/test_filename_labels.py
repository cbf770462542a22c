from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.config import DataConfig, load_config
from ganforge.data import load_dataset
from ganforge.data.filename_labels import filename_labels, label_pattern, parse_label
from ganforge.errors import GanforgeError

GENDER = label_pattern("utkface-gender")


@pytest.mark.parametrize("name,label", [
    ("25_1_3_20170104222023516.jpg.chip.jpg", "female"),
    ("101_0_2_20170105174739309.jpg", "male"),
    ("1_1_4_20161221193111000.jpg.chip.jpg", "female"),
])
def test_utkface_gender_from_good_names(name, label):
    assert parse_label(name, GENDER) == label


@pytest.mark.parametrize("name", [
    "61_1_20170109142408075.jpg.chip.jpg",   # race missing (two such names are in UTKFace)
    "14_0_0_2017011022340900.jpg.chip.jpg",  # datetime one digit short
    "25_2_0_20170104222023516.jpg",          # gender 2 does not exist
    "25_1_3_20170104222023516x.jpg",          # no separator after the datetime
    "face_0001.jpg",
    "",
])
def test_malformed_names_get_no_label(name):
    assert parse_label(name, GENDER) is None


def test_race_preset_and_a_custom_regex():
    assert parse_label("25_1_3_20170104222023516.jpg", label_pattern("utkface-race")) == "indian"
    labels, names = filename_labels([Path("cat.01.jpg"), Path("dog.7.png"), Path("bird")], r"(?P<label>cat|dog)\.")
    assert labels == ["cat", "dog", None] and names == ["cat", "dog"]


@pytest.mark.parametrize("spec,needle", [("", "needs data.label_pattern"), ("(", "not a valid regex"),
                                         (r"\d+_", "no \\(\\?P<label>")])
def test_bad_patterns_explain_the_fix(spec, needle):
    with pytest.raises(GanforgeError, match=needle):
        label_pattern(spec)


def test_folder_labelled_by_file_name_skips_malformed_names(tmp_path):
    names = ["20_0_0_20170104222023516.jpg.chip.jpg", "30_1_1_20170104222023517.jpg.chip.jpg",
             "40_1_2_20170104222023518.jpg.chip.jpg", "61_1_20170109142408075.jpg.chip.jpg"]
    for k, name in enumerate(names):
        Image.fromarray(np.full((40, 40, 3), 60 * k, np.uint8)).save(tmp_path / name)
    said = []
    data = load_dataset(DataConfig(name="folder", root=str(tmp_path), image_size=32, channels=3, labels="filename",
                                   label_pattern="utkface-gender"), announce=said.append)
    assert data.class_names == ["female", "male"]
    assert data.labels.tolist() == [1, 0, 0]  # male, female, female in file-name order
    (line,) = [s for s in said if "61_1_2017" in s]
    assert "label" in line and "25_1_3_20170104222023516" in line  # names what a good name looks like


def test_faces_recipes_read_gender_from_file_names():
    cfg = load_config("faces-cgan")
    assert (cfg.data.labels, cfg.data.label_pattern) == ("filename", "utkface-gender")
    assert load_config("faces-dcgan").data.labels == "none"


def test_faces_cgan_samples_by_class_name(tmp_path):
    from conftest import TINY

    from ganforge.cli import main
    root = tmp_path / "faces"
    root.mkdir()
    rng = np.random.default_rng(0)
    for k in range(16):
        Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(
            root / f"{20 + k}_{k % 2}_0_2017010422202{k:04d}.jpg.chip.jpg")
    assert main(["train", "faces-cgan", *TINY, "--data-root", str(root), "--out", str(tmp_path / "runs"),
                 "--steps", "2"]) == 0
    (run,) = (tmp_path / "runs").iterdir()
    for label in ("female", "male"):
        assert main(["sample", str(run), "-n", "4", "--label", label, "-o", str(tmp_path / f"{label}.png")]) == 0
    assert main(["sample", str(run), "--label", "cat"]) == 2  # unknown class: one error line


def test_age_groups_and_two_attributes_at_once():
    age = label_pattern("utkface-age")
    assert [parse_label(f"{a}_1_3_20170104222023516.jpg", age) for a in (1, 12, 13, 19, 20, 39, 40, 59, 60, 116)] \
        == ["0-12", "0-12", "13-19", "13-19", "20-39", "20-39", "40-59", "40-59", "60+", "60+"]
    files = [Path("70_1_0_20170104222023516.jpg"), Path("5_0_2_20170104222023516.jpg"), Path("x.jpg")]
    labels, names = filename_labels(files, "utkface-gender,utkface-age")
    assert labels == ["female,60+", "male,0-12", None]
    assert len(names) == 10 and names[0] == "female,0-12" and names[-1] == "male,60+"


def test_a_regex_with_commas_is_still_one_regex():
    labels, names = filename_labels([Path("ab.jpg"), Path("abb.jpg")], r"(?P<label>ab{1,2})\.")
    assert labels == ["ab", "abb"] and names == ["ab", "abb"]
