"""Training methods, one file each; importing this package registers them all."""
from . import cyclegan, fast_style, gan, pix2pix, vae  # noqa: F401
