from pathlib import Path


def add(sub) -> None:
    p = sub.add_parser("rank", help="rank a GAN's samples by its discriminator: best and worst side by side")
    p.add_argument("run", help="run folder (or its last.pt) of a GAN")
    p.add_argument("-n", type=int, default=512, help="samples to score")
    p.add_argument("--top", type=int, default=16, help="highest-scored samples to show")
    p.add_argument("--bottom", type=int, default=16, help="lowest-scored samples to show")
    p.add_argument("--label", help="class for conditional runs (default: the classes in turn)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", help="PNG (default RUN/plots/ranked.png)")
    p.set_defaults(func=run)


def run(args) -> None:
    from .outputs import default_output
    from ..api import load
    from ..errors import GanforgeError
    from ..latent import rank_by_discriminator
    from ..viz.latent import save_ranked
    if args.top < 0 or args.bottom < 0 or args.top + args.bottom == 0:
        raise GanforgeError("--top and --bottom must not be negative, and not both 0")
    trained = load(args.run)
    label = None if args.label is None else trained.label_index(args.label)
    images, scores = rank_by_discriminator(trained.method, args.n, args.seed, label)
    output = Path(args.output or default_output(args.run, "plots", "ranked.png"))
    save_ranked(images, scores, args.top, args.bottom, output,
                title=f"{trained.config.recipe}, step {trained.step}: discriminator scores (higher = more real to D)")
    print(f"wrote {output} (scores {float(scores[0]):.3f} to {float(scores[-1]):.3f})")
