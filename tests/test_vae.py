import math

import pytest
import torch

from ganforge import train
from ganforge.checkpoint import load_checkpoint
from ganforge.config import load_config
from ganforge.data import ImageData
from ganforge.errors import GanforgeError
from ganforge.methods.base import DataInfo
from ganforge.methods.factory import build_method
from ganforge.methods.vae import VAE, bernoulli_nll, bits_per_dim, kl_divergence, reparameterize
from ganforge.run_log import held_out_rows
from test_resume import assert_same_state

# A tiny VAE on the 40x40 -> 32x32 synthetic shapes: seconds per test.
VAE_TINY = ["model.mlp_hidden=[32]", "model.features=8", "train.batch_size=8", "train.progress=false",
            "train.tensorboard=false", "data.image_size=32", "data.channels=3", "train.precision=fp32",
            "train.channels_last=false"]


def tiny_vae(*overrides, shape=(1, 8, 8)) -> VAE:
    cfg = load_config("mnist-vae", ["model.mlp_hidden=[64]", *overrides])
    return build_method(cfg, DataInfo(shape, []), torch.device("cpu"))


def test_kl_matches_its_closed_form():
    mean = torch.tensor([[0.0, 0.0], [1.0, 2.0]])
    log_var = torch.tensor([[0.0, 0.0], [math.log(4.0), 0.0]])
    # 0.5 * (mu^2 + sigma^2 - 1 - log sigma^2) per dimension: 0 for N(0, 1); (1 + 4 - 1 - log 4) / 2 + 4 / 2
    expected = torch.tensor([0.0, 0.5 * (4 - math.log(4.0)) + 2.0])
    assert torch.allclose(kl_divergence(mean, log_var), expected)
    q = torch.distributions.Normal(mean, (0.5 * log_var).exp())
    reference = torch.distributions.kl_divergence(q, torch.distributions.Normal(0.0, 1.0)).sum(1)
    assert torch.allclose(kl_divergence(mean, log_var), reference)


def test_reparameterisation_passes_gradients_to_mean_and_variance():
    mean = torch.tensor([[0.5, -1.0]], requires_grad=True)
    log_var = torch.tensor([[0.0, math.log(0.25)]], requires_grad=True)
    z = reparameterize(mean, log_var, torch.Generator().manual_seed(3))
    eps = torch.randn(1, 2, generator=torch.Generator().manual_seed(3))
    assert torch.allclose(z, mean + torch.tensor([[1.0, 0.5]]) * eps)
    z.sum().backward()
    assert torch.equal(mean.grad, torch.ones(1, 2))
    # dz/dlog_var = 0.5 * sigma * eps
    assert torch.allclose(log_var.grad, 0.5 * torch.tensor([[1.0, 0.5]]) * eps)


def test_bernoulli_likelihood_reads_pixels_in_minus_one_one_as_probabilities():
    images = torch.tensor([[[[-1.0, 1.0], [0.0, 1.0]]]])
    logits = torch.tensor([[[[-2.0, 3.0], [0.0, 0.5]]]])
    p = torch.sigmoid(logits).flatten()
    x = torch.tensor([0.0, 1.0, 0.5, 1.0])
    expected = -(x * p.log() + (1 - x) * (1 - p).log()).sum()
    assert torch.allclose(bernoulli_nll(logits, images), expected.view(1))
    assert bits_per_dim(784 * math.log(2), 784) == pytest.approx(1.0)


def test_elbo_improves_on_a_toy_dataset():
    """Two 8x8 patterns with noise: after training, the held-out bound must be far better than at the start."""
    torch.manual_seed(0)
    patterns = torch.zeros(2, 1, 8, 8)
    patterns[0, :, :, :4], patterns[1, :, :4, :] = 1, 1

    def batch(n):
        images = patterns[torch.randint(0, 2, (n,))] * 255
        return images.add(torch.randint(0, 30, images.shape)).clamp(0, 255).to(torch.uint8)
    vae = tiny_vae("model.latent_dim=2", "model.lr=3e-3")
    held_out = ImageData(batch(200))
    before = vae.evaluate(held_out)
    for _ in range(300):
        images = batch(32).float().div(127.5).sub(1)
        logs = vae.train_step((images, None))
    after = vae.evaluate(held_out)
    assert set(logs) == {"neg_elbo", "reconstruction", "kl"}
    assert after["neg_elbo_nats"] < 0.6 * before["neg_elbo_nats"]
    assert after["neg_elbo_nats"] == pytest.approx(after["reconstruction_nats"] + after["kl_nats"])
    assert after["bits_per_dim"] == pytest.approx(after["neg_elbo_nats"] / (64 * math.log(2)))
    assert after["kl_nats"] > 0.5  # the latent is used, not collapsed to the prior


