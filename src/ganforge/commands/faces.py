def add(sub) -> None:
    p = sub.add_parser("faces", help="face data preparation (crop)")
    actions = p.add_subparsers(dest="faces_command", required=True)
    crop = actions.add_parser("crop", help="crop the faces out of photos into square images for training",
                              description="Find faces with OpenCV's frontal-face Haar cascade and write square "
                                          "crops (largest face, or every face) to OUT_DIR, keeping sub-folders "
                                          "and file names so labels survive.")
    crop.add_argument("in_dir", help="folder of photos (searched recursively)")
    crop.add_argument("out_dir", help="folder for the crops (PNG)")
    crop.add_argument("--size", type=int, default=64, help="crop side in pixels (default 64)")
    crop.add_argument("--margin", type=float, default=0.2, help="extra room on each side, as a fraction of the "
                                                                 "face's size (default 0.2)")
    crop.add_argument("--all-faces", action="store_true", help="one crop per face instead of the largest only")
    crop.add_argument("--workers", type=int, help="threads (default: every core)")
    crop.set_defaults(func=run_crop)


def run_crop(args) -> None:
    from tqdm.auto import tqdm

    from ..data.faces import crop_folder
    from ..errors import GanforgeError
    if args.size < 8 or not 0 <= args.margin <= 2:
        raise GanforgeError("--size must be at least 8 and --margin between 0 and 2")
    summary = crop_folder(args.in_dir, args.out_dir, args.size, args.margin, args.all_faces, args.workers,
                          progress=lambda items, total: tqdm(items, total=total, unit="img", dynamic_ncols=True))
    for line in summary.lines():
        print(line)
    print(f"crops in {args.out_dir}")
