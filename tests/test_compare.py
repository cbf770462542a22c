"""Runs compared on shared axes: losses and every recorded metric, over steps or minutes."""
import json

import numpy as np
import pytest
from PIL import Image

from ganforge.cli import main
from ganforge.viz.compare import plot_compare, run_series
from tiny_runs import train_tiny


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare") / "runs"
    first = train_tiny("mnist-dcgan", out, "--name", "a")
    second = train_tiny("mnist-dcgan", out, "--name", "b", "train.seed=1")
    # FID over steps as `eval.every` records it (a quick 2,000-sample one) plus a 10k one from `ganforge eval`.
    records = [{"metric": "fid", "value": v, "step": s, "n_generated": 2000} for s, v in ((2, 90.0), (4, 70.0))]
    records.append({"metric": "fid", "value": 60.0, "step": 4, "n_generated": 10000})
    (first / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return first, second


def test_series_hold_losses_and_metrics_with_minutes(two_runs):
    first, second = two_runs
    series = run_series(first)
    assert {"loss_d", "loss_g", "fid (n=2,000)", "fid (n=10,000)"} <= set(series)
    assert "time_s" not in series and "images_per_s" not in series
    fid = series["fid (n=2,000)"]
    assert fid.steps.tolist() == [2, 4] and fid.values.tolist() == [90, 70]
    assert np.all(np.isfinite(fid.minutes)) and fid.minutes[1] >= fid.minutes[0] >= 0
    assert "fid (n=2,000)" not in run_series(second) and "loss_d" in run_series(second)


def test_compare_figure_from_the_cli(two_runs, tmp_path, capsys):
    first, second = two_runs
    out = tmp_path / "cmp.png"
    assert main(["plot", "--compare", str(first), str(second), "-o", str(out)]) == 0
    width, height = Image.open(out).size
    assert width >= 3 * 400 and height >= 2 * 300  # six panels (scores, losses, two FIDs) in rows of three
    assert main(["plot", "--compare", str(first), str(second), "--x", "minutes", "-o", str(tmp_path / "m.png")]) == 0
    assert main(["plot", "--compare", str(first), str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_compare_refuses_runs_with_nothing_logged(tmp_path):
    from ganforge.errors import GanforgeError
    (tmp_path / "empty").mkdir()
    with pytest.raises(GanforgeError, match="has logged anything"):
        plot_compare([tmp_path / "empty"], tmp_path / "x.png")
