"""ganforge: the classic generative image models, trained with one loop, on a laptop CPU or many GPUs."""
from .errors import GanforgeError
from .version import __version__


def train(*args, **kwargs):
    """See ganforge.launch.train."""
    from .launch import train as _train
    return _train(*args, **kwargs)


def load(run, device: str = "cpu"):
    """Load a trained run folder (or checkpoint file), a starter model shipped with ganforge or a published run:
    `ganforge.load("runs/x").sample(16, label=3)`, `ganforge.load("starter:mnist-cgan")`, `load("pretrained:NAME")`."""
    from .api import load as _load
    return _load(run, device)


def stylize(content, style, *, size: int = 512, steps: int = 200, style_weights=None, on_step=None, **options):
    """Gatys style transfer of PIL images; see ganforge.style_transfer.stylize."""
    from .style_transfer import stylize as _stylize
    return _stylize(content, style, size=size, steps=steps, style_weights=style_weights, on_step=on_step, **options)


__all__ = ["GanforgeError", "__version__", "load", "stylize", "train"]
