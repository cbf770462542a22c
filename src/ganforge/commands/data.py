def add(sub) -> None:
    p = sub.add_parser("data", help="dataset tools (check, split-pairs)")
    actions = p.add_subparsers(dest="data_command", required=True)
    check = actions.add_parser("check", help="list every file that would break or bias training, with the fix",
                               description="Scan DIR the way training does and list unreadable, truncated, "
                                           "zero-byte, non-image, CMYK, 16-bit, alpha, greyscale-among-colour, "
                                           "too small, extreme aspect, duplicate and unlabelled files. Training "
                                           "skips the same files with a warning. Exits 1 when it found any.")
    check.add_argument("dir", help="image folder (searched recursively)")
    check.add_argument("--size", type=int, default=64,
                       help="training image size; images under half of it are too small (default 64)")
    check.add_argument("--channels", type=int, default=3, choices=(1, 3),
                       help="training channels; 3 flags greyscale files among colour ones (default 3)")
    check.add_argument("--label-pattern", metavar="PATTERN",
                       help="labels from file names: a preset (utkface-gender, utkface-age, utkface-race; several "
                            "joined by commas) or a regex with "
                            "(?P<label>...); default: class sub-folders when there are any")
    check.add_argument("--labels", choices=("auto", "folders", "none"), default="auto",
                       help="as data.labels: auto uses class sub-folders when every image is in one (default)")
    check.set_defaults(func=run_check)
    pairs = actions.add_parser("split-pairs", help="cut side-by-side AB images into A/ and B/ folders",
                               description="pix2pix's AB format -> OUT/A/NAME and OUT/B/NAME, full resolution: "
                                           "e.g. the label maps of a held-out split, to translate them.")
    pairs.add_argument("dir", help="folder of AB images (e.g. facades/test)")
    pairs.add_argument("-o", "--output", required=True, help="output folder; gets A/ and B/")
    pairs.set_defaults(func=run_split_pairs)


def run_split_pairs(args) -> None:
    from pathlib import Path

    from ..data.pairs import split_pair_files
    count = split_pair_files(Path(args.dir).expanduser(), Path(args.output))
    print(f"wrote {count} images each to {Path(args.output) / 'A'} and {Path(args.output) / 'B'}")


def run_check(args) -> None:
    import sys
    from pathlib import Path

    from ..data.check import KINDS
    from ..data.folder import READ_SUFFIXES_TEXT, plan_folder
    root = Path(args.dir).expanduser()
    labels = "filename" if args.label_pattern else args.labels
    # The same plan training makes of the folder: the same labels and the same skipped files.
    plan = plan_folder(root, args.size, args.channels, labels, args.label_pattern or "")
    files, report, bad = plan.files, plan.report, set(plan.skipped)
    print(f"checked {len(files)} images under {root} (read: {READ_SUFFIXES_TEXT}): {len(files) - len(bad)} fine, "
          f"{len(bad)} with problems")
    if plan.ignored:
        print(f"\nignored: {len(plan.ignored)} file{'s' if len(plan.ignored) > 1 else ''} whose suffix is not read; "
              "training leaves them out too\n  fix: convert them to one of the suffixes above, or ignore this")
        for path in plan.ignored:
            print(f"  {path}")
    for kind, count in sorted(report.counts().items(), key=lambda item: list(KINDS).index(item[0])):
        print(f"\n{kind}: {count} file{'s' if count > 1 else ''} - {KINDS[kind].what}\n  fix: {KINDS[kind].fix}")
        for finding in report.findings:
            if finding.kind == kind:
                print(f"  {finding.path}" + (f"  ({finding.detail})" if finding.detail else ""))
    if plan.label_note():
        print(f"\nlabels: {plan.label_note()}")
    if plan.class_names:
        counts = [sum(1 for f, label in zip(files, plan.labels) if label == k and f not in bad)
                  for k in range(len(plan.class_names))]
        print("\nclasses: " + ", ".join(f"{name} {n}" for name, n in zip(plan.class_names, counts)))
        if counts and min(counts) * 2 < max(counts):
            print("  imbalanced: the smallest class has under half the images of the largest; "
                  "a conditional model will favour the larger ones")
    if bad:
        print(f"\ntraining would skip these {len(bad)} files, one warning line each")
        sys.exit(1)
