"""Command line: a thin front end over the Python API. User mistakes print one line, never a traceback."""
import argparse
import sys

from .commands import add_all
from .errors import GanforgeError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ganforge",
                                     description="Train, sample and evaluate classic generative image models.")
    add_all(parser.add_subparsers(dest="command", required=True))
    return parser


def exit_worker(code: int) -> None:
    """A torchrun worker ends without the interpreter's teardown (see distributed.exit_worker)."""
    distributed = sys.modules.get("ganforge.distributed")  # never imported: not a training process
    if distributed is not None:
        distributed.exit_worker(code)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # Overrides may follow options (`train mnist-dcgan --steps 5 data.root=x`), which argparse alone rejects.
    args, extra = parser.parse_known_args(argv)
    takes = getattr(args, "accepts_overrides", False)
    unknown = [item for item in extra if not takes or "=" not in item or item.startswith("-")]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if extra:
        args.overrides = [*args.overrides, *extra]
    try:
        args.func(args)
    except GanforgeError as err:
        print(f"ganforge: error: {err}", file=sys.stderr)
        exit_worker(2)
        return 2
    exit_worker(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
