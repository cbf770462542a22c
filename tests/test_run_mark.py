"""A run folder's own live state: running while it beats, finished or interrupted at once, stopped when killed."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import TINY, make_image_folder
from ganforge.run_index import find_runs
from ganforge.run_mark import ENDED, RUNNING, STALE_S, RunningMark, read_state
from tiny_runs import train_tiny


def test_a_clean_run_reads_finished_at_once(tmp_path):
    run = train_tiny("mnist-dcgan", tmp_path / "runs")
    assert not (run / RUNNING).exists()
    state = read_state(run)
    assert (state.state, state.step, state.total) == ("finished", 4, 4)
    (summary,) = find_runs(tmp_path / "runs")
    assert summary.state == "finished at step 4/4" and not summary.training


def test_a_run_stopped_by_its_cpu_minute_budget_reads_finished(tmp_path):
    # A time budget ends the run before its step budget: that is an end, not an interruption.
    run = train_tiny("mnist-dcgan", tmp_path / "runs", "--cpu-minutes", "0.00001")
    state = read_state(run)
    assert state.state == "finished" and state.step < 4


def fake_trainer(run_dir: Path, step=0, budget=10):
    return SimpleNamespace(ctx=SimpleNamespace(is_main=True), run_dir=run_dir, step=step, budget=budget)


def test_ctrl_c_reads_interrupted_and_the_mark_goes(tmp_path):
    trainer = fake_trainer(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        with RunningMark(trainer, every_s=0.01):
            assert read_state(tmp_path).state == "training"
            trainer.step = 3
            raise KeyboardInterrupt
    assert not (tmp_path / RUNNING).exists()
    assert read_state(tmp_path).text == "interrupted at step 3/10"


def test_a_run_already_at_its_budget_reads_finished(tmp_path):
    trainer = fake_trainer(tmp_path, step=10)
    del trainer.budget  # run() returns before setting it when there is nothing to train
    with RunningMark(trainer):
        pass
    assert read_state(tmp_path).state == "finished"


def test_a_mark_from_another_host_goes_stale_with_its_heartbeat(tmp_path):
    mark = {"pid": 1, "host": "not-" + socket.gethostname(), "step": 7, "total": 9, "time_left_s": 5.0}
    (tmp_path / RUNNING).write_text(json.dumps({**mark, "heartbeat": time.time()}))
    assert read_state(tmp_path).state == "training"  # its PID cannot be checked from here: the heartbeat decides
    (tmp_path / RUNNING).write_text(json.dumps({**mark, "heartbeat": time.time() - STALE_S - 1}))
    state = read_state(tmp_path)
    assert state.state == "stopped" and "killed at step 7/9" in state.text and state.time_left_s is None


def test_a_run_killed_with_sigkill_reads_stopped(tmp_path):
    folder = make_image_folder(tmp_path / "shapes")
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen([sys.executable, "-m", "ganforge", "train", "mnist-dcgan", *TINY, "data.name=folder",
                             "data.cache=false", "--data-root", str(folder), "--out", str(tmp_path / "runs"),
                             "--name", "doomed", "--steps", "1000000"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    run = tmp_path / "runs" / "doomed"
    try:
        deadline = time.monotonic() + 120
        while not (read_state(run).state == "training" and read_state(run).step):
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "no running mark within 120 s"
            time.sleep(0.2)
        assert "left" in read_state(run).text  # a step budget: time left is known
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    state = read_state(run)  # at once: the PID is gone, no need to wait for the heartbeat to age
    assert state.state == "stopped" and (run / RUNNING).exists() and not (run / ENDED).exists()
    (summary,) = find_runs(tmp_path / "runs")
    assert summary.state.startswith("stopped (killed at step")
