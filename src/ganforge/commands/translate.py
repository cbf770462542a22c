import time
from pathlib import Path


def add(sub) -> None:
    p = sub.add_parser("translate", help="translate images with a trained pix2pix or CycleGAN run",
                       description="`ganforge translate RUN INPUT... -o OUT_DIR` writes one output per input "
                                   "image under the same name (and sub-folder). Any input size: each image is "
                                   "resized to the model's square size, translated and resized back.")
    p.add_argument("run", help="run folder (or its last.pt)")
    p.add_argument("inputs", nargs="+", help="image files or folders (searched recursively)")
    p.add_argument("-o", "--output", default="translated", help="output folder (default translated/)")
    p.add_argument("--direction", choices=("AtoB", "BtoA"),
                   help="CycleGAN: which way (default AtoB); pix2pix: only the direction it was trained for")
    p.set_defaults(func=run)


def run(args) -> None:
    from ..api import load
    from ..data.folder import image_inputs
    from ..data.pil_images import open_image
    inputs = image_inputs(args.inputs)
    trained = load(args.run)
    out_dir = Path(args.output)
    start = time.perf_counter()
    for path, name in inputs:
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # The file keeps its name, so its format too; JPEG at high quality.
        trained.translate(open_image(path), args.direction).save(target, quality=95)
    seconds = time.perf_counter() - start
    print(f"wrote {len(inputs)} images to {out_dir} ({seconds / max(1, len(inputs)):.2f} s per image, "
          f"{trained.config.recipe} {trained.directions_text(args.direction)})")
