from pathlib import Path

KINDS = ("recon", "samples", "scatter", "manifold")


def add(sub) -> None:
    p = sub.add_parser("plot", help="pictures of a trained run: reconstructions, samples, latent scatter, manifold",
                       description="recon: test images above their VAE reconstructions; samples: a grid of samples; "
                                   "scatter: the test set's latent means coloured by class (PCA to 2-d for larger "
                                   "latents); manifold: images decoded over a grid of the latent plane.")
    p.add_argument("run", nargs="?", help="run folder (or its last.pt)")
    p.add_argument("--kind", choices=KINDS, default="samples")
    p.add_argument("--compare", nargs="+", metavar="RUN",
                   help="several runs on shared axes: every loss and metric (FID, KID ...) over steps, one panel each")
    p.add_argument("--x", choices=("step", "minutes"), default="step",
                   help="--compare: x axis, steps or training minutes (CPU-minutes when the runs set train.threads)")
    p.add_argument("-o", "--output", help="PNG (default RUN/plots/KIND.png; --compare: compare.png)")
    p.add_argument("-n", type=int, help="images (recon 32, samples 64) or points (scatter: the whole test set)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--grid", type=int, default=15, help="manifold: cells a side")
    p.add_argument("--spacing", choices=("gaussian", "uniform"), default="gaussian",
                   help="manifold: Gaussian quantiles (equal prior mass per cell) or evenly over [-limit, limit]")
    p.add_argument("--limit", type=float, default=4.0, help="manifold: half-width of the uniform grid")
    p.add_argument("--data-root", help="dataset folder, when the run's data.root does not resolve from here")
    p.set_defaults(func=run)


def compare(args) -> None:
    from ..run_index import check_run
    from ..viz.compare import plot_compare
    runs = [check_run(r) for r in ([args.run] if args.run else []) + args.compare]
    output = plot_compare(runs, args.output or "compare.png", args.x)
    print(f"wrote {output} ({len(runs)} runs, x axis: {args.x})")


def run(args) -> None:
    from .outputs import default_output
    from ..api import load
    from ..data.held_out import held_out_data, pick
    from ..errors import GanforgeError
    if args.compare:
        return compare(args)
    if not args.run:
        raise GanforgeError("give a run folder (ganforge plot RUN --kind samples) or --compare RUN RUN ...")
    from ..latent import encoder_of, latent_scatter_points, manifold, reconstruction_rows
    from ..viz import save_grid
    from ..viz.latent import save_scatter
    trained = load(args.run)
    output = Path(args.output or default_output(args.run, "plots", f"{args.kind}.png"))
    method = trained.method
    if args.kind == "samples":
        n = args.n or 64
        save_grid(trained.sample(n, seed=args.seed), output, nrow=max(1, int(n ** 0.5)))
    elif args.kind == "recon":
        encoder_of(method, "reconstructions")
        per_row = 8
        n = max(per_row, (args.n or 32) // per_row * per_row)
        images, _ = pick(held_out_data(trained.config.data, args.data_root), n, args.seed)
        save_grid(reconstruction_rows(method, images, per_row), output, nrow=per_row)
    elif args.kind == "scatter":
        encoder_of(method, "a latent scatter")
        data = held_out_data(trained.config.data, args.data_root)
        images, labels = pick(data, args.n, args.seed)
        points, axis = latent_scatter_points(method, images)
        how = "" if axis == "z" else f", PCA of the {method.model_cfg.latent_dim}-d latent"
        save_scatter(points, labels, data.class_names, output, axis=axis,
                     title=f"{trained.config.recipe}: {len(images):,} held-out images, step {trained.step}{how}")
    elif args.kind == "manifold":
        if args.grid < 2:
            raise GanforgeError(f"--grid needs at least 2 cells a side, not {args.grid}")
        images = None
        if method.model_cfg.latent_dim != 2:
            encoder_of(method, f"a manifold grid over a {method.model_cfg.latent_dim}-d latent")
            images, _ = pick(held_out_data(trained.config.data, args.data_root), 5000, args.seed)
        save_grid(manifold(method, args.grid, args.spacing, args.limit, images), output, nrow=args.grid)
    print(f"wrote {output}")
