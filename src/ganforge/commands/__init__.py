"""One module per CLI sub-command; each has `add(subparsers)` that registers it with `func` as its action.

Adding a command: write commands/NAME.py and append "NAME" to MODULES.
"""
import importlib

MODULES = ["train", "sample", "recipes", "faces", "data", "plot", "interpolate", "rank", "arithmetic", "eval", "stylize", "translate", "app", "export"]


def add_all(subparsers) -> None:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}").add(subparsers)
