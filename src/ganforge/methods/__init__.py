"""Training methods, one file each; importing this package registers them all."""
from . import gan, vae  # noqa: F401
