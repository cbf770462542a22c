import time
from pathlib import Path

# Flags passed through to ganforge.stylize under the same names.
GATYS_OPTIONS = ("style_weight", "content_weight", "tv_weight", "content_layer", "optimizer", "lr", "init",
                 "coarse_sizes", "coarse_fraction", "seed", "vgg_weights", "vgg_kind")


def add(sub) -> None:
    p = sub.add_parser("stylize", help="neural style transfer: Gatys optimisation, or a trained fast-style run",
                       description="`ganforge stylize CONTENT STYLE... -o out.png` optimises one image (Gatys); "
                                   "`ganforge stylize --model RUN INPUT... -o OUT_DIR` stylises files or folders "
                                   "with a trained fast-style run, one forward pass each.")
    p.add_argument("images", nargs="+", help="CONTENT STYLE [STYLE...]; with --model: input images or folders")
    p.add_argument("-o", "--output", help="output PNG (Gatys; default stylized.png) or folder (--model; default "
                                          "stylized/)")
    p.add_argument("--model", metavar="RUN", help="a fast-style run folder (or its last.pt)")
    g = p.add_argument_group("Gatys optimisation")
    g.add_argument("--size", type=int, default=512, help="working size, longer side (the output keeps the "
                                                          "content's size)")
    g.add_argument("--steps", type=int, help="optimisation steps over all scales (default 200)")
    g.add_argument("--style-weights", type=float, nargs="+", help="blend of several style images, one each")
    g.add_argument("--style-weight", type=float, help="style loss weight (default 10)")
    g.add_argument("--content-weight", type=float, help="content loss weight (default 1)")
    g.add_argument("--tv-weight", type=float, help="total-variation weight (default 1e-3)")
    g.add_argument("--content-layer", help="VGG19 layer for content (default relu4_2)")
    g.add_argument("--optimizer", choices=["lbfgs", "adam"])
    g.add_argument("--lr", type=float)
    g.add_argument("--init", choices=["content", "noise"])
    g.add_argument("--preserve-color", action="store_true", help="keep the content photo's colours")
    g.add_argument("--coarse-sizes", type=int, nargs="*", help="sizes run first, e.g. 256 (none: one scale)")
    g.add_argument("--coarse-fraction", type=float, help="share of the steps at the coarse sizes (default 0.8)")
    g.add_argument("--snapshot-every", type=int, default=0, help="also write OUTPUT_stepNNNN.png every N steps")
    g.add_argument("--seed", type=int)
    g.add_argument("--vgg-weights", help="local VGG19 weights file or folder (else GANFORGE_WEIGHTS, else download)")
    g.add_argument("--vgg-kind", choices=["torchvision", "caffe"], help="preprocessing for a weights file "
                                                                        "ganforge does not know")
    p.set_defaults(func=run)


def run(args) -> None:
    if args.model:
        run_fast(args)
    else:
        run_gatys(args)


def run_gatys(args) -> None:
    from tqdm.auto import tqdm

    from ..data.pil_images import open_image
    from ..errors import GanforgeError
    from ..style_transfer import DEFAULT_STEPS, stylize
    if len(args.images) < 2:
        raise GanforgeError("stylize needs CONTENT and at least one STYLE image (or --model RUN for a fast-style run)")
    content, styles = open_image(args.images[0]), [open_image(path) for path in args.images[1:]]
    output = Path(args.output or "stylized.png")
    if output.suffix.lower() not in (".png", ".jpg", ".jpeg", ".webp"):
        raise GanforgeError(f"output {output} needs an image suffix (.png, .jpg, .webp)")
    output.parent.mkdir(parents=True, exist_ok=True)
    options = {name: getattr(args, name) for name in GATYS_OPTIONS if getattr(args, name) is not None}
    if args.preserve_color:
        options["preserve_color"] = True
    if args.snapshot_every:
        options.update(snapshot_every=args.snapshot_every,
                       on_snapshot=lambda step, image: image.save(output.with_name(f"{output.stem}_step{step:04d}"
                                                                                   f"{output.suffix}")))
    steps = args.steps or DEFAULT_STEPS
    bar = tqdm(total=steps, unit="step", dynamic_ncols=True)

    def on_step(step, total, loss):
        bar.update(step - bar.n)
        bar.set_postfix(loss=f"{loss:.4g}", refresh=False)

    start = time.perf_counter()
    result = stylize(content, styles, size=args.size, steps=steps, style_weights=args.style_weights,
                     on_step=on_step, **options)
    bar.close()
    result.save(output)
    print(f"wrote {output} ({result.size[0]}x{result.size[1]}) in {time.perf_counter() - start:.1f} s")


def run_fast(args) -> None:
    from ..api import load
    from ..data.pil_images import open_image
    from ..data.folder import image_inputs
    files = [path for path, _ in image_inputs(args.images)]
    out_dir = Path(args.output or "stylized")
    out_dir.mkdir(parents=True, exist_ok=True)
    trained = load(args.model)
    for path in files:
        start = time.perf_counter()
        result = trained.stylize(open_image(path))
        target = out_dir / f"{path.stem}.png"
        result.save(target)
        print(f"wrote {target} ({result.size[0]}x{result.size[1]}, {time.perf_counter() - start:.2f} s)")
