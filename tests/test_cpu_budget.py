"""The CPU-time budget (train.cpu_minutes / --cpu-minutes) stops a run by the process's CPU time, not the clock."""
import time

import pytest

from ganforge.checkpoint import load_checkpoint
from ganforge.errors import GanforgeError
from ganforge import train
from conftest import TINY, make_image_folder


def test_cpu_minutes_stops_a_run_by_cpu_time_and_not_by_sleeping(tmp_path, monkeypatch):
    folder = make_image_folder(tmp_path / "imgs", 40)  # 80 images: an epoch is 20 steps
    clock = {"cpu": 0.0}
    # Each read of the CPU clock advances it 1 s: a budget of 0.1 CPU-minutes (6 s) ends after a few steps,
    # while the wall clock barely moves.
    def fake_cpu():
        clock["cpu"] += 1.0
        return clock["cpu"]
    monkeypatch.setattr(time, "process_time", fake_cpu)
    run = train("mnist-dcgan", [*TINY, "data.name=folder", f"data.root={folder}", "train.batch_size=4", f"train.out_dir={tmp_path}"],
                cpu_minutes=0.1)
    checkpoint = load_checkpoint(run)
    assert 1 <= checkpoint["step"] <= 8
    assert checkpoint["cpu_s"] >= 5  # the checkpoint records the training CPU time it spent


def test_cpu_minutes_must_not_be_negative(tmp_path):
    with pytest.raises(GanforgeError, match="cpu_minutes"):
        train("mnist-dcgan", [*TINY, f"train.out_dir={tmp_path}", "train.cpu_minutes=-1"])
