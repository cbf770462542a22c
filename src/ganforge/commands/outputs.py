"""Where a command writes when -o is not given: inside the run folder, or, for a named model (starter:NAME,
pretrained:NAME, which live in the package or the cache), in a folder of that name here."""
from pathlib import Path


def default_output(run: str, *parts: str) -> Path:
    """RUN/PARTS for a run folder; ./KIND-NAME/PARTS for a named model."""
    from ..named_models import is_named
    base = Path(run.replace(":", "-")) if is_named(run) else Path(run)
    if base.suffix == ".pt":  # a checkpoint file: its run folder
        base = base.parent
    return base.joinpath(*parts)
