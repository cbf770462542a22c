import pytest
import torch

from ganforge.errors import GanforgeError
from ganforge.methods import base


def test_auto_precision_follows_the_hardware(monkeypatch):
    cpu = torch.device("cpu")
    assert base.uses_bf16("bf16", cpu) and not base.uses_bf16("fp32", cpu)
    monkeypatch.setattr(base, "native_bf16", lambda device: True)
    assert base.uses_bf16("auto", cpu)
    monkeypatch.setattr(base, "native_bf16", lambda device: False)
    assert not base.uses_bf16("auto", cpu)


def test_unknown_precision_is_refused():
    with pytest.raises(GanforgeError, match="train.precision=fp16"):
        base.uses_bf16("fp16", torch.device("cpu"))
