"""The runs the app offers, and loaded runs kept between clicks (reloaded when their checkpoint changes)."""
from collections import OrderedDict
from pathlib import Path

from ..run_index import RunSummary, check_run, find_runs

GENERATIVE_METHODS = ("gan", "vae")


class RunCache:
    def __init__(self, size: int = 4):
        self.size = size
        self.loaded: OrderedDict[tuple[str, float], object] = OrderedDict()

    def get(self, run: str | Path):
        from .. import load  # deferred: the app starts before any run is chosen
        run = check_run(run)
        key = (str(run.resolve()), (run / "last.pt").stat().st_mtime if (run / "last.pt").is_file() else 0.0)
        if key not in self.loaded:
            self.loaded[key] = load(run)
            while len(self.loaded) > self.size:
                self.loaded.popitem(last=False)
        self.loaded.move_to_end(key)
        return self.loaded[key]


def table(runs: list[RunSummary]) -> list[list[str]]:
    """Rows for the runs table: recipe, method, steps, date, best held-out metric, state, folder."""
    return [[r.recipe, r.method, str(r.step), r.date, r.best_metric,
             r.state, str(r.path)]
            for r in runs]


TABLE_HEADERS = ["recipe", "method", "steps", "date", "best metric", "state", "folder"]


def choices(runs: list[RunSummary], kind: str = "all") -> list[tuple[str, str]]:
    """(shown label, folder) pairs for a drop-down: 'generative' runs draw from a latent, 'image' runs map images."""
    keep = {"all": lambda r: True,
            "generative": lambda r: r.method in GENERATIVE_METHODS and r.has_checkpoint,
            "vae": lambda r: r.method == "vae" and r.has_checkpoint,
            "image": lambda r: r.method not in GENERATIVE_METHODS and r.has_checkpoint}[kind]
    return [(r.label, str(r.path)) for r in runs if keep(r)]


__all__ = ["RunCache", "TABLE_HEADERS", "choices", "find_runs", "table"]
