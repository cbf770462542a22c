"""Adversarial losses as small functions of the discriminator's raw scores (logits or critic values)."""
import torch
import torch.nn.functional as F

LOSSES = ("bce", "saturating", "wgan", "lsgan", "hinge")
# Losses whose scores are logits of D's probability that an image is real: D(x) = sigmoid(score).
LOGIT_LOSSES = ("bce", "saturating")


def discriminator_loss(kind: str, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return real_side_loss(kind, real) + fake_side_loss(kind, fake)


def real_side_loss(kind: str, real: torch.Tensor) -> torch.Tensor:
    """D's loss on the scores of what it should call real."""
    if kind in LOGIT_LOSSES:  # -log D(x), with D = sigmoid(score)
        return F.softplus(-real).mean()
    if kind == "wgan":  # the critic maximises E[f(x)] - E[f(G(z))]
        return -real.mean()
    if kind == "lsgan":
        return 0.5 * (real - 1).pow(2).mean()
    if kind == "hinge":
        return F.relu(1 - real).mean()
    raise ValueError(f"unknown GAN loss '{kind}': use one of {', '.join(LOSSES)}")


def fake_side_loss(kind: str, fake: torch.Tensor) -> torch.Tensor:
    """D's loss on the scores of what it should call fake (G's images; with model.mismatch, real images paired
    with a wrong label)."""
    if kind in LOGIT_LOSSES:  # -log(1 - D(G(z)))
        return F.softplus(fake).mean()
    if kind == "wgan":
        return fake.mean()
    if kind == "lsgan":
        return 0.5 * fake.pow(2).mean()
    if kind == "hinge":
        return F.relu(1 + fake).mean()
    raise ValueError(f"unknown GAN loss '{kind}': use one of {', '.join(LOSSES)}")


def generator_loss(kind: str, fake: torch.Tensor) -> torch.Tensor:
    """G's loss from D's scores of its fakes.

    `saturating` is the original minimax objective of Goodfellow et al. 2014, "Generative Adversarial Nets":
    G minimises log(1 - D(G(z))) = -softplus(score). Its gradient -sigmoid(score) vanishes where D confidently
    rejects the fakes (early in training), which is why the paper, and `bce` here, has G maximise log D(G(z))
    instead (the non-saturating loss, gradient -(1 - sigmoid(score))): the same fixed point, strong early gradients.
    """
    if kind == "bce":  # non-saturating: -log D(G(z)) instead of log(1 - D(G(z)))
        return F.softplus(-fake).mean()
    if kind == "saturating":  # log(1 - D(G(z))), minimised
        return -F.softplus(fake).mean()
    if kind in ("wgan", "hinge"):
        return -fake.mean()
    if kind == "lsgan":
        return 0.5 * (fake - 1).pow(2).mean()
    raise ValueError(f"unknown GAN loss '{kind}': use one of {', '.join(LOSSES)}")


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
    """Gulrajani et al. 2017: E[(||grad f(x_hat)||_2 - 1)^2] at x_hat uniformly between real and fake."""
    weight = torch.rand(real.shape[0], *([1] * (real.dim() - 1)), device=real.device)
    mixed = (weight * real.detach() + (1 - weight) * fake.detach()).requires_grad_(True)
    scores = critic(mixed, labels)
    (grad,) = torch.autograd.grad(scores.float().sum(), mixed, create_graph=True)
    return (grad.flatten(1).float().norm(2, dim=1) - 1).pow(2).mean()


def target_loss(kind: str, scores: torch.Tensor, real: bool) -> torch.Tensor:
    """pix2pix / CycleGAN form: scores (e.g. a PatchGAN map) against an all-real or all-fake target."""
    if kind == "bce":
        return F.softplus(-scores).mean() if real else F.softplus(scores).mean()
    if kind == "lsgan":  # Mao et al. 2017, as CycleGAN uses it: (D - 1)^2 for real, D^2 for fake
        return (scores - 1).pow(2).mean() if real else scores.pow(2).mean()
    raise ValueError(f"unknown image-to-image GAN loss '{kind}': use bce or lsgan")
