"""A run's logs: metrics CSV (appended across resumes), metrics.jsonl (every score with its provenance) and
TensorBoard events."""
import csv
import json
import re
from datetime import datetime
from pathlib import Path

import torch

from .errors import GanforgeError

RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Runs before 0.1.0's one log also wrote each held-out evaluation as a row of eval.jsonl; they are still read.
LEGACY_HELD_OUT = "eval.jsonl"


def check_run_name(out_dir: str, name: str) -> Path:
    """OUT/NAME for `--name NAME` if it is new or an empty folder: a folder holding anything is never overwritten."""
    if not RUN_NAME.fullmatch(name):
        raise GanforgeError(f"--name '{name}' is not a plain folder name; use letters, digits, '.', '_' and '-' "
                            "(put the parent folder in --out)")
    path = Path(out_dir) / name
    if (path / "config.yaml").is_file():
        raise GanforgeError(f"{path} already holds a run; continue it with `ganforge train --resume {path}` "
                            "or choose another --name")
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise GanforgeError(f"{path} exists and is not an empty folder; choose another --name or --out")
    return path


def new_run_dir(out_dir: str, recipe: str, name: str = "") -> Path:
    """OUT/NAME when a name is given, else a fresh OUT/RECIPE-DATE-TIME."""
    if name:
        path = check_run_name(out_dir, name)
        path.mkdir(parents=True, exist_ok=True)
        return path
    stem = f"{Path(recipe).stem}-{datetime.now():%Y%m%d-%H%M%S}"
    path, n = Path(out_dir) / stem, 1
    while path.exists():
        n += 1
        path = Path(out_dir) / f"{stem}-{n}"
    path.mkdir(parents=True)
    return path


class RunLog:
    def __init__(self, run_dir: Path, resume_step: int | None = None, tensorboard: bool = True):
        self.csv_path = run_dir / "metrics.csv"
        self.metrics_path = run_dir / "metrics.jsonl"
        self.image_steps: dict[str, int] = {}
        self.columns: list[str] | None = None
        if resume_step is not None and self.csv_path.is_file():
            self._truncate_after(resume_step)
        for path in (run_dir / LEGACY_HELD_OUT, self.metrics_path):
            if resume_step is not None and path.is_file():
                lines = path.read_text().splitlines()
                kept = [line for line in lines if json.loads(line)["step"] <= resume_step]
                path.write_text("".join(f"{line}\n" for line in kept))
        self.tb = None
        if tensorboard:
            from torch.utils.tensorboard import SummaryWriter  # deferred: slow import
            self.tb = SummaryWriter(str(run_dir / "tensorboard"), purge_step=resume_step)

    def _truncate_after(self, step: int) -> None:
        """Rows logged after the checkpoint we resume from would be repeated: drop them."""
        with open(self.csv_path, newline="") as f:
            reader = csv.DictReader(f)
            self.columns = reader.fieldnames
            rows = [r for r in reader if int(float(r["step"])) <= step]
        self._rewrite(rows)

    def write(self, step: int, scalars: dict[str, float], tensorboard: bool = True) -> None:
        row = {"step": step, **scalars}
        new_file = self.columns is None
        if new_file:
            self.columns = list(row)
        elif set(row) - set(self.columns):
            self._add_columns([k for k in row if k not in self.columns])
        with open(self.csv_path, "a", newline="") as f:
            writer = csv.DictWriter(f, self.columns, extrasaction="ignore")
            if new_file:
                writer.writeheader()
            writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})
        if self.tb is not None and tensorboard:
            for key, value in scalars.items():
                self.tb.add_scalar(key, value, step)

    def _add_columns(self, names: list[str]) -> None:
        """A score first logged mid-run (held-out metrics) gets its own column: rewrite the header once."""
        with open(self.csv_path, newline="") as f:
            rows = list(csv.DictReader(f))
        self.columns = [*self.columns, *names]
        self._rewrite(rows)

    def _rewrite(self, rows: list[dict]) -> None:
        with open(self.csv_path, "w", newline="") as f:
            writer = csv.DictWriter(f, self.columns)
            writer.writeheader()
            writer.writerows(rows)

    def write_metrics(self, records: list[dict]) -> None:
        """Evaluation results with their provenance, one JSON line per metric (metrics.jsonl)."""
        append_metrics(self.metrics_path, records)
        if self.tb is not None:
            for record in records:
                self.tb.add_scalar(f"metrics/{record['metric']}", record["value"], record["step"])

    def hparams(self, config: dict, metric_tags: list[str]) -> None:
        """The run's settings in TensorBoard's HParams tab, so runs can be filtered and compared there."""
        if self.tb is None:
            return
        from torch.utils.tensorboard.summary import hparams
        for summary in hparams(flat_settings(config), {tag: 0.0 for tag in metric_tags}):
            self.tb.file_writer.add_summary(summary)

    def image(self, tag: str, grid_png: Path, step: int) -> None:
        """A grid in TensorBoard, once per step (the last grid is saved again after the final scores)."""
        if self.tb is not None and self.image_steps.get(tag) != step:
            self.image_steps[tag] = step
            import numpy as np
            from PIL import Image
            with Image.open(grid_png) as img:
                self.tb.add_image(tag, np.asarray(img.convert("RGB")), step, dataformats="HWC")

    def close(self) -> None:
        if self.tb is not None:
            self.tb.close()


def flat_settings(config: dict, prefix: str = "") -> dict:
    """Nested config -> {'train.batch_size': 128, ...}: numbers, booleans and strings (lists as text)."""
    flat = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flat_settings(value, f"{name}."))
        elif isinstance(value, (bool, int, float, str)):
            flat[name] = value
        elif value is not None:
            flat[name] = str(value)
    return flat


def scalars_from(logs: dict[str, torch.Tensor]) -> dict[str, float]:
    return {k: float(v) for k, v in logs.items()}


def append_metrics(path: Path, records: list[dict]) -> None:
    with open(path, "a") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")


def read_metrics(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.is_file() else []


def held_out_rows(run_dir: Path) -> list[dict]:
    """The run's held-out evaluations, one dict each: step, epoch, time_s, data, eval_s and the scores by name.
    From metrics.jsonl (records with no generated images), or eval.jsonl for runs that wrote it."""
    rows: list[dict] = []
    for record in read_metrics(Path(run_dir) / "metrics.jsonl"):
        if record.get("n_generated") != 0 or "data" not in record:
            continue
        if not rows or (rows[-1]["step"], rows[-1]["data"]) != (record["step"], record["data"]) \
                or record["metric"] in rows[-1]:
            rows.append({key: record[key] for key in ("step", "epoch", "time_s", "data", "eval_s") if key in record})
        rows[-1][record["metric"]] = record["value"]
    return rows or read_metrics(Path(run_dir) / LEGACY_HELD_OUT)
