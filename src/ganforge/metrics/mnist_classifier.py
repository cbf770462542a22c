"""A small MNIST digit classifier for metrics that mean something for digits (classifier FID, class score,
coverage, conditional accuracy). Trained once, seeded, and cached with its test accuracy."""
import hashlib
import json
import os
from pathlib import Path

import torch
import torch.nn as nn

from ..data import ImageData, to_float
from ..errors import GanforgeError
from ..files import cache_root, file_sha256
from .classifier_training import adam_with_cosine, shifted_step
from .feature_cache import images_digest

VERSION = 1  # bump when the network or its training changes: a new cache entry is trained
EPOCHS, BATCH, LR, SEED = 5, 128, 2e-3, 0


class DigitClassifier(nn.Module):
    """Two conv blocks and a 128-unit hidden layer: the hidden layer is the feature for classifier FID."""
    num_features = 128

    def __init__(self):
        super().__init__()
        self.convs = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                                   nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2))
        self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.25), nn.Linear(128, 10))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Images in [-1, 1] -> (logits, hidden features)."""
        features = self.hidden(self.convs(x))
        return self.head(features), features


@torch.no_grad()
def classify(net: DigitClassifier, images: torch.Tensor, batch_size: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 images -> (class probabilities N x 10, features N x 128), in eval mode."""
    net.eval()
    probs, feats = [], []
    for start in range(0, images.shape[0], batch_size):
        logits, features = net(to_float(images[start: start + batch_size]))
        probs.append(logits.softmax(1))
        feats.append(features)
    return torch.cat(probs), torch.cat(feats)


def train_classifier(train: ImageData, test: ImageData, epochs: int = EPOCHS, seed: int = SEED,
                     announce=print) -> tuple[DigitClassifier, float]:
    """Adam with a cosine schedule, a small random shift as augmentation; returns (net, test accuracy).
    Draws only from its own seeded RNG: the caller's global RNG state is restored afterwards."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = DigitClassifier()
        opt, schedule = adam_with_cosine(net, LR, epochs * (len(train) // BATCH))
        net.train()
        for epoch in range(epochs):
            order = torch.randperm(len(train))
            for start in range(0, len(train) - BATCH + 1, BATCH):
                idx = order[start: start + BATCH]
                # A random shift of up to 2 pixels: cheap augmentation that lifts test accuracy past 99 %.
                loss = shifted_step(net, opt, schedule, to_float(train.images[idx]), train.labels[idx], 2)
            announce(f"  digit classifier epoch {epoch + 1}/{epochs}: loss {loss.item():.4f}")
    probs, _ = classify(net, test.images)
    accuracy = (probs.argmax(1) == test.labels).float().mean().item()
    return net, accuracy


def classifier_dir() -> Path:
    return cache_root() / "classifiers"


def load_or_train(train: ImageData, test: ImageData, announce=print) -> tuple[DigitClassifier, dict]:
    """The cached classifier for this training set, trained on first use (about two CPU-minutes on MNIST)."""
    if train.labels is None or train.shape != (1, 28, 28) or train.num_classes != 10:
        raise GanforgeError("the digit classifier needs labelled 28x28 greyscale MNIST; "
                            "use the Inception metrics (fid, kid) for other data")
    key_parts = {"version": VERSION, "train": images_digest(train.images), "test": images_digest(test.images),
                 "labels": images_digest(train.labels), "epochs": EPOCHS, "seed": SEED}
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True).encode()).hexdigest()[:16]
    path = classifier_dir() / f"mnist-{key}.pt"
    if not path.is_file():
        announce(f"training the MNIST digit classifier once on {len(train):,} images (cached in {path.parent})")
        net, accuracy = train_classifier(train, test, announce=announce)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        torch.save({"state": net.state_dict(), "test_accuracy": accuracy, "key": key_parts}, tmp)
        os.replace(tmp, path)
        announce(f"digit classifier: test accuracy {accuracy:.2%}")
    blob = torch.load(path, weights_only=True)
    net = DigitClassifier()
    net.load_state_dict(blob["state"])
    sha256 = file_sha256(path)
    provenance = {"classifier": f"ganforge mnist digit classifier v{VERSION}", "classifier_sha256": sha256,
                  "classifier_test_accuracy": round(blob["test_accuracy"], 4)}
    return net.eval(), provenance
