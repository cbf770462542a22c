import torch

from .registry import metric


def inception_style_score(probs: torch.Tensor) -> float:
    """exp(E_x KL(p(y|x) || p(y))): 1 for one blurry class, up to the number of classes for confident and
    balanced samples (the Inception Score, with the data's own classifier in place of Inception)."""
    probs = probs.double().clamp_min(1e-12)
    marginal = probs.mean(0, keepdim=True)
    return float((probs * (probs.log() - marginal.log())).sum(1).mean().exp())


@metric("class_score", better="higher", needs="classifier", labels_only=True,
        summary="Inception-Score-style exp(E KL(p(y|x) || p(y))) with the data's classifier; the class count at best")
def class_score(ctx) -> dict:
    return {"value": inception_style_score(ctx.fake_classified[0]),
            "real_data_value": inception_style_score(ctx.real_classified[0])}
