"""What the metrics' two small classifiers (MNIST digits, a labelled folder's classes) share in training: Adam
with a cosine schedule, and a cross-entropy step on randomly shifted images."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def adam_with_cosine(net: nn.Module, lr: float, steps: int):
    """(Adam, a schedule that takes its rate from lr to 0 along half a cosine over `steps`)."""
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    return opt, torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))


def shifted_step(net: nn.Module, opt, schedule, images: torch.Tensor, labels: torch.Tensor,
                 shift: int) -> torch.Tensor:
    """One step on the images rolled by up to `shift` pixels each way (one random shift per batch); the loss."""
    dx, dy = torch.randint(-shift, shift + 1, (2,)).tolist()
    loss = F.cross_entropy(net(torch.roll(images, (dy, dx), dims=(2, 3)))[0], labels)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    schedule.step()
    return loss
