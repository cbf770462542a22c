"""Training methods, one file each; importing this package registers them all (registry.py)."""
from . import cyclegan, fast_style, gan, pix2pix, vae  # noqa: F401
from .registry import MethodEntry, available_methods, method_entry, register

__all__ = ["MethodEntry", "available_methods", "method_entry", "register"]
