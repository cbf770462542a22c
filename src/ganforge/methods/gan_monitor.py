"""What the textbooks plot while a GAN trains: D(x), D(G(z)) and how often D tells real from fake.

All values stay tensors (no sync per step); the loop averages them over its logging window.
"""
import torch

from .gan_losses import LOGIT_LOSSES

# The score above which D calls an image real: logits and critic values at 0, LSGAN's targets (1 / 0) at 0.5.
THRESHOLDS = {"lsgan": 0.5}


def discriminator_stats(loss: str, real: torch.Tensor, fake: torch.Tensor) -> dict[str, torch.Tensor]:
    """Means over the batch of D's raw scores (score_*), for logit losses D's probabilities d_real = D(x) and
    d_fake = D(G(z)) (0.5 each at the textbook equilibrium), and D's accuracy on real and on fake images."""
    threshold = THRESHOLDS.get(loss, 0.0)
    stats = {"score_real": real.mean(), "score_fake": fake.mean()}
    if loss in LOGIT_LOSSES:
        stats.update(d_real=torch.sigmoid(real).mean(), d_fake=torch.sigmoid(fake).mean())
    stats.update(acc_real=(real > threshold).float().mean(), acc_fake=(fake < threshold).float().mean())
    return stats
