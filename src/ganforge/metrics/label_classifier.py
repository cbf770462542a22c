"""A small classifier of any labelled image folder's classes (e.g. UTKFace gender, or gender x age), for the
class metrics on folders: class score, coverage, conditional accuracy and classifier FID.

Trained once on the TRAINING split, seeded, at most 32x32 (MAX_SIZE), and cached keyed by the content of its training and
held-out images and labels; its held-out accuracy (per attribute too) goes into every record's provenance.
Without a held-out split it holds out a fixed tenth of the training images to measure that accuracy.
"""
import hashlib
import json
import os
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..data import ImageData, to_float
from ..data.attributes import attribute_indices, attribute_sizes, split_attributes
from ..errors import GanforgeError
from ..files import cache_root, file_sha256
from .classifier_training import adam_with_cosine, shifted_step
from .feature_cache import images_digest

VERSION = 2  # bump when the network or its training changes: a new cache entry is trained
# Larger images are resized to this. On UTKFace gender 32x32 scored as 64x64 did (held-out 0.81 against 0.81
# after 15 epochs) at a quarter of the cost. Held-out gender accuracy on the 574 held-out faces: 20 epochs 82.1 %
# (31 CPU-s), 60 epochs 84.3 % (110 CPU-s); twice the width for 40 epochs 82.2 %, flip-averaged predictions
# 83.6 %, a linear probe on the FID Inception features 82.2 %.
MAX_SIZE = 32
EPOCHS, MIN_STEPS, BATCH, LR, SEED = 60, 150, 64, 2e-3, 0
OWN_HOLDOUT = 0.1  # without a held-out split: this fraction of the training images measures the accuracy


class LabelClassifier(nn.Module):
    """Stride-2 conv blocks down to 4x4, a 128-unit hidden layer on the flattened map (faces are aligned, so
    where a feature sits matters) that is the feature for classifier FID, and a linear head over the classes."""
    num_features = 128

    def __init__(self, channels: int, size: int, num_classes: int):
        super().__init__()
        blocks, c = [], channels
        for width in (32, 64, 128, 128):
            if size <= 4:
                break
            blocks += [nn.Conv2d(c, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
            c, size = width, size // 2
        self.convs = nn.Sequential(*blocks)
        self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(c * size * size, 128), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.25), nn.Linear(128, num_classes))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Images in [-1, 1] -> (logits, hidden features)."""
        features = self.hidden(self.convs(x))
        return self.head(features), features


def input_size(image_size: int) -> int:
    return min(image_size, MAX_SIZE)


def prepare(images: torch.Tensor, size: int) -> torch.Tensor:
    """uint8 N x C x H x W -> float [-1, 1] at size x size (antialiased downscale when larger)."""
    x = to_float(images)
    if x.shape[-1] != size or x.shape[-2] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return x


@torch.no_grad()
def classify_labels(net: LabelClassifier, images: torch.Tensor, size: int,
                    batch_size: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 images -> (class probabilities N x K, features N x 128), in eval mode."""
    net.eval()
    probs, feats = [], []
    for start in range(0, images.shape[0], batch_size):
        logits, features = net(prepare(images[start: start + batch_size], size))
        probs.append(logits.softmax(1))
        feats.append(features)
    return torch.cat(probs), torch.cat(feats)


def attribute_probabilities(probs: torch.Tensor, class_names: list[str]) -> list[torch.Tensor]:
    """Per attribute, its values' probabilities N x V: the combined classes' probabilities summed over the
    other attributes (one attribute: the probabilities themselves)."""
    sizes = attribute_sizes(class_names)
    grid = probs.reshape(probs.shape[0], *sizes)
    return [grid.sum(dim=[d + 1 for d in range(len(sizes)) if d != k]) if len(sizes) > 1 else probs
            for k in range(len(sizes))]


def accuracies(probs: torch.Tensor, labels: torch.Tensor, class_names: list[str]) -> dict:
    """Overall accuracy and, for several attributes, each attribute's (its marginal's argmax)."""
    result = {"accuracy": float((probs.argmax(1) == labels).double().mean())}
    if len(split_attributes(class_names)) > 1:
        for name, p, truth in zip(attribute_names(class_names), attribute_probabilities(probs, class_names),
                                  attribute_indices(labels, class_names)):
            result[f"accuracy/{name}"] = float((p.argmax(1) == truth).double().mean())
    return result


def attribute_names(class_names: list[str]) -> list[str]:
    """Names for the attributes of combined classes: 'gender', 'age' when the values say so, else attribute1, ..."""
    known = {"gender": {"male", "female"}, "race": {"white", "black", "asian", "indian", "other"}}
    names = []
    for k, values in enumerate(split_attributes(class_names)):
        found = next((name for name, vocab in known.items() if set(values) <= vocab), None)
        if found is None and all(v[:1].isdigit() for v in values):
            found = "age"
        names.append(found if found and found not in names else f"attribute{k + 1}")
    return names


