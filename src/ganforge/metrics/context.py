"""What metrics read: generated and real images and their features, each computed once, on first use.

The real images come from one or two splits (`eval.split`; see `real_splits`): the metrics that compare with
real images (fid, kid, intra_fid) are measured against each, the classifier metrics once.
"""
from dataclasses import replace
from functools import cached_property

import torch

from ..capabilities import Translator, is_conditional
from ..data import ImageData, load_dataset, to_uint8
from ..data_config import DataConfig
from ..errors import GanforgeError
from ..eval_config import EvalConfig
from .feature_cache import cached_features, real_subset
from .inception import InceptionFeatures
from .label_classifier import classify_labels, load_or_train_labels
from .mnist_classifier import classify, load_or_train

SPLITS = ("auto", "train", "test", "both")


def is_mnist(data_cfg: DataConfig) -> bool:
    return data_cfg.name == "mnist" and data_cfg.image_size == 28 and data_cfg.channels == 1


def has_holdout(data_cfg: DataConfig) -> bool:
    """An image folder with a held-out split (data.holdout > 0): data.split=test holds the files kept out."""
    return data_cfg.name == "folder" and data_cfg.holdout > 0


def labelled_config(data_cfg: DataConfig) -> DataConfig:
    """The data as the class metrics read it: an unlabelled run of a folder whose names carry labels
    (data.labels=none with a data.label_pattern, as faces-dcgan) is scored with those labels."""
    if data_cfg.name == "folder" and data_cfg.labels == "none" and data_cfg.label_pattern:
        return replace(data_cfg, labels="filename")
    return data_cfg


def has_labels(data_cfg: DataConfig) -> bool:
    """Whether the class metrics apply: MNIST at 28x28, or an image folder with labels (class sub-folders,
    or labels in the file names)."""
    if is_mnist(data_cfg):
        return True
    if data_cfg.name != "folder":
        return False
    cfg = labelled_config(data_cfg)
    if cfg.labels in ("folders", "filename"):
        return True
    if cfg.labels == "none":
        return False
    return load_dataset(replace(cfg, split="train"), lambda *a: None).labels is not None  # auto: sub-folders?


def real_splits(split: str, data_cfg: DataConfig) -> list[str]:
    """eval.split -> the real splits to compare with, the main one first. auto: a folder with a held-out split
    against both its training images (the usual convention for face GANs) and the held-out ones; a folder
    without one against its training images; other data against its test split. both: train and test."""
    if split not in SPLITS:
        raise GanforgeError(f"eval.split={split}: use auto, train, test or both")
    folder = data_cfg.name == "folder"
    if split == "auto":
        return ["train", "test"] if has_holdout(data_cfg) else (["train"] if folder else ["test"])
    if split == "both":
        if folder and not has_holdout(data_cfg):
            raise GanforgeError("eval.split=both: this run's folder has no held-out split (data.holdout=0), so "
                                "train and test are the same images; use eval.split=train")
        if data_cfg.name in ("paired", "unpaired"):
            raise GanforgeError("eval.split=both: image-to-image runs are scored on one split; use test")
        return ["train", "test"]
    return [split]


