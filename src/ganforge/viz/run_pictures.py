"""What a run draws (the loop's Pictures hook, wired by launch.py): once at its start a grid of the real training
images and a summary of its networks, progress grids and loss curves as it trains, and at its end the label rows
of a conditional run."""
from pathlib import Path

from ..capabilities import RunPictures
from ..label_rows import label_rows
from ..loop_hooks import Pictures
from .curves import plot_loss_curves
from .grid import save_grid
from .latent import save_label_rows
from .model_summary import method_summary
from .real_grid import save_real_grid


class TrainingPictures(Pictures):
    def __init__(self, recipe: str, sample_count: int = 64, seed: int = 0):
        self.recipe, self.sample_count, self.seed = recipe, sample_count, seed

    def start(self, trainer, data) -> None:
        write_run_start(trainer.method, data, trainer.run_dir, trainer.log, trainer.announce, self.sample_count,
                        self.seed)

    def samples(self, trainer) -> None:
        """The fixed progress grid (samples/step_N.png, samples.png, TensorBoard) and the loss curves."""
        run_dir, step = trainer.run_dir, trainer.step
        images, nrow = trainer.method.fixed_grid(self.sample_count, self.seed)
        path = save_grid(images, run_dir / "samples" / f"step_{step:07d}.png", nrow=nrow)
        save_grid(images, run_dir / "samples.png", nrow=nrow)
        trainer.log.image("samples", path, step)
        plot_loss_curves(run_dir / "metrics.csv", run_dir / "losses.png", self.recipe)

    def end(self, trainer) -> None:
        write_run_end(trainer.method, trainer.run_dir, trainer.step, seed=self.seed)


def write_run_start(method, data, run_dir: Path, log, announce, count: int = 64, seed: int = 0) -> None:
    """real.png (also in TensorBoard) and model.txt (also announced), each written once per run folder; methods
    opt in by declaring `RunPictures` (`shows_real_images`, `summary_inputs()`)."""
    real_png = run_dir / "real.png"
    if isinstance(method, RunPictures) and method.shows_real_images and not real_png.is_file():
        save_real_grid(data, real_png, count, seed)
        log.image("real", real_png, 0)
    model_txt = run_dir / "model.txt"
    if not model_txt.is_file():
        summary = method_summary(method)
        if summary:
            model_txt.write_text(summary + "\n")
            announce(summary)


def write_run_end(method, run_dir: Path, step: int, rows: int = 8, seed: int = 0) -> Path | None:
    """label_rows.png for methods with `shows_label_rows` (conditional GANs): every class in the columns, the
    same noise along each row."""
    if not (isinstance(method, RunPictures) and method.shows_label_rows):
        return None
    names = list(method.info.class_names)
    images = label_rows(method, list(range(len(names))), rows, seed)
    return save_label_rows(images, names, run_dir / "label_rows.png",
                           f"step {step}: each row one noise vector, each column one class")
