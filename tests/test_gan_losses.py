import math

import pytest
import torch
import torch.nn as nn

from ganforge.methods.gan_losses import discriminator_loss, generator_loss, gradient_penalty

REAL = torch.tensor([2.0, 0.0])
FAKE = torch.tensor([-1.0, 1.0])


def softplus(x):
    return math.log1p(math.exp(x))


def test_bce_losses_match_log_sigmoid_formula():
    expected_d = (softplus(-2) + softplus(0)) / 2 + (softplus(-1) + softplus(1)) / 2
    assert discriminator_loss("bce", REAL, FAKE).item() == pytest.approx(expected_d, rel=1e-6)
    # non-saturating G loss: -log sigmoid(score)
    assert generator_loss("bce", FAKE).item() == pytest.approx((softplus(1) + softplus(-1)) / 2, rel=1e-6)
    sig = torch.sigmoid
    reference = nn.BCELoss()(sig(REAL), torch.ones(2)) + nn.BCELoss()(sig(FAKE), torch.zeros(2))
    assert discriminator_loss("bce", REAL, FAKE).item() == pytest.approx(reference.item(), rel=1e-5)


def test_wasserstein_losses():
    assert discriminator_loss("wgan", REAL, FAKE).item() == pytest.approx(0.0 - 1.0)
    assert generator_loss("wgan", FAKE).item() == pytest.approx(0.0)
    assert generator_loss("wgan", torch.tensor([3.0, 1.0])).item() == pytest.approx(-2.0)


def test_lsgan_and_hinge_losses():
    assert discriminator_loss("lsgan", REAL, FAKE).item() == pytest.approx(0.5 * ((1 + 1) / 2 + (1 + 1) / 2))
    assert generator_loss("lsgan", FAKE).item() == pytest.approx(0.5 * (4 + 0) / 2)
    assert discriminator_loss("hinge", REAL, FAKE).item() == pytest.approx((0 + 1) / 2 + (0 + 2) / 2)


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="unknown GAN loss"):
        discriminator_loss("wasserstein", REAL, FAKE)


class LinearCritic(nn.Module):
    """f(x) = w . x: its gradient is w everywhere, so the penalty is (||w|| - 1)^2 exactly."""

    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(w)

    def forward(self, x, labels=None):
        return (x.flatten(1) * self.w).sum(1)


@pytest.mark.parametrize("w,expected", [([3.0, 4.0], 16.0), ([0.6, 0.8], 0.0), ([0.0, 0.5], 0.25)])
def test_gradient_penalty_hand_checked(w, expected):
    critic = LinearCritic(torch.tensor(w))
    real, fake = torch.randn(6, 1, 1, 2), torch.randn(6, 1, 1, 2)
    penalty = gradient_penalty(critic, real, fake)
    assert penalty.item() == pytest.approx(expected, abs=1e-5)
    penalty.backward()  # create_graph: the penalty trains the critic
    if expected > 0:
        assert critic.w.grad.abs().sum() > 0


def test_gradient_penalty_on_a_quadratic_critic():
    # f(x) = ||x||^2 / 2 -> grad = x_hat; with real == fake == x the mix is x itself.
    critic = lambda x, labels=None: 0.5 * x.flatten(1).pow(2).sum(1)  # noqa: E731
    x = torch.tensor([[[[3.0, 4.0]]], [[[0.0, 1.0]]]])
    assert gradient_penalty(critic, x, x).item() == pytest.approx(((5 - 1) ** 2 + 0) / 2)
