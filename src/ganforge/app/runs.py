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
        from ..api import load  # deferred: the app starts before any run is chosen
        from ..named_models import is_named
        if is_named(run):  # a starter or pretrained model: it never changes
            key = (run, 0.0)
        else:
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
    listed = [(r.label, str(r.path)) for r in runs if keep(r)]
    return listed or starter_choices(kind)


def starter_choices(kind: str) -> list[tuple[str, str]]:
    """The models shipped with ganforge, offered while there is no run of that kind to show."""
    from ..named_models import starter_index
    wanted = {"generative": GENERATIVE_METHODS, "vae": ("vae",)}.get(kind, ())
    return [(f"starter:{name} (shipped with ganforge, step {entry['step']:,})", f"starter:{name}")
            for name, entry in starter_index().items() if entry.get("method") in wanted]


__all__ = ["RunCache", "TABLE_HEADERS", "choices", "find_runs", "table"]
