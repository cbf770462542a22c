"""channels-last is a speed setting only: the same seed trains the same weights in either layout."""
import pytest
import torch

from ganforge.config import load_config
from ganforge.data import BatchStream
from ganforge.data.image_data import ImageData
from ganforge.methods.base import DataInfo
from ganforge.methods.factory import build_method

SMALL = ["model.features=8", "model.latent_dim=8", "model.embed_dim=4", "train.batch_size=8",
         "data.image_size=28", "data.channels=1", "train.precision=fp32"]


def train_three_steps(recipe: str, channels_last: bool) -> tuple[list[float], dict]:
    torch.manual_seed(0)
    cfg = load_config(recipe, [*SMALL, f"train.channels_last={str(channels_last).lower()}"])
    images = torch.randint(0, 256, (32, 1, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(1))
    data = ImageData(images, torch.arange(32) % 10, [str(k) for k in range(10)], "synthetic")
    method = build_method(cfg, DataInfo((1, 28, 28), data.class_names), torch.device("cpu"))
    stream = BatchStream(data, cfg.train.batch_size, channels_last=cfg.train.channels_last, seed=0)
    losses = []
    for _ in range(3):
        logs = method.train_step(stream.next(cfg.train.batch_size * method.batches_per_step))
        losses += [float(logs["loss_d"]), float(logs["loss_g"])]
    return losses, method.generator.state_dict()


@pytest.mark.parametrize("recipe", ["mnist-dcgan", "mnist-cgan"])
def test_channels_last_trains_the_same_weights(recipe):
    nchw_losses, nchw_weights = train_three_steps(recipe, False)
    cl_losses, cl_weights = train_three_steps(recipe, True)
    assert cl_losses == pytest.approx(nchw_losses, rel=1e-4)
    for name, weight in nchw_weights.items():
        torch.testing.assert_close(cl_weights[name].contiguous(), weight.contiguous(), rtol=1e-4, atol=1e-5,
                                   msg=lambda m: f"{recipe} {name}: {m}")
