"""What metrics read: generated and real images and their features, each computed once, on first use."""
from dataclasses import replace
from functools import cached_property

import torch

from ..config import DataConfig, EvalConfig
from ..data import ImageData, load_dataset, to_uint8
from ..errors import GanforgeError
from .feature_cache import cached_features, real_subset
from .inception import InceptionFeatures
from .mnist_classifier import classify, load_or_train


def is_mnist(data_cfg: DataConfig) -> bool:
    return data_cfg.name == "mnist" and data_cfg.image_size == 28 and data_cfg.channels == 1


class EvalContext:
    """`method` is any trained Method (its `sample(n, labels, seed)` is all that is used)."""

    def __init__(self, method, data_cfg: DataConfig, settings: EvalConfig, announce=print):
        self.method, self.data_cfg, self.settings, self.announce = method, data_cfg, settings, announce
        if settings.n < 2:
            raise GanforgeError(f"eval n={settings.n}: evaluate at least 2 generated images (10000 to publish)")

    @property
    def conditional(self) -> bool:
        return bool(getattr(self.method, "conditional", False))

    @cached_property
    def asked_labels(self) -> torch.Tensor | None:
        """Conditional runs draw every class equally: image i is asked for class i mod K."""
        if not self.conditional:
            return None
        return torch.arange(self.settings.n) % self.method.info.num_classes

    @cached_property
    def translations(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """Image-to-image runs: (the held-out split's inputs translated, its targets), both uint8."""
        if not hasattr(self.method, "held_out_translations"):
            return None
        held_out = load_dataset(replace(self.data_cfg, split=self.settings.split), lambda *a: None)
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

    @cached_property
    def real(self) -> ImageData:
        if self.translations is not None:  # the target domain of the same held-out pairs
            return ImageData(self.translations[1], None, [], f"{self.settings.split} split targets")
        data = load_dataset(replace(self.data_cfg, split=self.settings.split), lambda *a: None)
        return real_subset(data, self.settings.real_n)

    @cached_property
    def inception(self) -> InceptionFeatures:
        s = self.settings
        device = getattr(self.method, "device", torch.device("cpu"))  # the GPU when training on one
        return InceptionFeatures(s.weights, batch_size=s.batch_size, precision=s.precision, device=device,
                                 runtime=s.runtime)

    @cached_property
    def real_inception(self) -> torch.Tensor:
        net = self.inception
        return cached_features(self.real, self.settings.split, net, net.provenance, self.announce)

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
        if not is_mnist(self.data_cfg):
            raise GanforgeError("the digit-classifier metrics need 28x28 greyscale MNIST; use fid or kid here")
        train = load_dataset(replace(self.data_cfg, split="train"), lambda *a: None)
        test = load_dataset(replace(self.data_cfg, split="test"), lambda *a: None)
        with torch.random.fork_rng(devices=[]):
            return load_or_train(train, test, self.announce)

    @cached_property
    def real_classified(self) -> tuple[torch.Tensor, torch.Tensor]:
        return classify(self.classifier[0], self.real.images)

    @cached_property
    def fake_classified(self) -> tuple[torch.Tensor, torch.Tensor]:
        return classify(self.classifier[0], self.generated)

    def provenance(self, needs: str) -> dict:
        if needs == "inception":
            network = {**self.inception.provenance, **self.inception.runtime_info, **self.bf16_deviation}
        else:
            network = {"feature_net": self.classifier[1]["classifier"],
                       "feature_net_sha256": self.classifier[1]["classifier_sha256"],
                       "classifier_test_accuracy": self.classifier[1]["classifier_test_accuracy"],
                       "image_size": 28, "resizer": "none"}
        return {**network, "n_real": len(self.real), "real_data": f"{self.real.source.split(' (')[0]}",
                "n_generated": len(self.generated), "seed": self.settings.seed}
