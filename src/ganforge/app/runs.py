"""The runs the app offers, and loaded runs kept between clicks (reloaded when their checkpoint changes)."""
from collections import OrderedDict
from pathlib import Path

from ..capabilities import Autoencoder, LatentGenerator, Stylizer, Translator, declares
from ..registry import available_methods, method_entry
from ..run_index import RunSummary, check_run, find_runs

# What each drop-down needs: a run is listed where its method declares one of these capabilities.
KIND_CAPABILITIES = {"generative": (LatentGenerator,), "vae": (Autoencoder,), "image": (Translator, Stylizer)}


def offers(method: str, kind: str) -> bool:
    """Whether runs of `method` belong in the `kind` drop-down ('all' takes every run)."""
    if kind == "all":
        return True
    if method not in available_methods():  # a run of a method this ganforge does not have
        return False
    return any(declares(method_entry(method).cls, capability) for capability in KIND_CAPABILITIES[kind])


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
    """(shown label, folder) pairs for a drop-down: 'generative' runs draw from a latent, 'vae' runs also encode,
    'image' runs map images; 'all' lists every run, trained or not."""
    if kind != "all" and kind not in KIND_CAPABILITIES:
        raise ValueError(f"unknown kind of run '{kind}'")
    listed = [(r.label, str(r.path)) for r in runs if offers(r.method, kind) and (kind == "all" or r.has_checkpoint)]
    return listed or starter_choices(kind)


def starter_choices(kind: str) -> list[tuple[str, str]]:
    """The models shipped with ganforge, offered while there is no run of that kind to show."""
    from ..named_models import starter_index
    if kind not in ("generative", "vae"):
        return []
    return [(f"starter:{name} (shipped with ganforge, step {entry['step']:,})", f"starter:{name}")
            for name, entry in starter_index().items() if offers(entry["method"], kind)]


__all__ = ["RunCache", "TABLE_HEADERS", "choices", "find_runs", "table"]
