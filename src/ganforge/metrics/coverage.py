import torch

from .registry import metric


def class_histogram(probs: torch.Tensor) -> torch.Tensor:
    """The share of samples the classifier puts in each class."""
    counts = torch.bincount(probs.argmax(1), minlength=probs.shape[1]).double()
    return counts / counts.sum()


def covered_fraction(histogram: torch.Tensor) -> float:
    """The fraction of classes drawn at least half as often as a uniform share: a generator that draws one
    of k classes scores 1/k (0.1 for digits), one that draws them all about equally 1.0."""
    return float((histogram >= 0.5 / histogram.numel()).double().mean())


@metric("coverage", better="higher", needs="classifier", labels_only=True,
        summary="fraction of the classes drawn at least half their fair share (mode-collapse detector)")
def coverage(ctx) -> dict:
    histogram = class_histogram(ctx.fake_classified[0])
    return {"value": covered_fraction(histogram),
            "histogram": {name: round(float(h), 4) for name, h in zip(ctx.class_names, histogram)},
            "largest_share": round(float(histogram.max()), 4)}
