import pytest
import torch

from ganforge.checkpoint import atomic_save, load_checkpoint, rng_state, save_checkpoint, set_rng_state
from ganforge.errors import GanforgeError


def test_atomic_save_leaves_only_the_file(tmp_path):
    save_checkpoint(tmp_path / "last.pt", step=3)
    assert [p.name for p in tmp_path.iterdir()] == ["last.pt"]
    assert load_checkpoint(tmp_path)["step"] == 3


def test_failed_write_keeps_the_previous_checkpoint(tmp_path):
    save_checkpoint(tmp_path / "last.pt", step=1)

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        atomic_save({"format": "ganforge-checkpoint", "bad": Unpicklable()}, tmp_path / "last.pt")
    assert load_checkpoint(tmp_path / "last.pt")["step"] == 1


def test_corrupt_checkpoint_is_one_clear_error(tmp_path):
    save_checkpoint(tmp_path / "last.pt", step=1, weights=torch.zeros(1000))
    blob = (tmp_path / "last.pt").read_bytes()
    (tmp_path / "last.pt").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(GanforgeError, match="corrupt"):
        load_checkpoint(tmp_path)


def test_foreign_checkpoint_is_refused(tmp_path):
    torch.save({"state_dict": {}}, tmp_path / "model.pt")
    with pytest.raises(GanforgeError, match="not a ganforge checkpoint"):
        load_checkpoint(tmp_path / "model.pt")


def test_missing_checkpoint(tmp_path):
    with pytest.raises(GanforgeError, match="no checkpoint"):
        load_checkpoint(tmp_path)


def test_rng_state_round_trips():
    import random

    import numpy as np
    state = rng_state()
    first = (torch.rand(3), random.random(), np.random.rand())
    set_rng_state(state)
    again = (torch.rand(3), random.random(), np.random.rand())
    assert torch.equal(first[0], again[0]) and first[1:] == again[1:]
