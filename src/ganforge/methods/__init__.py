"""Training methods, one file each; importing this package imports every module in it, which registers each method
(`@register`), so a new method file needs no edit here."""
import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
