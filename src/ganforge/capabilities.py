"""What a trained method can do, declared on its class: `class GAN(Method, Generator, DiscriminatorScorer)`.

Callers ask for the smallest capability they need, `isinstance(method, LatentGenerator)`, never a method's name
or its attributes one by one, so a new method that declares (and implements) a capability shows up in every tool
that uses it: the app's tabs, `sample`, `interpolate`, `rank`, `export`, `eval`. Imports nothing (not even torch): any layer may read it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # annotations only: the command line reads DIRECTIONS without importing torch
    import torch
    import torch.nn as nn

DIRECTIONS = ("AtoB", "BtoA")  # a translator's two ways: domain A -> B, and back


@runtime_checkable
class ImageSampler(Protocol):
    """Draws n images in [-1, 1]; a conditional one draws the classes asked for (`info.class_names`)."""
    conditional: bool = False
    info: Any  # DataInfo: image_shape, class_names, num_classes

    def sample(self, n: int, labels: torch.Tensor | None = None, seed: int | None = None) -> torch.Tensor: ...


@runtime_checkable
class LatentGenerator(Protocol):
    """Images from given latent noise (and labels when conditional): interpolation, walks, truncation, label rows."""
    conditional: bool = False

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor: ...

    def generate(self, noise: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor: ...


@runtime_checkable
class Generator(ImageSampler, LatentGenerator, Protocol):
    """A generator run, all it offers: sampling, latent tools, progress grids and export. A method that declares it
    is listed in the app's Generate and Explore tabs and works with `sample`, `interpolate`, `export`, `eval`."""
    sampler: nn.Module  # the network that export writes: (noise, labels or None) -> images in [-1, 1]

    def fixed_grid(self, count: int, seed: int) -> tuple[torch.Tensor, int]: ...


@runtime_checkable
class DiscriminatorScorer(Protocol):
    """A critic's score per image (higher: more real to it), for `ganforge rank`."""
    def discriminator_scores(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor: ...


@runtime_checkable
class Autoencoder(Protocol):
    """Encodes images to q(z|x) and decodes latents: reconstructions, latent scatter, the manifold grid."""
    decoder: nn.Module  # latents -> logits of the Bernoulli pixel means

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]: ...

    def reconstruct(self, images: torch.Tensor) -> torch.Tensor: ...


@runtime_checkable
class Translator(Protocol):
    """Maps images of one domain to another (pix2pix one way, CycleGAN both)."""
    two_way: bool
    channels: int
    size: int

    def translate(self, images: torch.Tensor, direction: str | None = None) -> torch.Tensor: ...

    def export_network(self, direction: str | None = None) -> nn.Module: ...

    def held_out_translations(self, data, direction: str | None = None) -> tuple[torch.Tensor, torch.Tensor]: ...


@runtime_checkable
class Stylizer(Protocol):
    """Restyles any image in one forward pass of `transform` (fast style transfer)."""
    transform: nn.Module

    def stylize(self, images: torch.Tensor) -> torch.Tensor: ...


@runtime_checkable
class RunPictures(Protocol):
    """Pictures a run writes besides its sample grids: real.png at the start, label_rows.png at the end, and the
    networks' summary (`summary_inputs`: (title, network, a one-image input) each)."""
    shows_real_images: bool = False
    shows_label_rows: bool = False

    def summary_inputs(self) -> list[tuple[str, nn.Module, tuple]]:
        return []  # no summary


def is_conditional(method) -> bool:
    """Whether a method draws chosen classes."""
    return isinstance(method, (ImageSampler, LatentGenerator)) and bool(method.conditional)


def declares(method_class: type, capability: type) -> bool:
    """Whether a method class declares a capability, before any run of it is loaded (the app sorts runs into tabs
    from their config alone)."""
    return capability in method_class.__mro__