@pytest.mark.parametrize("architecture,shape", [("mlp", (1, 28, 28)), ("conv", (1, 28, 28)), ("conv", (3, 32, 32)),
                                                ("conv", (3, 64, 64))])
def test_any_latent_size_and_image_shape(architecture, shape):
    vae = tiny_vae(f"model.architecture={architecture}", "model.latent_dim=5", "model.features=4", shape=shape)
    images = torch.rand(4, *shape) * 2 - 1
    logs = vae.train_step((images, None))
    assert torch.isfinite(logs["neg_elbo"])
    mean, log_var = vae.encode(images)
    assert mean.shape == log_var.shape == (4, 5)
    samples = vae.sample(3, seed=1)
    assert samples.shape == (3, *shape) and samples.min() >= -1 and samples.max() <= 1
    assert torch.equal(samples, vae.sample(3, seed=1))
    assert vae.reconstruct(images).shape == images.shape


def test_bad_architecture_is_a_user_error():
    with pytest.raises(GanforgeError, match="model.architecture 'resnet'"):
        tiny_vae("model.architecture=resnet")
    with pytest.raises(GanforgeError, match="data.image_size"):
        tiny_vae("model.architecture=conv", shape=(1, 30, 30))


def read_eval(run_dir):
    return held_out_rows(run_dir)


def test_loop_logs_the_held_out_bound_every_epoch(image_folder, tmp_path):
    # 24 images in batches of 8: 3 steps an epoch, so evaluations at steps 3 and 6, and at the end (7).
    run_dir = train("mnist-vae", [*VAE_TINY, "data.name=folder", f"data.root={image_folder}",
                                  f"train.out_dir={tmp_path}", "train.log_every=1"], steps=7, announce=lambda *a: None)
    rows = read_eval(run_dir)
    assert [r["step"] for r in rows] == [3, 6, 7]
    assert rows[0]["epoch"] == 1.0 and "shapes" in rows[0]["data"]
    assert rows[-1]["neg_elbo_nats"] < rows[0]["neg_elbo_nats"]
    # Each score is written once: one line of metrics.jsonl per score and evaluation, no eval.jsonl.
    assert not (run_dir / "eval.jsonl").exists()
    assert len((run_dir / "metrics.jsonl").read_text().splitlines()) == 3 * 4
    header = (run_dir / "metrics.csv").read_text().splitlines()[0]
    # Training columns first; the held-out scores join the CSV as val_* columns when first logged.
    assert header.startswith("step,epoch,time_s,images_per_s,neg_elbo,reconstruction,kl,")
    assert "val_neg_elbo_nats" in header.split(",")


def test_vae_resume_is_exact_and_keeps_each_evaluation_once(image_folder, tmp_path):
    overrides = [*VAE_TINY, "model.architecture=conv", "data.name=folder", f"data.root={image_folder}",
                 "train.checkpoint_every=1000", "train.sample_every=1000"]
    straight = train("mnist-vae", [*overrides, f"train.out_dir={tmp_path / 'a'}"], steps=8, announce=lambda *a: None)
    halfway = train("mnist-vae", [*overrides, f"train.out_dir={tmp_path / 'b'}"], steps=4, announce=lambda *a: None)
    resumed = train(resume=halfway, steps=8, announce=lambda *a: None)
    assert_same_state(load_checkpoint(straight)["method"], load_checkpoint(resumed)["method"])
    assert [r["step"] for r in read_eval(resumed)] == [3, 4, 6, 8]
    assert read_eval(resumed)[-1]["neg_elbo_nats"] == pytest.approx(read_eval(straight)[-1]["neg_elbo_nats"])


def test_gan_runs_write_no_evaluation(image_folder, tmp_path):
    from conftest import TINY
    run_dir = train("mnist-dcgan", [*TINY, "data.name=folder", f"data.root={image_folder}",
                                    f"train.out_dir={tmp_path}"], steps=3, announce=lambda *a: None)
    assert held_out_rows(run_dir) == [] and not (run_dir / "metrics.jsonl").exists()
