import copy

import torch
import torch.nn as nn


class EMA:
    """Exponential moving average of a network's weights (buffers copied), used for sampling.

    The decay warms up as min(decay, (1 + n) / (10 + n)) after n updates (as TensorFlow's ExponentialMovingAverage
    with num_updates): with a fixed 0.999 a run of a few hundred steps would sample mostly its random initial weights.
    """

    def __init__(self, model: nn.Module, decay: float):
        self.decay = decay
        self.updates = 0
        self.model = copy.deepcopy(model).eval().requires_grad_(False)

    def current_decay(self) -> float:
        return min(self.decay, (1 + self.updates) / (10 + self.updates))

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        weight = 1.0 - self.current_decay()
        self.updates += 1
        for ema_param, param in zip(self.model.parameters(), model.parameters()):
            ema_param.lerp_(param, weight)
        for ema_buffer, buffer in zip(self.model.buffers(), model.buffers()):
            ema_buffer.copy_(buffer)

    def state_dict(self) -> dict:
        return {"model": self.model.state_dict(), "updates": self.updates}

    def load_state_dict(self, state: dict) -> None:
        if "updates" not in state:  # checkpoints from before the warm-up: plain weights, warm-up long over
            state = {"model": state, "updates": 10**9}
        self.model.load_state_dict(state["model"])
        self.updates = int(state["updates"])
