"""Start a training run (`ganforge.train`): resolve the run config, check a resume, and wire the loop (trainer.py)
to the evaluator (metrics/) and the run pictures (viz/), which the loop itself does not import."""
import os
from pathlib import Path

from .checkpoint import load_checkpoint
from .config import load_config
from .metrics.training_evaluator import TrainingEvaluator
from .resume_checks import check_resume_config
from .run_log import check_run_name
from .run_mark import RunningMark
from .stop_signal import stop_on_signals
from .trainer import Trainer
from .viz.run_pictures import TrainingPictures


def train(recipe: str | None = None, overrides=(), resume: str | Path | None = None, announce=print,
          **budget) -> Path:
    """Train a recipe (or resume a run) and return its run folder.

    `budget` may hold steps, epochs, minutes, cpu_minutes; any of them replaces the recipe's budget as a whole. On resume
    the saved config is used, with `overrides` and `budget` on top; steps and epochs are totals for the run,
    minutes count from now.
    """
    checkpoint, run_dir = None, None
    given = {k: v for k, v in budget.items() if v is not None}
    unknown = set(given) - {"steps", "epochs", "minutes", "cpu_minutes"}
    if unknown:
        raise TypeError(f"unknown budget {', '.join(sorted(unknown))}: use steps, epochs, minutes or cpu_minutes")
    # A budget given here replaces the recipe's whole budget: `--minutes 10` trains for ten minutes.
    extra = [f"train.{k}={given.get(k, 0)}" for k in ("steps", "epochs", "minutes", "cpu_minutes")] if given else []
    if resume is not None:
        checkpoint = load_checkpoint(resume)
        run_dir = Path(resume) if Path(resume).is_dir() else Path(resume).parent
        cfg = load_config(None, [*overrides, *extra], base=checkpoint["config"])
        check_resume_config(checkpoint["config"], cfg, recipe, run_dir)
    else:
        cfg = load_config(recipe or "mnist-dcgan", [*overrides, *extra])
        if cfg.train.name and os.environ.get("RANK", "0") == "0":
            check_run_name(cfg.train.out_dir, cfg.train.name)  # before loading any data: fail at once
    with stop_on_signals() as stop:
        trainer = Trainer(cfg, run_dir, checkpoint, announce, evaluator=TrainingEvaluator(cfg.data, cfg.eval),
                          pictures=TrainingPictures(cfg.recipe, cfg.train.sample_count, cfg.train.seed))
        trainer.stop = stop
        try:
            with RunningMark(trainer):  # running.json while it trains (run_mark.py)
                return trainer.run()
        finally:
            trainer.close()
