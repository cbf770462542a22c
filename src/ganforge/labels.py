"""A class chosen by the user for a conditional run: by name ('female'), by combined name for several attributes
('female,60+', spaces allowed) or by index; every mistake is one line that lists what would work."""
from .data.attributes import SEPARATOR, split_attributes
from .data.filename_labels import attribute_names as pattern_attribute_names
from .errors import GanforgeError


def attribute_names(class_names: list[str], label_pattern: str = "") -> list[str]:
    """What each attribute of a run is called ('gender', 'age' for the UTKFace presets), else generic names."""
    count = len(split_attributes(class_names))
    names = pattern_attribute_names(label_pattern) if label_pattern else []
    if len(names) == count and (count == 1 or "label" not in names):
        return names
    return ["label"] if count == 1 else [f"attribute {k + 1}" for k in range(count)]


def example_label(class_names: list[str]) -> str:
    """A valid combined label to show in messages: the first value of the first attribute, the last of the rest
    ('female,60+')."""
    values = split_attributes(class_names)
    return SEPARATOR.join([values[0][0], *(v[-1] for v in values[1:])])


def resolve_label(label: int | str, class_names: list[str], label_pattern: str = "", where: str = "this run") -> int:
    """The class index of `label` among `class_names`; raises GanforgeError with the valid values otherwise."""
    values = split_attributes(class_names)
    text = str(label).strip()
    if len(values) == 1:
        if text in class_names:
            return class_names.index(text)
        if isinstance(label, int) or text.isdigit():
            if 0 <= int(text) < len(class_names):
                return int(text)
        raise GanforgeError(f"unknown label '{label}' for {where}; its labels are: {', '.join(class_names)}")
    names = attribute_names(class_names, label_pattern)
    parts = [p.strip() for p in text.split(SEPARATOR)]
    if len(parts) != len(values):
        raise GanforgeError(f"{where} has {len(values)} attributes ({', '.join(names)}): give one value of each, "
                            f"in that order, e.g. {example_label(class_names)} (not '{label}')")
    for name, value, allowed in zip(names, parts, values):
        if value not in allowed:
            listed = "; ".join(f"{n}: {', '.join(v)}" for n, v in zip(names, values))
            raise GanforgeError(f"unknown {name} '{value}' in label '{label}' for {where}; give the values in the "
                                f"order {', '.join(names)} ({listed})")
    return class_names.index(SEPARATOR.join(parts))
