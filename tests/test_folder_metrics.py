"""The class metrics on a labelled image folder: its own label classifier (cached by content), conditional
accuracy per class and per attribute, coverage, intra-class FID, and FID/KID against train and held-out."""
import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image

import ganforge.metrics.label_classifier as label_classifier
from ganforge import GanforgeError, train
from ganforge.config import DataConfig, EvalConfig
from ganforge.data import load_dataset, to_float
from ganforge.metrics import evaluate_method, format_record, resolve_metrics
from ganforge.metrics.context import real_splits
from conftest import TINY
from test_metrics import TinyFeatures

# Two attributes, combined as the data layer names them: colour (red / blue) x bright half (top / bottom).
CLASSES = ("blue,bottom", "blue,top", "red,bottom", "red,top")


def make_labelled_folder(root: Path, classes=CLASSES, per_class: int = 16, size: int = 16) -> Path:
    """Class sub-folders whose classes a small CNN tells apart at once: the colour channel and which half
    is bright encode the two attributes; noise makes every image different."""
    rng = np.random.default_rng(0)
    for name in classes:
        (root / name).mkdir(parents=True, exist_ok=True)
        colour, half = name.split(",") if "," in name else (name, "top")
        for i in range(per_class):
            img = rng.integers(0, 40, (size, size, 3)).astype(np.uint8)
            rows = slice(0, size // 2) if half == "top" else slice(size // 2, size)
            img[rows, :, 0 if colour == "red" else 2] = rng.integers(170, 256)
            Image.fromarray(img).save(root / name / f"{i:03d}.png")
    return root


@pytest.fixture
def labelled_folder(tmp_path) -> Path:
    return make_labelled_folder(tmp_path / "labelled")


@pytest.fixture
def tiny_inception(monkeypatch):
    monkeypatch.setattr("ganforge.metrics.context.InceptionFeatures", TinyFeatures)


def folder_config(root: Path, **changes) -> DataConfig:
    return DataConfig(**{"name": "folder", "root": str(root), "image_size": 16, "channels": 3, "labels": "folders",
                         **changes})


class Copier:
    """A 'generator' that returns real images of the data: of the asked class, of one class only, or of the
    class after the asked one (each asked class then gets another class's images)."""
    conditional = True

    def __init__(self, data, mode="asked"):
        self.data, self.mode = data, mode
        self.info = SimpleNamespace(class_names=data.class_names, num_classes=data.num_classes)

    def sample(self, n, labels=None, seed=None):
        g = torch.Generator().manual_seed(seed or 0)
        labels = torch.zeros(n, dtype=torch.long) if labels is None else labels
        wanted = {"asked": labels, "one": torch.zeros_like(labels), "shifted": (labels + 1) % self.data.num_classes}
        picks = []
        for k in wanted[self.mode].tolist():
            pool = torch.nonzero(self.data.labels == k).flatten()
            picks.append(int(pool[torch.randint(len(pool), (1,), generator=g)]))
        return to_float(self.data.images[torch.tensor(picks)])


def evaluate(method, data_cfg, names, n=64, split="auto"):
    records = evaluate_method(method, data_cfg, EvalConfig(n=n, real_n=1000, split=split), 0, "test", names,
                              lambda *a: None)
    return {r["metric"]: r for r in records}


def test_a_copying_generator_is_read_as_asked_per_attribute_and_close_within_each_class(labelled_folder,
                                                                                       tiny_inception):
    data_cfg = folder_config(labelled_folder)
    data = load_dataset(data_cfg, lambda *a: None)
    names = ["conditional_accuracy", "intra_fid", "coverage", "class_score"]
    good = evaluate(Copier(data), data_cfg, names)
    assert good["conditional_accuracy"]["value"] == 1.0
    assert set(good["conditional_accuracy"]["per_class"]) == set(CLASSES)
    # Two attributes: each is read from the classifier's marginal and gets its own record.
    assert good["conditional_accuracy/attribute1"]["value"] == 1.0
    assert good["conditional_accuracy/attribute2"]["per_value"] == {"bottom": 1.0, "top": 1.0}
    assert good["coverage"]["value"] == 1.0 and good["class_score"]["value"] > 3.5
    assert good["coverage"]["classifier_test_accuracy"] == 1.0
    wrong = evaluate(Copier(data, "shifted"), data_cfg, names)
    assert wrong["conditional_accuracy"]["value"] == 0.0
    # Shifted by one class: the colour stays right for half the classes, the half never does.
    assert wrong["conditional_accuracy/attribute1"]["value"] == 0.5
    assert wrong["conditional_accuracy/attribute2"]["value"] == 0.0
    # Real images of the asked class are near 0 against their class; another class's images are far.
    assert good["intra_fid"]["value"] * 10 < wrong["intra_fid"]["value"]
    assert set(good["intra_fid"]["per_class"]) == set(CLASSES) and good["intra_fid"]["classes_scored"] == 4
    assert all(v < 0.1 * wrong["intra_fid"]["value"] for v in good["intra_fid"]["per_class"].values())
    assert good["intra_fid"]["feature_net"] == "tiny (test)"  # the Inception network (stand-in), not the classifier
    assert "blue,top" in format_record(good["intra_fid"])  # the printed line lists each class's FID


def test_a_generator_of_one_class_covers_one_class_in_k(labelled_folder):
    data_cfg = folder_config(labelled_folder)
    data = load_dataset(data_cfg, lambda *a: None)
    collapsed = evaluate(Copier(data, "one"), data_cfg, ["coverage", "conditional_accuracy"])
    assert collapsed["coverage"]["value"] == pytest.approx(1 / 4)
    assert collapsed["coverage"]["histogram"] == {"blue,bottom": 1.0, "blue,top": 0.0, "red,bottom": 0.0,
                                                  "red,top": 0.0}
    assert collapsed["conditional_accuracy"]["value"] == pytest.approx(1 / 4)


def test_the_classifier_is_trained_once_per_content(labelled_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("GANFORGE_CACHE", str(tmp_path / "own-cache"))  # not one another test filled
    monkeypatch.setattr(label_classifier, "MIN_STEPS", 1)  # its accuracy does not matter here
    calls = []
    trainer = label_classifier.train_label_classifier
    monkeypatch.setattr(label_classifier, "train_label_classifier",
                        lambda *a, **k: calls.append(1) or trainer(*a, **k))
    data = load_dataset(folder_config(labelled_folder), lambda *a: None)
    first = label_classifier.load_or_train_labels(data, None, lambda *a: None)[1]
    second = label_classifier.load_or_train_labels(data, None, lambda *a: None)[1]
    assert len(calls) == 1 and first == second
    assert first["classifier_tested_on"].startswith("6 images")  # its own tenth of the 64 without a held-out split
    changed = replace(data, images=data.images.clone())
    changed.images[0, 0, 0, 0] ^= 1  # one pixel of one image
    third = label_classifier.load_or_train_labels(changed, None, lambda *a: None)[1]
    assert len(calls) == 2 and third["classifier_sha256"] != first["classifier_sha256"]
    relabelled = replace(data, labels=data.labels.flip(0))
    label_classifier.load_or_train_labels(relabelled, None, lambda *a: None)
    assert len(calls) == 3


def test_the_classifier_leaves_the_global_rng_and_needs_labels(labelled_folder):
    data = load_dataset(folder_config(labelled_folder), lambda *a: None)
    state = torch.get_rng_state()
    label_classifier.train_label_classifier(data, data, epochs=1, min_steps=2, announce=lambda *a: None)
    assert torch.equal(state, torch.get_rng_state())
    with pytest.raises(GanforgeError, match="need labelled images"):
        label_classifier.load_or_train_labels(replace(data, labels=None), None, lambda *a: None)


def test_auto_picks_the_class_metrics_for_a_labelled_folder(labelled_folder):
    labelled = folder_config(labelled_folder, labels="auto")
    assert resolve_metrics("auto", True, labelled) == ["fid", "kid", "intra_fid", "conditional_accuracy",
                                                       "class_score", "coverage"]
    assert resolve_metrics("auto", False, labelled, during_training=True) == ["fid", "class_score", "coverage"]
    assert resolve_metrics("auto", False, replace(labelled, labels="none")) == ["fid", "kid"]
    # An unlabelled run whose file names carry labels (faces-dcgan) is scored with them.
    by_name = replace(labelled, labels="none", label_pattern="utkface-gender")
    assert resolve_metrics("auto", False, by_name) == ["fid", "kid", "class_score", "coverage"]
    with pytest.raises(GanforgeError, match="needs labelled images"):
        resolve_metrics("coverage", False, replace(labelled, labels="none"))


def test_real_splits_follow_the_held_out_split():
    folder = DataConfig(name="folder", root="x", image_size=16, channels=3)
    held_out = replace(folder, holdout=0.1)
    assert real_splits("auto", held_out) == ["train", "test"]
    assert real_splits("auto", folder) == ["train"]
    assert real_splits("auto", DataConfig()) == ["test"]  # MNIST: its test set, as before
    assert real_splits("test", held_out) == ["test"]
    with pytest.raises(GanforgeError, match="no held-out split"):
        real_splits("both", folder)
    with pytest.raises(GanforgeError, match="use auto, train, test or both"):
        real_splits("val", folder)


def test_fid_and_kid_against_both_splits_say_kid_is_primary(labelled_folder, tiny_inception):
    data_cfg = folder_config(labelled_folder, holdout=0.25)
    data = load_dataset(replace(data_cfg, split="train"), lambda *a: None)
    records = evaluate(Copier(data), data_cfg, ["fid", "kid", "intra_fid", "conditional_accuracy"], n=40)
    # intra_fid only against the training images: a held-out quarter split four ways is too few per class.
    assert list(records) == ["fid", "fid/test", "kid", "kid/test", "intra_fid", "conditional_accuracy",
                             "conditional_accuracy/attribute1", "conditional_accuracy/attribute2"]
    assert records["fid"]["split"] == "train" and records["kid/test"]["split"] == "test"
    # The classifier metrics compare with the held-out images, which the classifier did not learn.
    assert records["conditional_accuracy"]["split"] == "test"
    assert records["kid"]["primary"] == "kid" and "KID is the primary" in records["fid/test"]["note"]
    assert "[primary: few real images]" in format_record(records["kid"])
    assert "[biased: few real images, read kid]" in format_record(records["fid/test"])


def test_training_evaluates_the_class_metrics_of_a_labelled_folder(labelled_folder, tmp_path, tiny_inception):
    overrides = [*TINY, "data.name=folder", f"data.root={labelled_folder}",
                 f"train.out_dir={tmp_path}", "train.checkpoint_every=1000", "train.sample_every=1000",
                 "eval.n=16", "eval.every=2"]
    run_dir = train("mnist-cgan", overrides, steps=2, announce=lambda *a: None)
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    assert [r["metric"] for r in rows] == ["fid", "intra_fid", "conditional_accuracy", "conditional_accuracy/attribute1",
                                           "conditional_accuracy/attribute2", "class_score", "coverage"]
    assert rows[2]["classifier_test_accuracy"] == 1.0 and rows[0]["split"] == "train"


def test_the_faces_reference_table_reads_both_splits_and_each_attribute(labelled_folder, tmp_path, tiny_inception):
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from faces_table import write_faces_markdown
    data_cfg = folder_config(labelled_folder, holdout=0.25)
    data = load_dataset(replace(data_cfg, split="train"), lambda *a: None)
    records = evaluate(Copier(data), data_cfg, ["kid", "fid", "intra_fid", "class_score", "coverage",
                                                "conditional_accuracy"], n=40)
    row = {"recipe": "faces-cgan", "train_minutes": 15.0, "threads": 1, "steps": 1234, "eval_seconds": 60,
           "grid": str(tmp_path / "faces-cgan.png"), "faces": True, **records}
    args = SimpleNamespace(fid_n=0, n=40, threads=1, minutes=15.0, seed=0, eval_threads=2,
                           results=str(tmp_path / "FACES.md"))
    text = write_faces_markdown([row], args, "python benchmarks/reference_results.py --recipes faces-cgan")
    table_row = next(line for line in text.splitlines() if line.startswith("| faces-cgan"))
    cells = [c.strip() for c in table_row.split("|")[1:-1]]
    assert cells[3] == f"{records['kid']['value']:.4f} ± {records['kid']['std']:.4f}"
    assert cells[6] == f"{records['fid/test']['value']:.2f}" and cells[8] == "1.000"
    assert cells[9] == "attribute1 1.000, attribute2 1.000" and cells[11] == "![faces-cgan](faces-cgan.png)"
    assert "KID is the primary number" in text and "--recipes faces-cgan" in text
    assert "- faces-cgan: blue,bottom" in text  # the per-class line: intra-FID / accuracy of each class
