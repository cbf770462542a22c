"""Reference results: train each MNIST recipe for a fixed CPU-minute budget, evaluate it, write RESULTS.md.

The issue's full setting (about 2 x 6 x 15 CPU-minutes plus six 10k-sample FIDs):
    GANFORGE_DATA=../shared/data GANFORGE_WEIGHTS=../shared/weights \
        python benchmarks/reference_results.py --minutes 15 -n 10000
Training runs on one thread, so its wall-clock minutes are CPU-minutes; evaluation time is not counted.
`--reuse` evaluates the newest finished run of each recipe under --out instead of training again.

Face recipes (any run on an image folder) get the folder metrics and their own table (`faces_table.py`):
    python benchmarks/reference_results.py --recipes faces-dcgan,faces-cgan --reuse --out RUNS \
        --results benchmarks/FACES.md
"""
import argparse
import json
import os
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import ganforge  # noqa: E402
from ganforge.checkpoint import load_checkpoint  # noqa: E402
from ganforge.config import EvalConfig  # noqa: E402
from ganforge.metrics import evaluate_method  # noqa: E402
from ganforge.metrics.context import is_mnist  # noqa: E402
from ganforge.run_log import append_metrics, read_metrics  # noqa: E402
from ganforge.viz import save_grid  # noqa: E402
from faces_table import regenerate_lines, write_faces_markdown  # noqa: E402  (beside this file)
from table_file import write_table  # noqa: E402

RECIPES = ["mnist-mlp-gan", "mnist-dcgan", "mnist-cgan", "mnist-wgan", "mnist-wgan-gp", "mnist-vae"]


def finished_run(folder: Path) -> Path | None:
    runs = sorted(p.parent for p in folder.glob("*/last.pt"))
    return runs[-1] if runs else None


def train_recipe(recipe: str, args) -> Path:
    out = Path(args.out) / recipe
    if args.reuse and finished_run(out):
        return finished_run(out)
    overrides = [f"train.threads={args.threads}", "train.progress=false", f"train.out_dir={out}",
                 f"train.seed={args.seed}", *args.overrides]
    return ganforge.train(recipe, overrides, minutes=args.minutes, announce=lambda *a: None)


def recipe_metrics(trained) -> tuple[list[str], list[str], str]:
    """(Inception metrics, classifier metrics, real split): MNIST against its test set; a folder (faces)
    against its training images and, with a held-out split, those too (split auto), KID first."""
    conditional = trained.conditional
    if is_mnist(trained.config.data):
        return ["fid"], ["classifier_fid", "class_score", "coverage"] + (["conditional_accuracy"] if conditional
                                                                          else []), "test"
    classes = ["class_score", "coverage"] + (["conditional_accuracy"] if conditional else [])
    return ["kid", "fid"] + (["intra_fid"] if conditional else []), classes, "auto"


def evaluate_recipe(recipe: str, run_dir: Path, args) -> dict:
    trained = ganforge.load(run_dir)
    inception_names, names, split = recipe_metrics(trained)
    settings = EvalConfig(n=args.n, real_n=10000, split=split, seed=args.seed, weights=args.weights)
    start = time.perf_counter()
    records = recorded(run_dir, trained.step, args) if args.recorded else []
    if not records:
        # The classifier metrics are cheap: always on n images; the Inception ones on fid_n (~0.1-0.2 s an image).
        records = evaluate_method(trained.method, trained.config.data, replace(settings, n=args.fid_n or args.n),
                                  trained.step, "reference_results", inception_names, announce=print)
        records += evaluate_method(trained.method, trained.config.data, settings, trained.step,
                                   "reference_results", names, announce=print)
        append_metrics(run_dir / "metrics.jsonl", records)
    grid = Path(args.images) / f"{recipe}.png"
    images, nrow = trained.method.fixed_grid(100 if trained.conditional else 64, args.seed)
    save_grid(images, grid, nrow=nrow)
    checkpoint = load_checkpoint(run_dir)
    return {"recipe": recipe, "run": str(run_dir), "steps": trained.step,
            # CPU time where the run recorded it (cpu_s: all threads), else wall minutes (x threads in the table)
            "train_minutes": round(checkpoint.get("cpu_s", checkpoint["elapsed_s"]) / 60, 2),
            "threads": 1 if "cpu_s" in checkpoint else args.threads,
            "eval_seconds": round(sum(r.get("seconds", 0) for r in records) if args.recorded
                                  else time.perf_counter() - start, 1), "grid": str(grid),
            "faces": not is_mnist(trained.config.data), **{r["metric"]: r for r in records}}


def recorded(run_dir: Path, step: int, args, source: str = "reference_results") -> list[dict]:
    """This script's records of an earlier call for the same step (--recorded): the table without evaluating
    again. The newest record of each metric wins."""
    latest = {}
    for r in read_metrics(run_dir / "metrics.jsonl"):
        if r.get("source") == source and r.get("step") == step:
            latest[r["metric"]] = r
    return list(latest.values())


def cell(row: dict, name: str, digits: int = 2) -> str:
    return f"{row[name]['value']:.{digits}f}" if name in row else "—"


