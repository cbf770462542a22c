import os
import subprocess
import sys

import pytest
from PIL import Image

from ganforge.cli import main
from conftest import TINY


def run_cli(*args, env=None):
    """The real console entry point in a child process, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "ganforge", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture
def trained_run(image_folder, tmp_path):
    code = main(["train", "mnist-cgan", *TINY, "data.name=folder", "--data-root", str(image_folder),
                 "--out", str(tmp_path / "runs"), "--steps", "6", "train.sample_every=3", "train.log_every=2",
                 "train.tensorboard=true"])
    assert code == 0
    (run_dir,) = (tmp_path / "runs").iterdir()
    return run_dir


def test_train_writes_the_run_artefacts(trained_run):
    for name in ("config.yaml", "metrics.csv", "last.pt", "samples.png", "losses.png", "samples/step_0000003.png",
                 "samples/step_0000006.png", "tensorboard"):
        assert (trained_run / name).exists(), name
    header, *rows = (trained_run / "metrics.csv").read_text().splitlines()
    assert header.startswith("step,epoch,time_s,images_per_s,loss_d,loss_g") and len(rows) == 3
    assert "image_size: 32" in (trained_run / "config.yaml").read_text()


def test_sample_grid_and_single_files(trained_run, tmp_path):
    grid = tmp_path / "grid.png"
    assert main(["sample", str(trained_run), "-n", "16", "--label", "square", "--seed", "1", "-o", str(grid),
                 "--out-dir", str(tmp_path / "single")]) == 0
    assert Image.open(grid).size == (4 * 34 + 2, 4 * 34 + 2)  # 4 x 4 images of 32 px, 2 px padding
    assert len(list((tmp_path / "single").glob("*.png"))) == 16


def test_python_api_samples_a_chosen_label(trained_run):
    import ganforge
    run = ganforge.load(trained_run)
    images = run.sample(5, label="circle", seed=0)
    assert images.shape == (5, 3, 32, 32) and images.min() >= -1 and images.max() <= 1
    assert not (run.sample(5, label=1, seed=0) == images).all()
    assert (run.sample(5, label=0, seed=0) == images).all()  # same seed, same label: same images


@pytest.mark.parametrize("args,needle", [
    (["train", "mnist-dcgna"], "unknown recipe 'mnist-dcgna'"),
    (["train", "mnist-dcgan", "train.batchsize=3"], "train.batchsize"),
    (["train", "mnist-dcgan", "train.batch_size=big"], "train.batch_size"),
    (["train", "faces-dcgan", "--data-root", "/nonexistent/faces"], "/nonexistent/faces does not exist"),
    (["sample", "/nonexistent/run"], "no checkpoint"),
])
def test_user_mistakes_are_one_line_without_traceback(args, needle):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert needle in result.stderr and result.stderr.count("\n") == 1


def test_corrupt_checkpoint_and_wrong_label(trained_run):
    result = run_cli("sample", str(trained_run), "--label", "triangle")
    assert result.returncode == 2 and "unknown label 'triangle'" in result.stderr and "circle, square" in result.stderr
    (trained_run / "last.pt").write_bytes(b"\x00" * 100)
    result = run_cli("train", "--resume", str(trained_run))
    assert result.returncode == 2 and "corrupt" in result.stderr and "Traceback" not in result.stderr


def test_empty_data_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_cli("train", "faces-dcgan", f"data.root={tmp_path / 'empty'}")
    assert result.returncode == 2 and "no images" in result.stderr
