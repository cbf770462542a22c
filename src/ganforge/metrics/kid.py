from .frechet import kernel_distance
from .registry import metric


@metric("kid", better="lower", needs="inception",
        summary="Kernel Inception Distance (unbiased; mean over 100 subsets of 1000, std alongside)")
def kid(ctx) -> dict:
    mean, std, subset_size = kernel_distance(ctx.real_inception, ctx.fake_inception, seed=ctx.settings.seed)
    return {"value": mean, "std": std, "subsets": 100, "subset_size": subset_size}
