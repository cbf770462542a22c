"""Watch tab: a run's loss curves and latest sample grid, re-read from its folder on every refresh."""
import tempfile
import time
from pathlib import Path

from PIL import Image

from ..run_index import check_run, summarize
from ..viz.curves import plot_loss_curves


def watch(run: str | Path, out_dir: str | Path | None = None) -> tuple[Image.Image | None, Image.Image | None, str]:
    """(loss curves, latest samples, a status line) from the files training writes as it goes."""
    run = check_run(run)
    summary = summarize(run)
    out = Path(out_dir or tempfile.mkdtemp(prefix="ganforge-app-")) / f"{run.name}-losses.png"
    curves = plot_loss_curves(run / "metrics.csv", out, f"{summary.recipe}: losses")
    samples = run / "samples.png"
    age = time.time() - (run / "metrics.csv").stat().st_mtime if (run / "metrics.csv").is_file() else None
    updated = f"; last log {age:.0f} s ago" if age is not None else "; no log yet"
    step = "" if summary.live.step is not None else f", step {summary.step:,}"
    status = f"**{run.name}**: {summary.state}{step}{updated}; best held-out metric: {summary.best_metric}"
    return (read_image(curves) if curves else None), (read_image(samples) if samples.is_file() else None), status


def read_image(path: Path) -> Image.Image | None:
    """A copy in memory: training may rewrite the file while the browser fetches it."""
    try:
        with Image.open(path) as image:
            return image.convert("RGB")
    except OSError:  # caught mid-write: the next refresh gets it
        return None
