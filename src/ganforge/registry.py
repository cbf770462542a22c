"""The method registry's public names where they always were: see ganforge/methods/registry.py."""
from .methods.registry import _METHODS, MethodEntry, available_methods, method_entry, register  # noqa: F401

__all__ = ["MethodEntry", "available_methods", "method_entry", "register"]