def own_holdout(train: ImageData, seed: int = SEED) -> tuple[ImageData, ImageData]:
    """A fixed random tenth of the images (at least one) held out to measure the accuracy."""
    order = torch.randperm(len(train), generator=torch.Generator().manual_seed(seed))
    cut = max(1, round(len(train) * OWN_HOLDOUT))
    test, kept = order[:cut].sort().values, order[cut:].sort().values
    pick = lambda idx, part: ImageData(train.images[idx], train.labels[idx], train.class_names,  # noqa: E731
                                       f"{train.source}, {part}")
    return pick(kept, "classifier training part"), pick(test, "classifier's own held-out tenth")


def train_label_classifier(train: ImageData, test: ImageData, epochs: int = EPOCHS, seed: int = SEED,
                           min_steps: int | None = None, announce=print) -> tuple[LabelClassifier, dict]:
    """Adam with a cosine schedule, random horizontal flips and shifts of up to 1/16 of the image as
    augmentation; returns (net, held-out accuracies). Draws only from its own seeded RNG."""
    size, channels, k = input_size(train.shape[-1]), train.shape[0], train.num_classes
    images = prepare(train.images, size)  # resized once: the epochs then cost only the network
    batch = min(BATCH, len(train))
    per_epoch = max(1, len(train) // batch)
    steps = max(epochs * per_epoch, MIN_STEPS if min_steps is None else min_steps)  # small sets: enough steps
    shift = max(1, size // 16)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = LabelClassifier(channels, size, k)
        opt, schedule = adam_with_cosine(net, LR, steps)
        net.train()
        order, step = torch.randperm(len(train)), 0
        while step < steps:
            if (step % per_epoch) == 0:
                order = torch.randperm(len(train))
            idx = order[(step % per_epoch) * batch: (step % per_epoch + 1) * batch]
            x = images[idx]
            if torch.rand(()) < 0.5:
                x = x.flip(3)
            loss = shifted_step(net, opt, schedule, x, train.labels[idx], shift)
            step += 1
            if step % per_epoch == 0 and step // per_epoch <= epochs:
                announce(f"  label classifier epoch {step // per_epoch}/{max(epochs, steps // per_epoch)}: "
                         f"loss {loss.item():.4f}")
    probs, _ = classify_labels(net, test.images, size)
    return net, accuracies(probs, test.labels, train.class_names)


def classifier_dir() -> Path:
    return cache_root() / "classifiers"


def check_labelled(train: ImageData) -> None:
    if train.labels is None or train.num_classes < 2:
        raise GanforgeError("the class metrics need labelled images (class sub-folders, or data.labels=filename "
                            "with data.label_pattern); use fid or kid for unlabelled data")


def load_or_train_labels(train: ImageData, test: ImageData | None, announce=print) -> tuple[LabelClassifier, dict]:
    """The cached classifier for these training images and labels, trained on first use. `test`: the held-out
    split, or None (then a fixed tenth of `train` is held out)."""
    check_labelled(train)
    own = test is None or len(test) == 0
    fit, held_out = own_holdout(train) if own else (train, test)
    key_parts = {"version": VERSION, "train": images_digest(train.images), "labels": images_digest(train.labels),
                 "classes": train.class_names, "test": "own" if own else images_digest(test.images),
                 "test_labels": "own" if own else images_digest(test.labels), "epochs": EPOCHS, "seed": SEED,
                 "size": input_size(train.shape[-1])}
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True).encode()).hexdigest()[:16]
    path = classifier_dir() / f"labels-{key}.pt"
    if not path.is_file():
        announce(f"training the label classifier once on {len(fit):,} images, {train.num_classes} classes "
                 f"(cached in {path.parent})")
        start, cpu_start = time.perf_counter(), time.process_time()
        net, scores = train_label_classifier(fit, held_out, announce=announce)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        torch.save({"state": net.state_dict(), "scores": scores, "key": key_parts, "seconds": seconds,
                    "cpu_seconds": cpu_seconds,
                    "n_train": len(fit), "n_test": len(held_out), "channels": train.shape[0],
                    "num_classes": train.num_classes}, tmp)
        os.replace(tmp, path)
        announce(f"label classifier: held-out accuracy {scores['accuracy']:.2%} on {len(held_out):,} images "
                 f"({seconds:.0f} s, {cpu_seconds:.0f} CPU-seconds)")
    blob = torch.load(path, weights_only=True)
    net = LabelClassifier(blob["channels"], key_parts["size"], blob["num_classes"])
    net.load_state_dict(blob["state"])
    held = "its own held-out tenth of the training images" if own else "the held-out split"
    provenance = {"classifier": f"ganforge label classifier v{VERSION} ({train.num_classes} classes, "
                                f"{key_parts['size']}px)",
                  "classifier_sha256": file_sha256(path),
                  "classifier_test_accuracy": round(blob["scores"]["accuracy"], 4),
                  **{f"classifier_test_{k}": round(v, 4) for k, v in blob["scores"].items() if k != "accuracy"},
                  "classifier_tested_on": f"{blob['n_test']:,} images, {held}", "classifier_trained_on": blob["n_train"],
                  "classifier_train_seconds": round(blob["seconds"], 1),
                  "classifier_train_cpu_seconds": round(blob["cpu_seconds"], 1) if "cpu_seconds" in blob else None,
                  "image_size": key_parts["size"]}
    return net.eval(), provenance
