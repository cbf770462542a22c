from pathlib import Path


def add(sub) -> None:
    p = sub.add_parser("interpolate", help="paths through the latent space of a trained generator (GAN or VAE)",
                       description="Each row goes from one random latent to another (--slerp: along the great "
                                   "circle), or with --walk along one latent direction in small steps. Conditional "
                                   "runs keep each row's class fixed.")
    p.add_argument("run", help="run folder (or its last.pt)")
    p.add_argument("--pairs", type=int, default=8, help="rows: pairs of endpoints (or walks)")
    p.add_argument("--steps", type=int, default=10, help="images along each interpolation, endpoints included")
    p.add_argument("--slerp", action="store_true", help="spherical instead of straight-line interpolation")
    p.add_argument("--walk", action="store_true", help="walk along one direction instead of between two latents")
    p.add_argument("--step-size", type=float, default=0.05, help="walk: distance between neighbouring images")
    p.add_argument("--span", type=float, default=1.0, help="walk: go from -span to +span along the direction")
    p.add_argument("--dimension", type=int, help="walk: along this latent axis (default: a random direction)")
    p.add_argument("--label", help="class for conditional runs (default: the classes in turn, one per row)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", help="PNG, one path per row (default RUN/plots/interpolation.png or walk.png)")
    p.add_argument("--gif", help="also write an animated GIF that moves along every path at once")
    p.set_defaults(func=run)


def run(args) -> None:
    from .outputs import default_output
    from ..api import load
    from ..latent import interpolate, walk
    from ..viz import save_grid
    from ..viz.latent import save_path_gif
    trained = load(args.run)
    label = None if args.label is None else trained.label_index(args.label)
    if args.walk:
        rows, _ = walk(trained.method, args.pairs, args.step_size, args.span, args.dimension, args.seed, label)
    else:
        rows, _ = interpolate(trained.method, args.pairs, args.steps, args.slerp, args.seed, label)
    output = Path(args.output or default_output(args.run, "plots", "walk.png" if args.walk else "interpolation.png"))
    save_grid(rows.flatten(0, 1), output, nrow=rows.shape[1])
    print(f"wrote {output} ({rows.shape[0]} rows of {rows.shape[1]})")
    if args.gif:
        save_path_gif(rows, args.gif)
        print(f"wrote {args.gif}")
