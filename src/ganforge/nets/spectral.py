"""Spectral normalisation (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial Networks").

Each weight is divided by an estimate of its largest singular value (one power iteration per training forward),
so the discriminator is about 1-Lipschitz per layer. PyTorch's parametrization keeps the power-iteration vectors
u, v as buffers: they are in state_dict, so checkpoints hold them and resume stays exact.
"""
import torch.nn as nn
from torch.nn.utils.parametrizations import spectral_norm

NORMALISED = (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.Embedding)


def apply_spectral_norm(module: nn.Module) -> nn.Module:
    """Spectrally normalise every conv, linear and embedding weight of module (in place; returns it)."""
    for layer in list(module.modules()):
        if isinstance(layer, NORMALISED):
            spectral_norm(layer)
    return module
