"""Pictures from tensors and logs: read-only consumers of training outputs."""
from .curves import plot_loss_curves
from .grid import save_grid, save_images

__all__ = ["plot_loss_curves", "save_grid", "save_images"]
