"""What the loop calls out to, so that it imports neither metrics/ nor viz/ (the layers above it): launch.py hands
the loop an evaluator (metrics/training_evaluator.py) and the run pictures (viz/run_pictures.py). These defaults
score nothing and draw nothing.

Both get the Trainer and read what they need from it: `method`, `step`, `run_dir`, `log` (RunLog, main process
only), `announce`, `epoch()` and `elapsed_s()`.
"""


class Evaluator:
    """Scores during training: which to take, when, where they are written, and whether best.pt improved. The loop
    calls it in the main process only and keeps its time out of the budgets."""

    def attach(self, trainer) -> list[str]:
        """Checks the settings before any training (in every process); returns the TensorBoard tags of the scores."""
        return []

    def held_out(self, trainer, data, final: bool) -> dict[str, float]:
        """The method's held-out scores on `data` (the split it did not train on), written to the run's logs."""
        return {}

    def samples_due(self, step: int, final: bool = False) -> bool:
        """Whether the sample metrics are due after `step` (final: after the last step, unless just taken)."""
        return False

    def samples(self, trainer) -> bool:
        """Sample-quality metrics, written to the run's logs; True when they improved on the run's best (best.pt)."""
        return False


class Pictures:
    """What a run draws: pictures at its start and end, the progress grids and loss curves in between."""

    def start(self, trainer, data) -> None:
        pass

    def samples(self, trainer) -> None:
        pass

    def end(self, trainer) -> None:
        pass
