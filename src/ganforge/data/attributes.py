"""Several labels at once (e.g. gender x age group): one combined class per combination of attribute values.

A run conditioned on several attributes keeps one label per image, the index of its combination, so sampling,
grids and metrics work as for one attribute; the class names join the values with a comma ("female,60+"), in
the product order of the attributes, and the networks give each attribute its own embedding.
"""
import math
from itertools import product

SEPARATOR = ","


def combine(values_per_attribute: list[list[str]]) -> list[str]:
    """Every combination, the first attribute slowest: [[m, f], [a, b]] -> [m,a  m,b  f,a  f,b]."""
    return [SEPARATOR.join(combo) for combo in product(*values_per_attribute)]


def split_attributes(class_names: list[str]) -> list[list[str]]:
    """Each attribute's values, in order, from combined class names; [class_names] for a single attribute."""
    if not class_names or SEPARATOR not in class_names[0]:
        return [list(class_names)]
    parts = [name.split(SEPARATOR) for name in class_names]
    if len({len(p) for p in parts}) != 1:
        return [list(class_names)]
    values = [list(dict.fromkeys(p[i] for p in parts)) for i in range(len(parts[0]))]
    return values if combine(values) == list(class_names) else [list(class_names)]


def attribute_sizes(class_names: list[str]) -> list[int]:
    return [len(v) for v in split_attributes(class_names)]


def attribute_values(labels, sizes: list[int]) -> list:
    """Per attribute, the value index of each combined label, given the attributes' sizes (the first slowest);
    works on ints and integer tensors."""
    return [(labels // math.prod(sizes[k + 1:])) % size for k, size in enumerate(sizes)]


def attribute_indices(labels, class_names: list[str]) -> list:
    """Per attribute, the value index of each combined label (works on ints and integer tensors)."""
    return attribute_values(labels, attribute_sizes(class_names))
