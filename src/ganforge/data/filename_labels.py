"""Labels parsed from file names with a pattern: a named preset (UTKFace gender, ...) or a regex with a `label` group."""
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GanforgeError
from .attributes import SEPARATOR, combine


@dataclass(frozen=True)
class LabelPattern:
    regex: str  # matched at the start of the file name; the `label` group is the raw label
    names: dict[str, str] = field(default_factory=dict)  # raw label -> class name; empty: the raw label is the name
    example: str = ""
    # Numeric raw labels grouped into ranges: (largest value of the group, its name), ascending.
    bins: tuple[tuple[int, str], ...] = ()

    def describe(self) -> str:
        return f"names like {self.example}" if self.example else f"names matching {self.regex}"


# UTKFace names: <age>_<gender>_<race>_<datetime>.jpg(.chip.jpg); gender 0 = male, 1 = female.
UTKFACE = r"(?P<age>\d{1,3})_(?P<gender>[01])_(?P<race>[0-4])_(?P<datetime>\d{17})\."
PRESETS = {
    "utkface-gender": LabelPattern(UTKFACE.replace("(?P<gender>", "(?P<label>"), {"0": "male", "1": "female"},
                                   "25_1_3_20170104222023516.jpg.chip.jpg"),
    "utkface-race": LabelPattern(UTKFACE.replace("(?P<race>", "(?P<label>"),
                                 {"0": "white", "1": "black", "2": "asian", "3": "indian", "4": "other"},
                                 "25_1_3_20170104222023516.jpg.chip.jpg"),
    # Age groups as the face-ageing literature bins UTKFace: child, teen, young adult, middle age, senior.
    "utkface-age": LabelPattern(UTKFACE.replace("(?P<age>", "(?P<label>"), {}, "25_1_3_20170104222023516.jpg.chip.jpg",
                                bins=((12, "0-12"), (19, "13-19"), (39, "20-39"), (59, "40-59"), (999, "60+"))),
}


def preset_parts(spec: str) -> list[str]:
    """Several presets at once ("utkface-gender,utkface-age"): their names; [] for a single preset or a regex."""
    parts = [p.strip() for p in spec.split(SEPARATOR)]
    return parts if len(parts) > 1 and all(p in PRESETS for p in parts) else []


def attribute_names(spec: str) -> list[str]:
    """What each attribute is called in messages: 'gender', 'age' for the UTKFace presets; 'label' otherwise."""
    return [p.split("-", 1)[-1] for p in preset_parts(spec)] or [spec.split("-", 1)[-1] if spec in PRESETS else "label"]


def label_pattern(spec: str) -> LabelPattern:
    """A preset name, or a regex with a `(?P<label>...)` group (its values become the class names)."""
    if not spec:
        raise GanforgeError("data.labels=filename needs data.label_pattern: a preset "
                            f"({', '.join(PRESETS)}) or a regex with a (?P<label>...) group")
    if spec in PRESETS:
        return PRESETS[spec]
    if preset_parts(spec):  # the presets share their file names: the first describes them
        return PRESETS[preset_parts(spec)[0]]
    try:
        compiled = re.compile(spec)
    except re.error as err:
        raise GanforgeError(f"data.label_pattern '{spec}' is not a valid regex ({err}); "
                            f"or use a preset: {', '.join(PRESETS)}") from None
    if "label" not in compiled.groupindex:
        raise GanforgeError(f"data.label_pattern '{spec}' has no (?P<label>...) group; add one around the label "
                            f"part, or use a preset: {', '.join(PRESETS)}")
    return LabelPattern(spec)


def parse_label(name: str, pattern: LabelPattern) -> str | None:
    """The class name in a file name, or None when the name does not follow the pattern."""
    match = re.match(pattern.regex, name)
    if match is None:
        return None
    raw = match.group("label")
    if pattern.bins:
        return next(name for top, name in pattern.bins if int(raw) <= top)
    if pattern.names:
        return pattern.names.get(raw)
    return raw


def class_names_for(pattern: LabelPattern, found: set[str]) -> list[str]:
    """Every class a preset defines (so a run knows 'female' even if a small folder lacks it), else those found."""
    if pattern.bins:
        return [name for _, name in pattern.bins]
    return sorted(set(pattern.names.values()) if pattern.names else found)


def filename_labels(files: list[Path], spec: str) -> tuple[list[str | None], list[str]]:
    """Per file its class name (None for a malformed name) and the sorted class names.

    Several presets joined by commas label each file with the combination of their values ("female,60+").
    """
    if preset_parts(spec):
        each = [filename_labels(files, part) for part in preset_parts(spec)]
        labels = [None if None in values else SEPARATOR.join(values) for values in zip(*(lab for lab, _ in each))]
        return labels, combine([names for _, names in each])
    pattern = label_pattern(spec)
    labels = [parse_label(f.name, pattern) for f in files]
    return labels, class_names_for(pattern, {label for label in labels if label is not None})
