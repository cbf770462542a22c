import math
from pathlib import Path


def add(sub) -> None:
    p = sub.add_parser("sample", help="draw images from a trained run")
    p.add_argument("run", help="run folder (or its last.pt), or starter:NAME / pretrained:NAME")
    p.add_argument("-n", type=int, default=64, help="number of images")
    p.add_argument("--label", help="class for conditional runs, by name or index (e.g. 3, female); several "
                                   "attributes: their values in order, e.g. female,60+")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", help="grid PNG (default RUN/sample.png; ./starter-NAME/sample.png for a starter)")
    p.add_argument("--out-dir", help="also write one PNG per image here")
    p.add_argument("--nrow", type=int, help="images per grid row")
    p.add_argument("--label-rows", type=int, metavar="ROWS",
                   help="conditional runs: ROWS rows of one noise vector each, one column per class (only the "
                        "label changes along a row); default output RUN/label_rows.png")
    p.add_argument("--attribute", help="with --label-rows on a run with several attributes: the columns walk this "
                                       "attribute's values (e.g. age), --label fixes the others (e.g. female)")
    p.set_defaults(func=run)


def run(args) -> None:
    from .outputs import default_output
    from ..api import load
    from ..errors import GanforgeError
    if args.n < 1:
        raise GanforgeError(f"-n {args.n}: the number of images must be at least 1")
    if args.nrow is not None and args.nrow < 1:
        raise GanforgeError(f"--nrow {args.nrow}: images per row must be at least 1")
    from ..viz import save_grid, save_images
    trained = load(args.run)
    if args.label_rows is not None:
        return save_label_rows_command(trained, args)
    if args.attribute is not None:
        raise GanforgeError("--attribute goes with --label-rows (the columns walk its values)")
    images = trained.sample(args.n, label=args.label, seed=args.seed)
    if args.out_dir:
        paths = save_images(images, args.out_dir)
        print(f"wrote {len(paths)} PNGs to {args.out_dir}")
    if args.output or not args.out_dir:
        output = Path(args.output or default_output(args.run, "sample.png"))
        save_grid(images, output, nrow=args.nrow or max(1, int(math.sqrt(args.n))))
        print(f"wrote {output}")


def save_label_rows_command(trained, args) -> None:
    from ..viz.latent import save_label_rows
    rows, names = trained.label_rows(args.label_rows, args.seed, args.attribute, args.label)
    output = Path(args.output or Path(args.run) / "label_rows.png")
    save_label_rows(rows, names, output, f"{trained.config.recipe}, step {trained.step}, seed {args.seed}: "
                                         "each row one noise vector")
    print(f"wrote {output} ({rows.shape[0]} rows x {rows.shape[1]} classes: {', '.join(names)})")
