from pathlib import Path


def add(sub) -> None:
    p = sub.add_parser("arithmetic", help="latent vector arithmetic (DCGAN paper): A - B + C from picked grid cells",
                       description="Pick cells of a seeded, numbered sample grid (save it first with --grid) for "
                                   "concepts A, B and C; their latents are averaged and A - B + C is drawn, with "
                                   "--samples perturbations of --sigma around it. Conditional runs: --label-swap "
                                   "male:female draws the A cells with one label and then the other.")
    p.add_argument("run", help="run folder (or its last.pt) of a GAN")
    p.add_argument("--grid", action="store_true", help="save the numbered grid to pick cells from, and stop")
    p.add_argument("--count", type=int, default=64, help="cells in the grid")
    p.add_argument("--seed", type=int, default=0, help="the grid's seed (give the same one when picking)")
    for concept in ("a", "b", "c"):
        p.add_argument(f"--{concept}", metavar="I,J,...", help=f"grid cells showing concept {concept.upper()}")
    p.add_argument("--samples", type=int, default=8, help="perturbed samples around A - B + C")
    p.add_argument("--sigma", type=float, default=0.25, help="standard deviation of the perturbations")
    p.add_argument("--label", help="conditional runs: the class of every grid cell (default: classes in turn)")
    p.add_argument("--label-swap", metavar="FROM:TO", help="conditional runs: the A cells drawn as FROM, then as TO "
                                                           "(the grid is drawn as FROM unless --label is given)")
    p.add_argument("-o", "--output", help="PNG (default RUN/plots/arithmetic.png, or arithmetic_grid.png)")
    p.set_defaults(func=run)


def cell_list(text: str | None, concept: str) -> list[int] | None:
    from ..errors import GanforgeError
    if text is None:
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise GanforgeError(f"--{concept} takes grid cell numbers separated by commas, e.g. 3,17,40; "
                            f"not '{text}'") from None


def run(args) -> None:
    from ..api import load
    from ..errors import GanforgeError
    from ..viz.arithmetic import save_arithmetic, save_numbered_grid
    a, b, c = (cell_list(getattr(args, k), k) for k in ("a", "b", "c"))
    if not args.grid and (a is None or (b is None) != (c is None) or (b is None and not args.label_swap)):
        raise GanforgeError("give --grid to save the numbered grid, or --a with --b and --c (and/or --label-swap) "
                            "to pick its cells")
    trained = load(args.run)
    swap = None
    if args.label_swap:
        if args.label_swap.count(":") != 1:
            raise GanforgeError(f"--label-swap takes FROM:TO, e.g. male:female; not '{args.label_swap}'")
        swap = tuple(part.strip() for part in args.label_swap.split(":"))
    label = args.label if args.label is not None else (swap[0] if swap else None)
    what = f"{trained.config.recipe}, step {trained.step}, seed {args.seed}"
    if args.grid:
        output = Path(args.output or Path(args.run) / "plots" / "arithmetic_grid.png")
        save_numbered_grid(trained.numbered_grid(args.count, args.seed, label), output,
                           title=f"{what}: pick cells by number")
        print(f"wrote {output} ({args.count} numbered cells)")
        return
    result = None
    if b is not None:
        result = trained.arithmetic(a, b, c, args.seed, args.count, args.samples, args.sigma, label)
    swapped = trained.label_swap(a, *swap, args.seed, args.count) if swap else None
    output = Path(args.output or Path(args.run) / "plots" / "arithmetic.png")
    save_arithmetic(result, output, swapped, swap or ("", ""), title=what)
    print(f"wrote {output}")
