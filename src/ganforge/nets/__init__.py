"""Architectures only: tensors in, tensors out, no training logic."""
from .dcgan import DCGANDiscriminator, DCGANGenerator
from .init import dcgan_init
from .mlp import MLPDiscriminator, MLPGenerator

__all__ = ["DCGANDiscriminator", "DCGANGenerator", "MLPDiscriminator", "MLPGenerator", "dcgan_init"]
