"""Training methods, one file each; importing this package registers them all."""
from . import fast_style, gan, vae  # noqa: F401
