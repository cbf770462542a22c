import sys


def add(sub) -> None:
    p = sub.add_parser("train", help="train a recipe (or resume a run)",
                       description="Train RECIPE with key=value overrides, e.g. "
                                   "`ganforge train mnist-dcgan train.batch_size=64 --minutes 5`.")
    p.add_argument("recipe", nargs="?", help="recipe name (`ganforge recipes`) or a YAML file; default mnist-dcgan")
    p.add_argument("overrides", nargs="*", help="config overrides such as data.root=PATH model.latent_dim=64")
    p.add_argument("--steps", type=int, help="step budget (a total for the run); replaces the recipe's budget")
    p.add_argument("--epochs", type=float, help="epoch budget; replaces the recipe's budget")
    p.add_argument("--minutes", type=float, help="wall-clock budget from now; replaces the recipe's budget")
    p.add_argument("--cpu-minutes", type=float, help="budget in CPU time of the training process (all threads), "
                                                     "evaluation excluded; fair on a busy machine")
    p.add_argument("--data-root", help="dataset folder (same as data.root=; GANFORGE_DATA also works)")
    p.add_argument("--out", help="folder for run folders (train.out_dir, default runs)")
    p.add_argument("--name", help="run folder OUT/NAME instead of RECIPE-DATE-TIME (train.name=); "
                                  "never overwrites a run")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue a run from its last.pt exactly")
    p.set_defaults(func=run, accepts_overrides=True)


def run(args) -> None:
    from ..launch import train
    overrides = list(args.overrides)
    recipe = args.recipe
    if recipe and "=" in recipe:  # `ganforge train key=value` with no recipe
        overrides.insert(0, recipe)
        recipe = None
    if args.data_root:
        overrides.append(f"data.root={args.data_root}")
    if args.out:
        overrides.append(f"train.out_dir={args.out}")
    if args.name:
        overrides.append(f"train.name={args.name}")
    try:
        train(recipe, overrides, resume=args.resume, steps=args.steps, epochs=args.epochs, minutes=args.minutes,
              cpu_minutes=args.cpu_minutes)
    except KeyboardInterrupt:
        sys.exit(130)
