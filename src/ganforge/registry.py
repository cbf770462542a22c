"""The method registry's public names where they always were: see ganforge/methods/registry.py."""
from .methods.registry import MethodEntry, available_methods, method_entry, register

__all__ = ["MethodEntry", "available_methods", "method_entry", "register"]
