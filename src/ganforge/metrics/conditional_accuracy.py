from ..data.attributes import attribute_indices, split_attributes
from .label_classifier import attribute_names, attribute_probabilities
from .registry import metric


def accuracy(got, asked) -> float:
    return round(float((got == asked).double().mean()), 4) if len(asked) else float("nan")


@metric("conditional_accuracy", better="higher", needs="classifier", labels_only=True, conditional_only=True,
        summary="conditional runs: the fraction of samples asked for class k that the classifier reads as k "
                "(and, for several attributes, each attribute's as conditional_accuracy/<attribute>)")
def conditional_accuracy(ctx) -> dict:
    asked, probs, names = ctx.asked_labels, ctx.fake_classified[0], ctx.class_names
    got = probs.argmax(1)
    result = {"value": float((got == asked).double().mean()),
              "per_class": {name: accuracy(got[asked == k], asked[asked == k]) for k, name in enumerate(names)}}
    values = split_attributes(names)
    if len(values) > 1:  # several attributes: each read from its marginal, e.g. "female" whatever the age
        parts = {}
        for attribute, wanted, p, vals in zip(attribute_names(names), attribute_indices(asked, names),
                                              attribute_probabilities(probs, names), values):
            read = p.argmax(1)
            parts[attribute] = {"value": float((read == wanted).double().mean()), "attribute": attribute,
                                "per_value": {v: accuracy(read[wanted == j], wanted[wanted == j])
                                              for j, v in enumerate(vals)}}
        result["parts"] = parts
    return result
