def add(sub) -> None:
    p = sub.add_parser("recipes", help="list the recipes, or print one resolved")
    p.add_argument("--show", metavar="NAME", help="print the recipe's full config with every default")
    p.set_defaults(func=run)


def run(args) -> None:
    from ..config import config_to_yaml, load_config, recipe_names
    if args.show:
        print(config_to_yaml(load_config(args.show)), end="")
        return
    for name in recipe_names():
        print(name)
