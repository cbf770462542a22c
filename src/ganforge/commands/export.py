from pathlib import Path


def add(sub) -> None:
    p = sub.add_parser("export", help="export a run's network to TorchScript or ONNX, checked against PyTorch",
                       description="Generators (GAN family; the VAE decoder) take noise [and int64 labels]; "
                                   "image-to-image and fast-style networks take images. Outputs are images in "
                                   "[-1, 1]. The file is reloaded at once and compared with the PyTorch network.")
    p.add_argument("run", help="run folder (or its last.pt)")
    p.add_argument("--format", choices=("torchscript", "onnx"), required=True)
    p.add_argument("-o", "--output", help="file (default RUN/export/<network>.pt or .onnx)")
    p.add_argument("--batch", type=int, default=1, help="batch size of the exported graph (default 1)")
    p.add_argument("--dynamic", action="store_true",
                   help="leave the batch size free (and an image network's height and width)")
    p.add_argument("--size", type=int, help="image networks: side of the example input (default the run's)")
    p.add_argument("--direction", choices=("AtoB", "BtoA"),
                   help="CycleGAN: which generator (default AtoB); pix2pix has one")
    p.add_argument("--benchmark", type=int, metavar="BATCH",
                   help="also time PyTorch and the exported file on a batch of this size (median ms)")
    p.set_defaults(func=run)


def run(args) -> None:
    from .outputs import default_output
    from ..api import load
    from ..errors import GanforgeError
    from ..export import TOLERANCE, benchmark, export, exportable, parity
    trained = load(args.run)
    ex = exportable(trained, args.size, args.direction)
    suffix = ".onnx" if args.format == "onnx" else ".pt"
    output = Path(args.output or default_output(args.run, "export", f"{trained.config.recipe}{suffix}"))
    export(ex, output, args.format, args.batch, args.dynamic)
    # A dynamic export must also hold at a batch size it was not traced with.
    batches = (args.batch, args.batch + 3) if args.dynamic else (args.batch,)
    diff = parity(ex, output, args.format, batches)
    shape = "dynamic batch" if args.dynamic else f"batch {args.batch}"
    print(f"wrote {output} ({ex.description}, {shape}, inputs: {', '.join(ex.input_names)}); "
          f"max abs difference to PyTorch {diff:.2e} at batch {', '.join(map(str, batches))}")
    if diff > TOLERANCE:
        raise GanforgeError(f"export {output} differs from PyTorch by {diff:.2e} (> {TOLERANCE:g}); do not use it "
                            "(report this with the run's recipe)")
    if args.benchmark:
        times = benchmark(ex, output, args.format, args.benchmark)
        listed = ", ".join(f"{k.removesuffix('_ms')} {v:.2f} ms" for k, v in times.items())
        print(f"batch {args.benchmark}, median per batch: {listed}")