def write_markdown(rows: list[dict], args, command: str) -> str:
    first = next(iter(r for r in rows if "fid" in r))
    fid, clf = first["fid"], first["classifier_fid"]
    fid_n = args.fid_n or args.n
    full = fid_n >= 10000 and args.minutes >= 15
    lines = [
        "# Reference results: the MNIST recipes on a CPU",
        "",
        f"Measured {date.today()} on the 2-core development machine, ganforge {fid['ganforge']}, torch {fid['torch']}.",
        ("This is the issue's full setting." if full else
         f"**Reduced setting** (the shared 2-core machine's budget): {args.minutes:g} CPU-minutes of training per "
         f"recipe and a {fid_n:,}-sample Inception FID, not the full 15 CPU-minutes and 10k samples. "
         "Small-sample FID is biased upwards: compare these FIDs only with FIDs of the same sample count."),
        "",
        *regenerate_lines(command, args, " CPU-minutes = wall minutes x threads."),
        f"- FID: {fid_n:,} generated images vs the {fid['n_real']:,} MNIST test images, the reference TF "
        f"Inception network (sha256 `{fid['feature_net_sha256'][:12]}…`), uint8 images resized to "
        f"{fid['image_size']} with `{fid['resizer']}`, fp32, run by {fid.get('feature_runtime', 'torch')}.",
        f"- Classifier FID, class score, coverage and conditional accuracy: {args.n:,} generated images (vs the "
        f"{clf['n_real']:,} test images), the ganforge MNIST digit classifier "
        f"(test accuracy {clf['classifier_test_accuracy']:.2%}, sha256 `{clf['feature_net_sha256'][:12]}…`), "
        f"128-d hidden features. Class score is exp(E KL(p(y|x) ‖ p(y))), at most 10 "
        f"(real test digits: {first['class_score']['real_data_value']:.2f}); coverage is the fraction of digits "
        "drawn at least half their fair share.",
        "- Every number is also a JSON line with its full provenance in the run's `metrics.jsonl`.",
        "",
        f"| recipe | CPU-min | steps | FID ({fid_n / 1000:g}k vs test) | classifier FID | class score | coverage "
        "| cond. accuracy | samples |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        # relative to the results file, so the link works wherever --images and --results point
        grid = Path(os.path.relpath(Path(row["grid"]).resolve(), Path(args.results).resolve().parent))
        lines.append(f"| {row['recipe']} | {row['train_minutes'] * row['threads']:.1f} | {row['steps']:,} | "
                     f"{cell(row, 'fid')} | {cell(row, 'classifier_fid')} | {cell(row, 'class_score')} | "
                     f"{cell(row, 'coverage')} | {cell(row, 'conditional_accuracy', 3)} | "
                     f"![{row['recipe']}]({grid}) |")
    lines += ["", f"Evaluation time per recipe on {args.eval_threads} thread(s), not counted above (the Inception FID "
              "alone, real statistics cached): "
              + ", ".join(f"{r['recipe']} {r['eval_seconds'] / 60:.1f} min ({r['fid']['seconds'] / 60:.1f})"
                          for r in rows if "fid" in r) + ".", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--minutes", type=float, default=15.0, help="training minutes per recipe")
    parser.add_argument("--threads", type=int, default=1, help="training threads (CPU-minutes = minutes x threads)")
    parser.add_argument("--eval-threads", type=int, default=torch.get_num_threads(),
                        help="evaluation threads (default: all cores; evaluation time is not counted)")
    parser.add_argument("-n", type=int, default=10000, help="generated images per evaluation")
    parser.add_argument("--fid-n", type=int, default=0, help="generated images for the Inception FID (default n)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", help="FID Inception file (default GANFORGE_WEIGHTS)")
    parser.add_argument("--out", default="runs/reference", help="run folders")
    parser.add_argument("--images", default=str(REPO / "benchmarks" / "results"), help="sample grids")
    parser.add_argument("--results", default=str(REPO / "benchmarks" / "RESULTS.md"))
    parser.add_argument("--reuse", action="store_true", help="evaluate existing runs under --out, no training")
    parser.add_argument("--recorded", action="store_true",
                        help="with --reuse: tabulate the records an earlier evaluation wrote, evaluating only runs "
                             "that have none")
    parser.add_argument("--train-only", action="store_true", help="train (or reuse) every recipe, evaluate later")
    parser.add_argument("overrides", nargs="*", help="key=value for every recipe (e.g. data.root=DIR)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for recipe in args.recipes.split(","):
        run_dir = train_recipe(recipe, args)
        if args.train_only:
            print(f"{recipe}: {run_dir}", flush=True)
            continue
        torch.set_num_threads(args.eval_threads)
        rows.append(evaluate_recipe(recipe, run_dir, args))
        torch.set_num_threads(args.threads)
        print(json.dumps({k: (v["value"] if isinstance(v, dict) else v) for k, v in rows[-1].items()}), flush=True)
    if args.train_only:
        return
    # --reuse only skips training that a --train-only call did before: the same results as without it.
    command = ("GANFORGE_DATA=../shared/data GANFORGE_WEIGHTS=../shared/weights python benchmarks/reference_results.py "
               + " ".join(a for a in sys.argv[1:] if a != "--reuse"))
    if any(r["faces"] for r in rows) and not all(r["faces"] for r in rows):
        raise SystemExit("--recipes mixes MNIST and folder (face) recipes: give each table its own call")
    write_table(args.results, (write_faces_markdown if rows[0]["faces"] else write_markdown)(rows, args, command))
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
