"""What run folders a directory holds, read from their small files only (no checkpoint is loaded)."""
import csv
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from .errors import GanforgeError
from .run_mark import RunState, read_state

# The methods' own held-out scores (eval.jsonl) where lower is better; the sample metrics say so in their registry.
HELD_OUT_LOWER_IS_BETTER = ("neg_elbo_nats", "bits_per_dim", "l1", "cycle_a", "loss")


def lower_is_better() -> list[str]:
    """Scores where lower is better, in order of preference for "the run's best metric": the registered sample
    metrics that need no labels first (FID, KID), then the other ones, then the methods' held-out scores."""
    from .metrics import METRICS  # importing it registers every metric
    lower = [entry for entry in METRICS.values() if entry.better == "lower"]
    lower.sort(key=lambda entry: (entry.labels_only, entry.needs != "inception"))  # stable: fid before kid
    return [entry.name for entry in lower] + list(HELD_OUT_LOWER_IS_BETTER)


@dataclass
class RunSummary:
    path: Path
    recipe: str
    method: str
    step: int
    date: str
    best_metric: str
    live: RunState  # from the run's own marks (run_mark.py)
    has_checkpoint: bool

    @property
    def training(self) -> bool:
        return self.live.state == "training"

    @property
    def state(self) -> str:
        """'training, step 120/3,000, 4m10s left', 'finished', 'stopped (killed ...)'; older runs: 'done'."""
        if self.live.state != "unknown":
            return self.live.text
        return "done" if self.has_checkpoint else "no checkpoint yet"

    @property
    def label(self) -> str:
        """One line for a drop-down: folder name, recipe, step, and a marker while it trains."""
        live = ", training now" if self.training else ""
        return f"{self.path.name} ({self.recipe}, step {self.step}{live})"


def is_run(path: Path) -> bool:
    return (path / "config.yaml").is_file() and any((path / name).is_file() for name in (
        "last.pt", "metrics.csv", "running.json"))


def check_run(path: str | Path) -> Path:
    """The folder of a ganforge run, or one clear error saying what is missing."""
    path = Path(path).expanduser()
    if path.is_file() and path.suffix == ".pt":
        path = path.parent
    if not path.exists():
        raise GanforgeError(f"{path} does not exist; give a run folder written by `ganforge train` (runs/NAME)")
    if not is_run(path):
        raise GanforgeError(f"{path} is not a ganforge run (it has no config.yaml with last.pt or metrics.csv); "
                            "give a folder written by `ganforge train`")
    return path


def find_runs(root: str | Path, depth: int = 3) -> list[RunSummary]:
    """Every run folder under root (root itself may be one), newest first."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise GanforgeError(f"{root} is not a folder; give the folder that holds your runs (e.g. runs/)")
    found, frontier = [], [root]
    for _ in range(depth + 1):
        next_frontier = []
        for folder in frontier:
            if is_run(folder):
                found.append(summarize(folder))
            else:
                next_frontier += sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
        frontier = next_frontier
    return sorted(found, key=lambda s: s.date, reverse=True)


def summarize(run: Path) -> RunSummary:
    run = check_run(run)
    config = yaml.safe_load((run / "config.yaml").read_text()) or {}
    metrics = run / "metrics.csv"
    latest = max((p.stat().st_mtime for p in (run / "last.pt", metrics) if p.is_file()), default=0.0)
    return RunSummary(path=run, recipe=str(config.get("recipe", "?")), method=str(config.get("method", "?")),
                      step=last_step(metrics), date=datetime.fromtimestamp(latest).strftime("%Y-%m-%d %H:%M"),
                      best_metric=best_metric(run / "eval.jsonl"),
                      live=read_state(run),
                      has_checkpoint=(run / "last.pt").is_file())


def last_step(metrics_csv: Path) -> int:
    if not metrics_csv.is_file():
        return 0
    with open(metrics_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    return int(float(rows[-1]["step"])) if rows else 0


def best_metric(eval_jsonl: Path) -> str:
    """'name value (step N)' for the best score, '-' when the run logs none: metrics.jsonl (one record per
    metric, from training and `ganforge eval`) beside eval.jsonl (the held-out rows of older runs)."""
    rows = []
    records = eval_jsonl.with_name("metrics.jsonl")
    if records.is_file():
        rows += [{"step": r["step"], r["metric"]: r["value"]} for r in map(json.loads, records.read_text().splitlines())
                 if "metric" in r and "value" in r]
    if eval_jsonl.is_file():
        rows += [json.loads(line) for line in eval_jsonl.read_text().splitlines() if line.strip()]
    for key in lower_is_better():
        scored = [r for r in rows if isinstance(r.get(key), (int, float))]
        if scored:
            best = min(scored, key=lambda r: r[key])
            return f"{key} {best[key]:.4g} (step {best['step']})"
    return "-"
