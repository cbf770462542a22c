from ..capabilities import DIRECTIONS
from .config_flags import add_field_flags, field_values

# EvalConfig's fields that are flags here, with their help; -n defaults to the published 10000 images.
FLAGS = {
    "metrics": "comma-separated: fid, kid, intra_fid, classifier_fid, class_score, coverage, conditional_accuracy; "
               "auto = fid,kid plus the class metrics on MNIST and labelled folders",
    "n": "generated images (default 10000, the published setting)",
    "split": "real images to compare with: auto (default) = train and test for a folder with a held-out split "
             "(records fid/train, fid/test, ...), train for other folders, test elsewhere",
    "real_n": "real images: the whole split up to this many",
    "seed": "seed of the generated images",
    "weights": "FID Inception file (default: GANFORGE_WEIGHTS, the cache, or its URL)",
    "precision": "feature network precision; bf16 is a fast mode whose deviation is recorded",
    "runtime": "Inception network runtime on a CPU in fp32: auto = ONNX Runtime (same features, ~2x faster)",
    "batch_size": "images per feature-network batch",
    "direction": "image-to-image runs: which translation to score against its target domain (CycleGAN)",
}
CHOICES = {"split": ["auto", "train", "test", "both"], "precision": ["fp32", "bf16"],
           "runtime": ["auto", "torch", "onnxruntime"], "direction": DIRECTIONS}


def add(sub) -> None:
    from ..config import EvalConfig
    p = sub.add_parser("eval", help="score a trained run's samples (FID, KID, digit metrics) into RUN/metrics.jsonl",
                       description="Evaluate a run: generated images against the real split, one JSON line with "
                                   "its provenance per metric in RUN/metrics.jsonl.")
    p.add_argument("run", help="run folder (or a checkpoint in it, e.g. RUN/best.pt)")
    add_field_flags(p, EvalConfig, FLAGS, CHOICES, defaults={"n": 10000})
    p.add_argument("--data-root", help="dataset folder if it moved since training (data.root)")
    p.set_defaults(func=run)


def run(args) -> None:
    from dataclasses import replace
    from pathlib import Path

    from ..api import load
    from ..metrics import evaluate_method, format_record
    from ..run_log import append_metrics
    trained = load(args.run)
    cfg = trained.config
    data_cfg = replace(cfg.data, root=args.data_root) if args.data_root else cfg.data
    settings = replace(cfg.eval, **{**field_values(args, FLAGS), "weights": args.weights or cfg.eval.weights})
    records = evaluate_method(trained.method, data_cfg, settings, trained.step, "ganforge eval", announce=print)
    run_dir = trained.path if trained.path.is_dir() else trained.path.parent
    checkpoint = "last.pt" if trained.path.is_dir() else trained.path.name
    records = [{**r, "checkpoint": checkpoint} for r in records]
    append_metrics(Path(run_dir) / "metrics.jsonl", records)
    print("\n".join(format_record(r) for r in records))
    print(f"appended {len(records)} lines to {Path(run_dir) / 'metrics.jsonl'}")
