"""A metric over training CPU-minutes for several runs (e.g. the textbook recipe against its -plus recipe): one PNG.

    python benchmarks/ablation.py --base mnist-dcgan --only textbook,plus --minutes 15 --eval-every 250
    python benchmarks/fid_over_time.py runs/ablation/mnist-dcgan/textbook runs/ablation/mnist-dcgan/plus \
        --metric classifier_fid -o benchmarks/results/ablation/mnist-dcgan-fid-over-time.png

Each RUN is a run folder, or a folder holding run folders (its newest finished one is used), trained with
`eval.every=N`: its metrics.jsonl has the metric at every N-th step. A step's training time comes from
metrics.csv (`time_s`, evaluation time excluded), interpolated between logged steps, scaled to the run's CPU
time where its checkpoint records one (`cpu_s`: runs trained with --cpu-minutes, as ablation.py's); otherwise
CPU-minutes = minutes x train.threads, which holds on cores nothing else uses.
"""
import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
import torch
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ganforge.viz.curves import plt  # noqa: E402  (matplotlib with the file-only backend)


def run_folder(path: Path) -> Path:
    if (path / "metrics.jsonl").is_file():
        return path
    runs = sorted(p.parent for p in path.glob("*/metrics.jsonl"))
    if not runs:
        raise SystemExit(f"{path}: no metrics.jsonl here or in a run folder below it (train with eval.every=N)")
    return runs[-1]


def curve(run: Path, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """(CPU-minutes, value) of each evaluation of `metric` made during training."""
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    points = sorted({r["step"]: r["value"] for r in records if r["metric"] == metric and r.get("source") == "train"}
                    .items())
    if not points:
        raise SystemExit(f"{run}: no '{metric}' evaluated during training in metrics.jsonl")
    with open(run / "metrics.csv", newline="") as f:
        rows = np.array([[float(row["step"]), float(row["time_s"])] for row in csv.DictReader(f) if row["time_s"]])
    config = yaml.safe_load((run / "config.yaml").read_text())
    threads = max(1, int(config.get("train", {}).get("threads", 1) or 1))
    steps = np.array([s for s, _ in points], dtype=float)
    # Step 0 took no time; later steps interpolate between the logged (step, time_s) pairs.
    seconds = np.interp(steps, np.concatenate([[0.0], rows[:, 0]]), np.concatenate([[0.0], rows[:, 1]]))
    checkpoint = torch.load(run / "last.pt", map_location="cpu", weights_only=False)
    if checkpoint.get("cpu_s"):  # the run's own CPU time (--cpu-minutes runs): wall time scaled to it
        return seconds * checkpoint["cpu_s"] / checkpoint["elapsed_s"] / 60, np.array([v for _, v in points])
    return seconds * threads / 60, np.array([v for _, v in points])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--labels", help="comma-separated legend names (default: the folder names)")
    parser.add_argument("--metric", default="classifier_fid")
    parser.add_argument("--log", action="store_true", help="logarithmic metric axis")
    parser.add_argument("-o", "--output", default=str(REPO / "benchmarks" / "results" / "fid-over-time.png"))
    args = parser.parse_args()
    labels = args.labels.split(",") if args.labels else [p.name for p in args.runs]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    for path, label in zip(args.runs, labels):
        minutes, values = curve(run_folder(path), args.metric)
        ax.plot(minutes, values, marker="o", markersize=3, label=label)
        print(json.dumps({"run": label, "cpu_minutes": minutes.round(2).tolist(),
                          args.metric: values.round(3).tolist()}))
    ax.set(xlabel="training CPU-minutes", ylabel=args.metric, title=f"{args.metric} over training time")
    if args.log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
