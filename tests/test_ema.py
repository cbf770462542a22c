import torch
import torch.nn as nn

from ganforge.methods.ema import EMA


def test_ema_warms_up_then_uses_the_configured_decay():
    net = nn.Linear(1, 1, bias=False)
    nn.init.zeros_(net.weight)
    ema = EMA(net, decay=0.999)
    with torch.no_grad():
        net.weight.fill_(1.0)
    ema.update(net)  # first update: decay 1/10, so the average moves 90 % of the way
    assert torch.allclose(ema.model.weight, torch.tensor([[0.9]]))
    for _ in range(100):
        ema.update(net)
    # A fixed 0.999 would still sit near 0.1 after 101 updates; the warm-up follows the trained weights.
    assert ema.model.weight.item() > 0.99
    ema.updates = 10**6
    assert ema.current_decay() == 0.999


def test_ema_state_round_trip_and_old_format():
    net = nn.Linear(2, 2)
    ema = EMA(net, 0.99)
    for _ in range(5):
        ema.update(net)
    other = EMA(nn.Linear(2, 2), 0.99)
    other.load_state_dict(ema.state_dict())
    assert other.updates == 5 and torch.equal(other.model.weight, ema.model.weight)
    other.load_state_dict(net.state_dict())  # a checkpoint written before the warm-up existed
    assert other.current_decay() == 0.99 and torch.equal(other.model.weight, net.weight)
