import os
import subprocess
import sys

import pytest

from ganforge.checkpoint import load_checkpoint
from conftest import TINY


@pytest.mark.slow
def test_torchrun_two_cpu_processes(image_folder, tmp_path):
    """`torchrun --nproc_per_node 2` trains with DDP over gloo; only rank 0 writes the run folder."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29517",
           "-m", "ganforge", "train", "mnist-cgan", *TINY, "data.name=folder", f"data.root={image_folder}",
           f"train.out_dir={tmp_path / 'runs'}", "--steps", "4", "train.log_every=1", "train.batch_size=8"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    (run_dir,) = (tmp_path / "runs").iterdir()
    checkpoint = load_checkpoint(run_dir)
    assert checkpoint["step"] == 4
    assert len(checkpoint["rng"]) == 2  # both ranks' RNG states, for exact resume
    assert len((run_dir / "metrics.csv").read_text().splitlines()) == 5
    assert "2 process(es)" in result.stdout + result.stderr
