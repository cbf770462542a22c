"""The picture that proves the conditioning: each row keeps one noise vector, each column changes only the label.

For a run with several attributes (gender x age) the columns can instead walk one attribute's values while the
other attributes stay fixed.
"""
import torch

from .data.attributes import SEPARATOR, split_attributes
from .capabilities import is_conditional
from .errors import GanforgeError
from .labels import attribute_names, resolve_label
from .latent import generator_of


def label_columns(class_names: list[str], attribute: str | None = None, fixed: str | None = None,
                  label_pattern: str = "") -> list[str]:
    """The class name of each column: every class; or with `attribute`, its every value combined with `fixed`,
    the other attributes' values in order ('female' for age on a gender x age run; the first values when None)."""
    if attribute is None:
        if fixed is not None:
            raise GanforgeError("a label for the label rows fixes the other attributes: give it with --attribute")
        return list(class_names)
    values, names = split_attributes(class_names), attribute_names(class_names, label_pattern)
    if len(values) < 2:
        raise GanforgeError(f"--attribute needs a run with several attributes; this run has one ({names[0]}): "
                            "leave it out for every class")
    if attribute not in names:
        raise GanforgeError(f"unknown attribute '{attribute}': this run's attributes are {', '.join(names)}")
    chosen = names.index(attribute)
    others = [v for k, v in enumerate(values) if k != chosen]
    if fixed is None:
        kept = [v[0] for v in others]
    else:
        kept = [p.strip() for p in fixed.split(SEPARATOR)]
        if len(kept) != len(others):
            other_names = [n for k, n in enumerate(names) if k != chosen]
            raise GanforgeError(f"--label with --attribute {attribute} fixes the other attributes "
                                f"({', '.join(other_names)}): give {len(others)} value(s), e.g. "
                                f"{SEPARATOR.join(v[0] for v in others)}")
    columns = []
    for value in values[chosen]:
        parts = [*kept[:chosen], value, *kept[chosen:]]
        columns.append(SEPARATOR.join(parts))
    for column in columns:  # one line naming the bad value, if any
        resolve_label(column, class_names, label_pattern)
    return columns


def label_rows(method, columns: list[int], rows: int = 8, seed: int = 0) -> torch.Tensor:
    """rows x len(columns) x C x H x W images: row r is the noise of seed's r-th draw, column c the class
    columns[c]; only the label changes along a row."""
    generator_of(method, "label rows")
    if not is_conditional(method):
        raise GanforgeError("label rows need a conditional run (model.conditional=true): an unconditional "
                            "generator has no label to change")
    if rows < 1:
        raise GanforgeError(f"label rows: give at least 1 row, not {rows}")
    noise = method.noise(rows, torch.Generator().manual_seed(seed)).cpu()
    labels = torch.as_tensor(columns, dtype=torch.long).repeat(rows)
    images = method.generate(noise.repeat_interleave(len(columns), 0), labels)
    return images.view(rows, len(columns), *images.shape[1:])
