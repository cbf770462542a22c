from .registry import metric


@metric("conditional_accuracy", better="higher", needs="classifier", mnist_only=True, conditional_only=True,
        summary="conditional runs: the fraction of samples asked for digit k that the classifier reads as k")
def conditional_accuracy(ctx) -> dict:
    asked = ctx.asked_labels
    got = ctx.fake_classified[0].argmax(1)
    per_class = [round(float((got[asked == k] == k).double().mean()), 4) for k in range(int(asked.max()) + 1)]
    return {"value": float((got == asked).double().mean()), "per_class": per_class}