class EvalContext:
    """`method` is any trained Method (its `sample(n, labels, seed)` is all that is used). `split` is the real
    split the metrics read now: evaluate_method sets it for each record (`classifier_split` for the classifier
    metrics)."""

    def __init__(self, method, data_cfg: DataConfig, settings: EvalConfig, announce=print):
        self.method, self.data_cfg, self.settings, self.announce = method, data_cfg, settings, announce
        if settings.n < 2:
            raise GanforgeError(f"eval n={settings.n}: evaluate at least 2 generated images (10000 to publish)")
        self.splits = real_splits(settings.split, data_cfg)
        self.split = self.splits[0]
        self._real: dict[str, ImageData] = {}
        self._real_inception: dict[str, torch.Tensor] = {}
        self._labelled: dict[str, ImageData] = {}

    @property
    def conditional(self) -> bool:
        return is_conditional(self.method)

    @property
    def classifier_split(self) -> str:
        """The classifier metrics' real reference: the held-out images when there are any (the classifier
        learnt the training ones)."""
        return "test" if "test" in self.splits else self.splits[0]

    @cached_property
    def asked_labels(self) -> torch.Tensor | None:
        """Conditional runs draw every class equally: image i is asked for class i mod K."""
        if not self.conditional:
            return None
        return torch.arange(self.settings.n) % self.method.info.num_classes

    @cached_property
    def translations(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """Image-to-image runs: (the held-out split's inputs translated, its targets), both uint8."""
        if not isinstance(self.method, Translator):
            return None
        held_out = load_dataset(replace(self.data_cfg, split=self.split), lambda *a: None)
        return self.method.held_out_translations(held_out, self.settings.direction)

    @cached_property
    def generated(self) -> torch.Tensor:
        """uint8 images, quantised as a saved PNG would be, from a private seeded RNG; for an image-to-image
        run the translations of the held-out inputs (as many as the split holds)."""
        if self.translations is not None:
            return self.translations[0]
        with torch.random.fork_rng(devices=[]):
            images = self.method.sample(self.settings.n, labels=self.asked_labels, seed=self.settings.seed)
        return to_uint8(images.cpu())

    @property
    def real(self) -> ImageData:
        return self.real_for(self.split)

    def real_for(self, split: str) -> ImageData:
        """The real images of a split (all, or a fixed random eval.real_n of them), loaded once."""
        if split not in self._real:
            if self.translations is not None:  # the target domain of the same held-out pairs
                data = ImageData(self.translations[1], None, [], f"{split} split targets")
            else:
                data = real_subset(load_dataset(replace(self.data_cfg, split=split), lambda *a: None),
                                   self.settings.real_n)
            self._real[split] = data
        return self._real[split]

    @cached_property
    def inception(self) -> InceptionFeatures:
        s = self.settings
        device = getattr(self.method, "device", torch.device("cpu"))  # the GPU when training on one
        return InceptionFeatures(s.weights, batch_size=s.batch_size, precision=s.precision, device=device,
                                 runtime=s.runtime)

    @property
    def real_inception(self) -> torch.Tensor:
        if self.split not in self._real_inception:
            net = self.inception
            self._real_inception[self.split] = cached_features(self.real, self.split, net, net.provenance,
                                                               self.announce)
        return self._real_inception[self.split]

    @cached_property
    def fake_inception(self) -> torch.Tensor:
        return self.inception(self.generated)

    @cached_property
    def bf16_deviation(self) -> dict:
        """The fast mode says how far it is from fp32, measured on the first generated batch."""
        if self.inception.precision != "bf16":
            return {}
        first = self.generated[: self.inception.batch_size]
        return {"bf16_feature_deviation": round(self.inception.deviation_from_fp32(first), 5)}

    @cached_property
    def classifier(self):
        """(network, provenance): the MNIST digit classifier, or a labelled folder's label classifier."""
        with torch.random.fork_rng(devices=[]):
            if is_mnist(self.data_cfg):
                train = load_dataset(replace(self.data_cfg, split="train"), lambda *a: None)
                test = load_dataset(replace(self.data_cfg, split="test"), lambda *a: None)
                return load_or_train(train, test, self.announce)
            if not has_labels(self.data_cfg):
                raise GanforgeError("the class metrics need labelled images: MNIST, or a folder with class "
                                    "sub-folders or data.labels=filename; use fid or kid here")
            train = self.labelled("train")
            test = self.labelled("test") if has_holdout(self.data_cfg) else None
            return load_or_train_labels(train, test, self.announce)

    def labelled(self, split: str) -> ImageData:
        if split not in self._labelled:
            self._labelled[split] = load_dataset(replace(labelled_config(self.data_cfg), split=split), lambda *a: None)
        return self._labelled[split]

    @cached_property
    def class_names(self) -> list[str]:
        """The classifier's classes, in label order (the run's own, for a conditional run)."""
        if is_mnist(self.data_cfg):
            return [str(k) for k in range(10)]
        names = self.labelled("train").class_names
        if self.conditional and list(self.method.info.class_names) != list(names):
            raise GanforgeError(f"the run's classes ({', '.join(self.method.info.class_names)}) differ from its "
                                f"data's ({', '.join(names)}); pass the training data (--data-root)")
        return names

    def classify(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        net, provenance = self.classifier
        if is_mnist(self.data_cfg):
            return classify(net, images)
        return classify_labels(net, images, provenance["image_size"])

    @cached_property
    def labelled_real(self) -> ImageData:
        """The real images the classifier metrics compare with: `classifier_split`, with labels."""
        if labelled_config(self.data_cfg) == self.data_cfg:
            return self.real_for(self.classifier_split)
        return real_subset(self.labelled(self.classifier_split), self.settings.real_n)

    @cached_property
    def real_classified(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.classify(self.labelled_real.images)

    @cached_property
    def fake_classified(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.classify(self.generated)

    def provenance(self, needs: str) -> dict:
        if needs == "inception":
            network = {**self.inception.provenance, **self.inception.runtime_info, **self.bf16_deviation}
            real = self.real
        else:
            info = self.classifier[1]
            network = {"feature_net": info["classifier"], "feature_net_sha256": info["classifier_sha256"],
                       **{k: v for k, v in info.items() if k.startswith("classifier_") and k != "classifier_sha256"},
                       "image_size": info.get("image_size", 28),
                       "resizer": "none" if is_mnist(self.data_cfg) else "bilinear-antialias"}
            real = self.labelled_real
        return {**network, "n_real": len(real), "real_data": real.source.split(" (")[0], "split": self.split,
                "n_generated": len(self.generated), "seed": self.settings.seed}
