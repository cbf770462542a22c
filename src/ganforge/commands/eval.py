def add(sub) -> None:
    p = sub.add_parser("eval", help="score a trained run's samples (FID, KID, digit metrics) into RUN/metrics.jsonl",
                       description="Evaluate a run: generated images against the real split, one JSON line with "
                                   "its provenance per metric in RUN/metrics.jsonl.")
    p.add_argument("run", help="run folder (or a checkpoint in it, e.g. RUN/best.pt)")
    p.add_argument("--metrics", default="auto", help="comma-separated: fid, kid, intra_fid, classifier_fid, "
                   "class_score, coverage, conditional_accuracy; auto = fid,kid plus the class metrics on MNIST "
                   "and labelled folders")
    p.add_argument("-n", type=int, default=10000, help="generated images (default 10000, the published setting)")
    p.add_argument("--split", default="auto", choices=["auto", "train", "test", "both"],
                   help="real images to compare with: auto (default) = train and test for a folder with a held-out "
                        "split (records fid/train, fid/test, ...), train for other folders, test elsewhere")
    p.add_argument("--real-n", type=int, default=10000, help="real images: the whole split up to this many")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated images")
    p.add_argument("--weights", help="FID Inception file (default: GANFORGE_WEIGHTS, the cache, or its URL)")
    p.add_argument("--precision", default="fp32", choices=["fp32", "bf16"],
                   help="feature network precision; bf16 is a fast mode whose deviation is recorded")
    p.add_argument("--runtime", default="auto", choices=["auto", "torch", "onnxruntime"],
                   help="Inception network runtime on a CPU in fp32: auto = ONNX Runtime (same features, ~2x faster)")
    p.add_argument("--batch-size", type=int, default=50, help="images per feature-network batch")
    p.add_argument("--direction", choices=("AtoB", "BtoA"),
                   help="image-to-image runs: which translation to score against its target domain (CycleGAN)")
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
    settings = replace(cfg.eval, metrics=args.metrics, n=args.n, split=args.split, real_n=args.real_n,
                       seed=args.seed, weights=args.weights or cfg.eval.weights, precision=args.precision,
                       batch_size=args.batch_size, direction=args.direction,
                       runtime=args.runtime)
    records = evaluate_method(trained.method, data_cfg, settings, trained.step, "ganforge eval", announce=print)
    run_dir = trained.path if trained.path.is_dir() else trained.path.parent
    checkpoint = "last.pt" if trained.path.is_dir() else trained.path.name
    records = [{**r, "checkpoint": checkpoint} for r in records]
    append_metrics(Path(run_dir) / "metrics.jsonl", records)
    print("\n".join(format_record(r) for r in records))
    print(f"appended {len(records)} lines to {Path(run_dir) / 'metrics.jsonl'}")
