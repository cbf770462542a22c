"""Run folders by name, and what TensorBoard gets: one tag per score, each grid once, the hyper-parameters."""
import pytest

from ganforge.cli import main
from ganforge.errors import GanforgeError
from ganforge.run_log import new_run_dir
from tiny_runs import train_tiny


def test_named_run_folder_and_refusals(tmp_path):
    path = new_run_dir(str(tmp_path), "mnist-dcgan", "baseline")
    assert path == tmp_path / "baseline" and path.is_dir()
    (path / "config.yaml").write_text("recipe: mnist-dcgan\n")
    with pytest.raises(GanforgeError, match="already holds a run.*--resume"):
        new_run_dir(str(tmp_path), "mnist-dcgan", "baseline")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x")
    with pytest.raises(GanforgeError, match="not an empty folder"):
        new_run_dir(str(tmp_path), "mnist-dcgan", "notes")
    with pytest.raises(GanforgeError, match="plain folder name"):
        new_run_dir(str(tmp_path), "mnist-dcgan", "../elsewhere")
    assert new_run_dir(str(tmp_path), "mnist-dcgan").name.startswith("mnist-dcgan-")


def test_train_name_flag_and_its_refusal(tmp_path, capsys):
    run = train_tiny("mnist-dcgan", tmp_path / "runs", "--name", "first")
    assert run == tmp_path / "runs" / "first" and (run / "last.pt").is_file()
    capsys.readouterr()
    folder = tmp_path / "shapes"
    assert main(["train", "mnist-dcgan", "data.name=folder", "--data-root", str(folder), "--out",
                 str(tmp_path / "runs"), "--name", "first", "--steps", "1"]) == 2
    assert "already holds a run" in capsys.readouterr().err


def test_tensorboard_gets_each_score_once_each_grid_once_and_the_hparams(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    run = train_tiny("mnist-vae", tmp_path / "runs", "train.tensorboard=true")  # a VAE scores held-out data
    events = EventAccumulator(str(run / "tensorboard"), size_guidance={"images": 0, "scalars": 0})
    events.Reload()
    scalars = events.Tags()["scalars"]
    assert any(tag.startswith("metrics/") for tag in scalars)
    assert not any(tag.startswith("eval/") for tag in scalars)
    steps = [image.step for image in events.Images("samples")]
    assert steps == sorted(set(steps)) and steps[-1] == 4  # the final grid (step 4) once
    assert "_hparams_/experiment" in events.PluginTagToContent("hparams")
