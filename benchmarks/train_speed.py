"""Training-step speed of ganforge's GAN recipes against the textbook scripts in ../shared/baselines.

    python benchmarks/train_speed.py [--iters 10] [--repeats 3] [--baselines ../shared/baselines] [--variants default,fp32,compile]

Prints one JSON line per (model, variant): ms_per_step, images_per_s, peak_rss_mb, data_wait_pct (time spent
waiting for the next batch, % of a step) and, in the same run, the textbook script's ms_per_iter and the ratio
(textbook ms / ganforge ms; > 1 means ganforge is faster). Synthetic data, CPU, fp32 weights throughout.
Each measurement runs in its own process so peak RSS belongs to it alone.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

MODELS = {  # ganforge recipe -> (textbook script, batch)
    "mnist-mlp-gan": ("mlp_gan.py", 64),
    "mnist-dcgan": ("dcgan28.py", 128),
    "faces-dcgan": ("dcgan64.py", 128),
}
VARIANTS = {  # variant -> config overrides on top of the recipe
    "default": [],  # what `ganforge train` uses: bf16 autocast + channels_last
    "fp32": ["train.precision=fp32", "train.channels_last=false"],
    "bf16": ["train.precision=bf16", "train.channels_last=false"],
    "compile": ["train.compile=true"],
    "channels-last": ["train.channels_last=true"],
    "nchw": ["train.channels_last=false"],
    "no-malloc": ["train.tune_malloc=false"],  # glibc's default allocator behaviour (see ganforge/allocator.py)
}

TUNED_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TOP_PAD_": "67108864",
                    "MALLOC_TRIM_THRESHOLD_": "1073741824"}  # ganforge/allocator.py's values, for --textbook-tuned


def measure(recipe: str, variant: str, iters: int, warmup: int) -> dict:
    import torch

    from ganforge.allocator import reuse_freed_memory
    from ganforge.config import load_config
    from ganforge.data import BatchStream
    from ganforge.data.image_data import ImageData
    from ganforge.distributed import DistContext, wrapper
    from ganforge.methods.base import DataInfo
    from ganforge.methods.factory import build_method

    torch.manual_seed(0)
    cfg = load_config(recipe, VARIANTS[variant])
    if cfg.train.tune_malloc:  # as the trainer does
        reuse_freed_memory()
    c, s = cfg.data.channels, cfg.data.image_size
    class_names = [str(k) for k in range(10)] if cfg.model.conditional else []
    method = build_method(cfg, DataInfo((c, s, s), class_names), torch.device("cpu"),
                          wrapper(DistContext(), cfg.train.compile))
    count = cfg.train.batch_size * method.batches_per_step  # a WGAN step takes n_critic batches
    n = count * 4
    data = ImageData(torch.randint(0, 256, (n, c, s, s), dtype=torch.uint8), torch.arange(n) % 10, class_names,
                     "synthetic")
    stream = BatchStream(data, cfg.train.batch_size, channels_last=cfg.train.channels_last)
    start = time.perf_counter()
    for _ in range(warmup):
        method.train_step(stream.next(count))
    warmup_s = time.perf_counter() - start
    wait = 0.0
    start = time.perf_counter()
    for _ in range(iters):
        t0 = time.perf_counter()
        batch = stream.next(count)
        wait += time.perf_counter() - t0
        method.train_step(batch)
    elapsed = time.perf_counter() - start
    return {"model": recipe, "variant": variant, "ms_per_step": round(1000 * elapsed / iters, 2),
            "images_per_s": round(count * iters / elapsed, 1), "data_wait_pct": round(100 * wait / elapsed, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "batch": cfg.train.batch_size, "threads": torch.get_num_threads(), "iters": iters,
            "warmup_s": round(warmup_s, 2), "torch": torch.__version__}


def child(args: list[str], env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=1200,
                         env={**os.environ, **(env or {})})
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        return {"error": (out.stderr or out.stdout)[-500:]}
    return json.loads(lines[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--repeats", type=int, default=1, help="rounds of textbook + ganforge, alternated")
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--variants", default="default,fp32,compile")
    p.add_argument("--baselines", default=os.environ.get(
        "GANFORGE_BASELINES", str(Path(__file__).resolve().parents[2] / "shared" / "baselines")))
    p.add_argument("--textbook-tuned", action="store_true",
                   help="also run the textbook with ganforge's malloc settings (glibc environment variables)")
    p.add_argument("--one", nargs=2, metavar=("RECIPE", "VARIANT"),
                   help="measure one ganforge recipe and variant alone, in this process (no textbook)")
    args = p.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one, args.iters, args.warmup)), flush=True)
        return
    for recipe in args.models.split(","):
        script, batch = MODELS[recipe]
        textbook, tuned, ours = [], [], {variant: [] for variant in args.variants.split(",")}
        textbook_args = [str(Path(args.baselines) / script), "--iters", str(args.iters), "--warmup",
                         str(args.warmup), "--batch", str(batch)]
        # Rounds alternate textbook and ganforge, so a machine that speeds up or slows down mid-run
        # moves both sides of a ratio alike; medians over the rounds are reported.
        for _ in range(args.repeats):
            textbook.append(child(textbook_args))
            if args.textbook_tuned:
                tuned.append(child(textbook_args, TUNED_MALLOC_ENV))
            for variant, rows in ours.items():
                warmup = args.warmup + (5 if variant == "compile" else 0)  # compilation happens in the warm-up
                rows.append(child([__file__, "--one", recipe, variant, "--iters", str(args.iters),
                                   "--warmup", str(warmup)]))
        for variant, rows in ours.items():
            row = {**combine(rows, textbook), "model": recipe, "variant": variant}
            if tuned:
                row["textbook_tuned_malloc_ms_rounds"] = [b.get("ms_per_iter") for b in tuned]
            print(json.dumps(row), flush=True)


def combine(rows: list[dict], textbook: list[dict]) -> dict:
    """One row from repeated rounds (rows[i] and textbook[i] ran in round i): the median round's numbers,
    the textbook's median, and each round's ms and ratio."""
    good = [row for row in rows if "ms_per_step" in row]
    if not good:
        return rows[-1]
    row = dict(sorted(good, key=lambda r: r["ms_per_step"])[len(good) // 2])
    base = [b for b in textbook if "ms_per_iter" in b]
    if not base:
        return {**row, "textbook_error": textbook[-1].get("error", "no result")}
    row["textbook_ms_per_iter"] = statistics.median(b["ms_per_iter"] for b in base)
    row["textbook_peak_rss_mb"] = max(b["peak_rss_mb"] for b in base)
    row["speedup_vs_textbook"] = round(row["textbook_ms_per_iter"] / row["ms_per_step"], 2)
    if len(rows) > 1:
        pairs = [(b, r) for b, r in zip(textbook, rows) if "ms_per_iter" in b and "ms_per_step" in r]
        row["rounds"] = len(pairs)
        row["ms_per_step_rounds"] = [r["ms_per_step"] for _, r in pairs]
        row["textbook_ms_rounds"] = [b["ms_per_iter"] for b, _ in pairs]
        row["speedup_rounds"] = [round(b["ms_per_iter"] / r["ms_per_step"], 2) for b, r in pairs]
    return row


if __name__ == "__main__":
    main()
