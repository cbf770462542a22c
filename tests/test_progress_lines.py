"""Training progress in a file: plain lines at an interval, no carriage returns."""
import io
import math
import os
import subprocess
import sys
from pathlib import Path

from conftest import TINY, make_image_folder
from ganforge.progress_lines import ProgressLines, duration, time_left


def test_plain_lines_carry_step_total_speed_losses_and_time_left():
    out = io.StringIO()
    lines = ProgressLines(total=10, initial=2, images_per_step=8, every_s=0, stream=out)
    lines.set_postfix({"loss_d": "0.512"})
    lines.update()
    lines.update()
    lines.close()  # nothing new since the last line: no repeat
    first, second = out.getvalue().splitlines()
    assert first.startswith("step 3/10, ") and second.startswith("step 4/10, ")
    assert "images/s" in first and "loss_d 0.512" in first and "left " in first


def test_lines_wait_for_the_interval_and_close_prints_the_last():
    out = io.StringIO()
    lines = ProgressLines(total=math.inf, every_s=3600, stream=out)
    for _ in range(5):
        lines.update()
    assert out.getvalue() == ""
    lines.close()
    assert out.getvalue().startswith("step 5, ") and "left" not in out.getvalue()  # no budget: no time left


def test_time_left_takes_the_first_budget_met():
    assert time_left(50, 100, steps_per_s=10) == 5
    assert time_left(0, math.inf, steps_per_s=10) is None
    assert duration(5) == "5s" and duration(185) == "3m05s" and duration(3720) == "1h02m"


def test_redirected_training_prints_one_line_per_interval(tmp_path):
    folder = make_image_folder(tmp_path / "shapes")
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    settings = [s for s in TINY if s != "train.progress=false"]
    done = subprocess.run([sys.executable, "-m", "ganforge", "train", "mnist-dcgan", *settings, "data.name=folder",
                           "data.cache=false", "--data-root", str(folder), "--out", str(tmp_path / "runs"),
                           "--steps", "4", "train.log_every=1", "train.progress_every=0"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stdout + done.stderr
    progress = [line for line in done.stdout.splitlines() if line.startswith("step ")]
    assert [line.split(",")[0] for line in progress] == [f"step {n}/4" for n in range(1, 5)]
    assert all("loss_d" in line and "left" in line for line in progress[1:])
