"""Discriminator regularisers beyond the losses: R1 (Mescheder et al. 2018)."""
import torch


def r1_penalty(real_scores: torch.Tensor, real_inputs: torch.Tensor) -> torch.Tensor:
    """E||grad_x D(x)||^2 over real images ("Which Training Methods for GANs do actually Converge?", 2018).

    real_inputs must require grad and be what D scored; the graph is kept so the penalty trains D.
    """
    (grad,) = torch.autograd.grad(real_scores.float().sum(), real_inputs, create_graph=True)
    return grad.float().flatten(1).pow(2).sum(1).mean()
