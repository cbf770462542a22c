"""What a GAN run shows once at its start: a grid of the real training images and a summary of its networks."""
from pathlib import Path

from .model_summary import method_summary
from .real_grid import save_real_grid


def write_run_start(method, data, run_dir: Path, log, announce, count: int = 64, seed: int = 0) -> None:
    """real.png (also in TensorBoard) and model.txt (also announced), each written once per run folder; methods
    opt in with `shows_real_images` and `summary_inputs()`."""
    real_png = run_dir / "real.png"
    if getattr(method, "shows_real_images", False) and not real_png.is_file():
        save_real_grid(data, real_png, count, seed)
        log.image("real", real_png, 0)
    model_txt = run_dir / "model.txt"
    if not model_txt.is_file():
        summary = method_summary(method)
        if summary:
            model_txt.write_text(summary + "\n")
            announce(summary)
