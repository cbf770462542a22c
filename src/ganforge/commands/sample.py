import math
from pathlib import Path


def add(sub) -> None:
    p = sub.add_parser("sample", help="draw images from a trained run")
    p.add_argument("run", help="run folder (or its last.pt), or starter:NAME / pretrained:NAME")
    p.add_argument("-n", type=int, default=64, help="number of images")
    p.add_argument("--label", help="class for conditional runs, by name or index (e.g. 3, female)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", help="grid PNG (default RUN/sample.png; ./starter-NAME/sample.png for a starter)")
    p.add_argument("--out-dir", help="also write one PNG per image here")
    p.add_argument("--nrow", type=int, help="images per grid row")
    p.set_defaults(func=run)


def run(args) -> None:
    from .outputs import default_output
    from .. import load
    from ..viz import save_grid, save_images
    trained = load(args.run)
    images = trained.sample(args.n, label=args.label, seed=args.seed)
    if args.out_dir:
        paths = save_images(images, args.out_dir)
        print(f"wrote {len(paths)} PNGs to {args.out_dir}")
    if args.output or not args.out_dir:
        output = Path(args.output or default_output(args.run, "sample.png"))
        save_grid(images, output, nrow=args.nrow or max(1, int(math.sqrt(args.n))))
        print(f"wrote {output}")
