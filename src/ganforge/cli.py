"""Command line: a thin front end over the Python API. User mistakes print one line, never a traceback."""
import argparse
import math
import sys
from pathlib import Path

from .errors import GanforgeError


def cmd_train(args) -> None:
    from .trainer import train
    overrides = list(args.overrides)
    recipe = args.recipe
    if recipe and "=" in recipe:  # `ganforge train key=value` with no recipe
        overrides.insert(0, recipe)
        recipe = None
    if args.data_root:
        overrides.append(f"data.root={args.data_root}")
    if args.out:
        overrides.append(f"train.out_dir={args.out}")
    try:
        train(recipe, overrides, resume=args.resume, steps=args.steps, epochs=args.epochs, minutes=args.minutes)
    except KeyboardInterrupt:
        sys.exit(130)


def cmd_sample(args) -> None:
    from . import load
    from .viz import save_grid, save_images
    run = load(args.run)
    images = run.sample(args.n, label=args.label, seed=args.seed)
    if args.out_dir:
        paths = save_images(images, args.out_dir)
        print(f"wrote {len(paths)} PNGs to {args.out_dir}")
    if args.output or not args.out_dir:
        output = Path(args.output or Path(args.run) / "sample.png")
        save_grid(images, output, nrow=args.nrow or max(1, int(math.sqrt(args.n))))
        print(f"wrote {output}")


def cmd_recipes(args) -> None:
    from .config import config_to_yaml, load_config, recipe_names
    if args.show:
        print(config_to_yaml(load_config(args.show)), end="")
        return
    for name in recipe_names():
        print(name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ganforge", description="Train, sample and evaluate classic generative image models.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train a recipe (or resume a run)",
                       description="Train RECIPE with key=value overrides, e.g. "
                                   "`ganforge train mnist-dcgan train.batch_size=64 --minutes 5`.")
    p.add_argument("recipe", nargs="?", help="recipe name (`ganforge recipes`) or a YAML file; default mnist-dcgan")
    p.add_argument("overrides", nargs="*", help="config overrides such as data.root=PATH model.latent_dim=64")
    p.add_argument("--steps", type=int, help="step budget (a total for the run)")
    p.add_argument("--epochs", type=float, help="epoch budget")
    p.add_argument("--minutes", type=float, help="wall-clock budget for this session")
    p.add_argument("--data-root", help="dataset folder (same as data.root=; GANFORGE_DATA also works)")
    p.add_argument("--out", help="folder for run folders (train.out_dir, default runs)")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue a run from its last.pt exactly")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("sample", help="draw images from a trained run")
    p.add_argument("run", help="run folder (or its last.pt)")
    p.add_argument("-n", type=int, default=64, help="number of images")
    p.add_argument("--label", help="class for conditional runs, by name or index (e.g. 3, female)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", help="grid PNG (default RUN/sample.png)")
    p.add_argument("--out-dir", help="also write one PNG per image here")
    p.add_argument("--nrow", type=int, help="images per grid row")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("recipes", help="list the recipes, or print one resolved")
    p.add_argument("--show", metavar="NAME")
    p.set_defaults(func=cmd_recipes)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # Overrides may follow options (`train mnist-dcgan --steps 5 data.root=x`), which argparse alone rejects.
    args, extra = parser.parse_known_args(argv)
    unknown = [item for item in extra if args.command != "train" or "=" not in item or item.startswith("-")]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if extra:
        args.overrides = [*args.overrides, *extra]
    try:
        args.func(args)
    except GanforgeError as err:
        print(f"ganforge: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
