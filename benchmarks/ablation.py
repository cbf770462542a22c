"""Ablation: the textbook recipe, then each technique of the improved recipe added alone, then the -plus recipe,
each trained for the same CPU-minutes and seed, evaluated alike; writes benchmarks/ABLATION-BASE.md.

    GANFORGE_DATA=../shared/data GANFORGE_WEIGHTS=../shared/weights \
        python benchmarks/ablation.py --base mnist-dcgan --minutes 15 -n 10000 --cores 0,1
    python benchmarks/ablation.py --base mnist-dcgan --speed      # ms per training step of each row, one thread

Each run trains on one thread for --minutes of its own CPU time (`--cpu-minutes`: evaluation excluded, fair
even when other processes share the core), one run per core of --cores at a time (`taskset`). Evaluation reuses benchmarks/reference_results.py's: the Inception FID on --fid-n
images and, for MNIST, the digit metrics on -n. `--reuse` evaluates the newest finished run of each row under
--out instead of training it again. `--only NAME,...` restricts the rows.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

import ganforge  # noqa: E402
from ganforge.checkpoint import load_checkpoint  # noqa: E402
from ganforge.config import EvalConfig  # noqa: E402
from ganforge.metrics import METRICS, evaluate_method  # noqa: E402
from ganforge.run_log import append_metrics  # noqa: E402
from ganforge.viz import save_grid  # noqa: E402
from reference_results import finished_run, recorded  # noqa: E402
from table_file import write_table  # noqa: E402

# base recipe -> (plus recipe, {row: overrides on the base recipe}); each row adds one technique.
TECHNIQUES = {
    "ema": ["model.ema_decay=0.999"],
    "diffaugment": ["model.diffaugment=color,translation,cutout"],
    "hinge": ["model.loss=hinge"],
    "spectral-norm": ["model.spectral_norm=true", "model.d_norm=none", "model.loss=hinge"],
    "r1": ["model.r1=1", "model.r1_every=16"],
    "ttur": ["model.lr_generator=1e-4", "model.lr_discriminator=4e-4"],
    # CPU choices: half the filters in G and D (the steps a minute double); half the batch.
    "features-32": ["model.features=32"],
    "batch-64": ["train.batch_size=64"],
}
# AC-GAN's classifier must not see the label: with faces-cgan's input planes it would read it there.
CONDITIONAL = {"projection": ["model.conditioning=projection"],
               "aux-classifier": ["model.aux_classifier=1", "model.conditioning=concat"],
               "conditional-norm": ["model.conditional_norm=true"],
               "mismatch": ["model.mismatch=1"]}
ABLATIONS = {
    "mnist-dcgan": ("mnist-dcgan-plus", TECHNIQUES),
    "faces-dcgan": ("faces-dcgan-plus", TECHNIQUES),
    "faces-cgan": ("faces-cgan-plus", {**TECHNIQUES, **CONDITIONAL}),
}


def rows_for(base: str, only: str) -> list[tuple[str, str, list[str]]]:
    """(row name, recipe, overrides): the textbook, one per technique, the plus recipe."""
    plus, techniques = ABLATIONS[base]
    rows = [("textbook", base, []), *((f"+{name}", base, o) for name, o in techniques.items()), ("plus", plus, [])]
    wanted = set(only.split(",")) if only else None
    return [row for row in rows if wanted is None or row[0].lstrip("+") in wanted or row[0] in wanted]


def train_command(recipe: str, overrides: list[str], out: Path, args) -> list[str]:
    return [sys.executable, "-m", "ganforge", "train", recipe, *overrides, "train.threads=1", "train.progress=false",
            "train.tensorboard=false", f"train.seed={args.seed}", f"eval.every={args.eval_every}", *args.overrides,
            "--cpu-minutes", str(args.minutes), "--out", str(out)]


def train_rows(rows, args) -> None:
    """Trains every row that has no finished run (all of them without --reuse), one per core of --cores at a time."""
    pending = [row for row in rows if not (args.reuse and finished_run(Path(args.out) / row[0]))]
    running: list[tuple[subprocess.Popen, int]] = []
    cores = [int(c) for c in args.cores.split(",")]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "OMP_NUM_THREADS": "1"}
    while pending or running:
        while pending and len(running) < len(cores):
            name, recipe, overrides = pending.pop(0)
            core = next(c for c in cores if c not in {k for _, k in running})
            command = ["taskset", "-c", str(core), *train_command(recipe, overrides, Path(args.out) / name, args)]
            print(f"core {core}: {name}: {' '.join(command[3:])}", flush=True)
            running.append((subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL), core))
        time.sleep(2)
        for process, core in list(running):
            if process.poll() is not None:
                running.remove((process, core))
                if process.returncode:
                    raise SystemExit(f"training on core {core} failed (exit {process.returncode})")


def evaluate_run(run_dir: Path, grid: Path, args) -> dict:
    """As reference_results.py: the Inception FID on --fid-n images, the cheaper metrics on -n."""
    trained = ganforge.load(run_dir)
    mnist = trained.config.data.name == "mnist"
    names = (["classifier_fid", "class_score", "coverage"] if mnist else []) + args.metrics.split(",")
    names = [n for n in names if n in METRICS and (trained.conditional or not METRICS[n].conditional_only)]
    if trained.conditional and mnist:
        names.append("conditional_accuracy")
    settings = EvalConfig(n=args.n, real_n=args.real_n, split=args.split, seed=args.seed, weights=args.weights)
    records = recorded(run_dir, trained.step, args, source="ablation") if args.recorded else []
    if records:
        return row_of(trained, run_dir, records, grid, args)
    records = evaluate_method(trained.method, trained.config.data, replace(settings, n=args.fid_n or args.n),
                              trained.step, "ablation", ["fid"], announce=print)
    if names:
        records += evaluate_method(trained.method, trained.config.data, settings, trained.step, "ablation", names,
                                   announce=print)
    append_metrics(run_dir / "metrics.jsonl", records)
    return row_of(trained, run_dir, records, grid, args)


def row_of(trained, run_dir: Path, records: list[dict], grid: Path, args) -> dict:
    images, nrow = trained.method.fixed_grid(100 if trained.conditional else 64, args.seed)
    save_grid(images, grid, nrow=nrow)
    checkpoint = load_checkpoint(run_dir)
    return {"run": str(run_dir), "steps": trained.step, "grid": str(grid),
            "ms_per_step": round(1000 * checkpoint.get("cpu_s", checkpoint["elapsed_s"]) / max(trained.step, 1), 1),
            **{r["metric"]: r for r in records}}


def evaluate_rows(rows, args) -> list[dict]:
    results = []
    for name, recipe, overrides in rows:
        run_dir = finished_run(Path(args.out) / name)
        row = evaluate_run(run_dir, Path(args.images) / f"{args.base}-{name.lstrip('+')}.png", args)
        row.update(name=name, overrides=" ".join(overrides) or f"recipe {recipe}")
        results.append(row)
        print(json.dumps({k: (v["value"] if isinstance(v, dict) else v) for k, v in row.items()}), flush=True)
    return results


def cell(row: dict, name: str, digits: int = 2) -> str:
    return f"{row[name]['value']:.{digits}f}" if name in row else "—"


def write_markdown(results: list[dict], args, command: str) -> str:
    fid = next(r["fid"] for r in results if "fid" in r)
    fid_n = args.fid_n or args.n
    lines = [
        f"# Ablation: what each technique buys {args.base} in {args.minutes:g} CPU-minutes",
        "",
        f"Measured {date.today()}, ganforge {fid['ganforge']}, torch {fid['torch']}: each row trained for "
        f"{args.minutes:g} CPU-minutes on one thread (its process CPU time, `--cpu-minutes`; seed {args.seed}), "
        f"then evaluated: Inception FID of {fid_n:,} "
        f"generated images vs {fid['n_real']:,} {fid['real_data']} images"
        + (f"; digit metrics on {args.n:,} images (benchmarks/RESULTS.md describes them)" if "mnist" in args.base
           else "") + ". Lower FID is better. Regenerate with:",
        "",
        "```bash",
        command,
        "```",
        "",
        "| row | what it adds | steps | ms/step | FID | KID | classifier FID | class score | coverage | cond. accuracy "
        "| samples |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results:
        lines.append(f"| {row['name']} | `{row['overrides']}` | {row['steps']:,} | {row['ms_per_step']} | "
                     f"{cell(row, 'fid')} | {cell(row, 'kid', 4)} | {cell(row, 'classifier_fid')} | {cell(row, 'class_score')} | "
                     f"{cell(row, 'coverage')} | {cell(row, 'conditional_accuracy', 3)} | "
                     f"![{row['name']}]({os.path.relpath(Path(row['grid']).resolve(), Path(args.results).resolve().parent)}) |")
    lines += ["", "Techniques: EMA of G's weights; DiffAugment (Zhao et al. 2020); hinge loss; spectral norm in D "
              "(Miyato et al. 2018, with d_norm=none and hinge); lazy R1 (Mescheder et al. 2018, every 16th step as "
              "StyleGAN2); TTUR (Heusel et al. 2017); projection discriminator (Miyato & Koyama 2018); auxiliary "
              "classifier (AC-GAN, Odena et al. 2017); conditional batch norm in G (de Vries et al. 2017); 32 "
              "instead of 64 filters; batch 64 instead of 128. The "
              "README's \"Improved recipes\" lists the options.", ""]
    return "\n".join(lines)


def step_cpu_ms(recipe: str, overrides: list[str], iters: int) -> float:
    """CPU milliseconds per training step on synthetic data, one thread: process CPU time, not wall time, so
    other processes on the same core do not count."""
    from ganforge.config import load_config
    from ganforge.data import BatchStream
    from ganforge.data.image_data import ImageData
    from ganforge.methods.base import DataInfo
    from ganforge.methods.factory import build_method

    torch.manual_seed(0)
    cfg = load_config(recipe, overrides)
    c, s = cfg.data.channels, cfg.data.image_size
    names = [str(k) for k in range(10)] if cfg.model.conditional else []
    method = build_method(cfg, DataInfo((c, s, s), names), torch.device("cpu"))
    count = cfg.train.batch_size * method.batches_per_step
    data = ImageData(torch.randint(0, 256, (4 * count, c, s, s), dtype=torch.uint8), torch.arange(4 * count) % 10,
                     names, "synthetic")
    stream = BatchStream(data, cfg.train.batch_size, channels_last=cfg.train.channels_last)
    for _ in range(3):
        method.train_step(stream.next(count))
    start = time.process_time()
    for _ in range(iters):
        method.train_step(stream.next(count))
    return 1000 * (time.process_time() - start) / iters


def speed(rows, args) -> None:
    """CPU ms per training step of each row; rows alternate over --repeats rounds, medians reported."""
    torch.set_num_threads(1)
    times = {name: [] for name, _, _ in rows}
    for _ in range(args.repeats):
        for name, recipe, overrides in rows:
            times[name].append(step_cpu_ms(recipe, [*overrides, *args.overrides], args.iters))
    base = statistics.median(times[rows[0][0]])
    for name, recipe, overrides in rows:
        ms = statistics.median(times[name])
        print(json.dumps({"row": name, "recipe": recipe, "overrides": overrides, "cpu_ms_per_step": round(ms, 1),
                          "vs_first": round(ms / base, 3), "rounds": [round(t, 1) for t in times[name]]}),
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="mnist-dcgan", choices=sorted(ABLATIONS))
    parser.add_argument("--only", default="", help="comma-separated rows (textbook, ema, ..., plus)")
    parser.add_argument("--minutes", type=float, default=15.0, help="training CPU-minutes per row (one thread)")
    parser.add_argument("--cores", default="0", help="cores to pin runs to, one run per core at a time (e.g. 0,1)")
    parser.add_argument("--eval-every", type=int, default=0, help="eval.every for the runs (fid_over_time.py)")
    parser.add_argument("--eval-threads", type=int, default=torch.get_num_threads())
    parser.add_argument("-n", type=int, default=10000, help="generated images for the digit metrics")
    parser.add_argument("--fid-n", type=int, default=0, help="generated images for the Inception FID (default n)")
    parser.add_argument("--real-n", type=int, default=10000, help="real held-out images to compare with")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split", default="test", help="real images to compare with: test (MNIST's test set, a "
                                                        "folder's held-out part) or train (faces' convention)")
    parser.add_argument("--metrics", default="", help="further metrics for every row (e.g. kid)")
    parser.add_argument("--weights", help="FID Inception file (default GANFORGE_WEIGHTS)")
    parser.add_argument("--out", default="", help="run folders (default runs/ablation/BASE)")
    parser.add_argument("--images", default=str(REPO / "benchmarks" / "results" / "ablation"))
    parser.add_argument("--results", default="", help="default benchmarks/ABLATION-BASE.md")
    parser.add_argument("--reuse", action="store_true", help="evaluate existing runs under --out, train the rest")
    parser.add_argument("--speed", action="store_true", help="only time each row's training step")
    parser.add_argument("--no-eval", action="store_true", help="only train (evaluate later with --reuse)")
    parser.add_argument("--recorded", action="store_true",
                        help="with --reuse: take a row's metrics from this script's earlier records of its step")
    parser.add_argument("--iters", type=int, default=30, help="--speed: steps timed per row and round")
    parser.add_argument("--repeats", type=int, default=3, help="--speed: rounds")
    parser.add_argument("overrides", nargs="*", help="key=value for every row (e.g. data.root=DIR)")
    args = parser.parse_args()
    args.out = args.out or f"runs/ablation/{args.base}"
    args.results = args.results or str(REPO / "benchmarks" / f"ABLATION-{args.base}.md")
    rows = rows_for(args.base, args.only)
    if args.speed:
        return speed(rows, args)
    train_rows(rows, args)
    if args.no_eval:
        return
    torch.set_num_threads(args.eval_threads)
    results = evaluate_rows(rows, args)
    command = ("GANFORGE_DATA=../shared/data GANFORGE_WEIGHTS=../shared/weights python benchmarks/ablation.py "
               + " ".join(a for a in sys.argv[1:] if a not in ("--reuse", "--recorded", "--no-eval")))
    write_table(args.results, write_markdown(results, args, command))
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
