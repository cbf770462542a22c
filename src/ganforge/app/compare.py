"""Compare tab: chosen runs' losses and metrics on shared axes (the same figure as `ganforge plot --compare`)."""
import tempfile
from pathlib import Path

from PIL import Image

from ..errors import GanforgeError
from ..run_index import check_run
from ..viz.compare import plot_compare
from .watch import read_image


def compare(runs: list[str] | None, x: str = "step", out_dir: str | Path | None = None) -> Image.Image:
    """One panel per loss or metric, one line per run, over steps or training minutes."""
    if not runs:
        raise GanforgeError("pick one or more runs to compare")
    folders = [check_run(run) for run in runs]
    out = Path(out_dir or tempfile.mkdtemp(prefix="ganforge-app-")) / "compare.png"
    return read_image(plot_compare(folders, out, x))
