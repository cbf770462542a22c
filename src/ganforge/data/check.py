"""Find the files that would break or bias training; `ganforge data check` lists them and training skips them."""
import hashlib
import io
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from PIL import Image, UnidentifiedImageError

CHECKS_VERSION = 2  # part of the dataset cache key: a change to the checks rebuilds cached folders


@dataclass(frozen=True)
class Kind:
    name: str
    what: str
    fix: str


KINDS = {kind.name: kind for kind in [
    Kind("zero-byte", "empty file", "delete it, or copy it again from the source"),
    Kind("not-an-image", "not an image, whatever its suffix says", "delete it, or rename it to its real type"),
    Kind("truncated", "image data ends early (an interrupted download or copy)", "copy it again, or delete it"),
    Kind("unreadable", "cannot be opened or decoded", "check its permissions, re-export it, or delete it"),
    Kind("cmyk", "CMYK (print) colours turn wrong when converted naively", "convert it to RGB with its colour profile"),
    Kind("16-bit", "16 bits per channel, clipped when converted naively to 8 bits", "save it as 8-bit"),
    Kind("alpha", "alpha channel: transparent pixels hold arbitrary colours",
         "flatten it onto a background and save it without alpha"),
    Kind("greyscale", "greyscale in a folder of colour images", "remove it, or train in greyscale (data.channels=1)"),
    Kind("too-small", "smaller than the training size: upscaled into a blur", "remove it, or train at a smaller size"),
    Kind("aspect", "extreme aspect ratio: the square centre crop loses most of it", "crop it by hand, or remove it"),
    Kind("duplicate", "same bytes as another file: counted twice, biases the data", "delete the copy"),
    Kind("label", "its label cannot be read", "rename it to the pattern or move it into a class folder, or remove it"),
]}

GREY_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F"}
ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}


@dataclass
class Finding:
    path: Path
    kind: str
    detail: str = ""

    def line(self) -> str:
        """One warning line: the file, what is wrong, and the fix."""
        kind = KINDS[self.kind]
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.path}: {self.kind}{detail}: {kind.what}; {kind.fix}"


@dataclass
class FileFacts:
    """What one read of a file learns: its hash, colour mode, size, and a problem that makes it unusable."""
    path: Path
    digest: Optional[str] = None
    mode: Optional[str] = None
    size: Optional[tuple[int, int]] = None
    problems: list[Finding] = field(default_factory=list)


def png_bit_depth(data: bytes) -> Optional[int]:
    # Pillow opens 16-bit RGB PNGs as 8-bit RGB, so read the IHDR chunk's bit depth ourselves.
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return data[24]
    return None


def inspect_file(path: Path, min_size: int = 0, max_aspect: float = 0.0) -> FileFacts:
    """Read and fully decode one file; every problem it has on its own (not duplicates or greyscale-among-colour)."""
    facts = FileFacts(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        facts.problems.append(Finding(path, "unreadable", err.strerror or str(err)))
        return facts
    if not data:
        facts.problems.append(Finding(path, "zero-byte"))
        return facts
    facts.digest = hashlib.sha1(data).hexdigest()
    try:
        with Image.open(io.BytesIO(data)) as img:
            facts.mode, facts.size = img.mode, img.size
            info = dict(img.info)
            img.load()
    except UnidentifiedImageError:
        facts.problems.append(Finding(path, "not-an-image", f"starts with {data[:8]!r}"))
        return facts
    except Exception as err:  # noqa: BLE001 - whatever a decoder raises, the file cannot be trained on
        kind = "truncated" if "truncated" in str(err).lower() else "unreadable"
        facts.problems.append(Finding(path, kind, str(err)))
        return facts
    mode, (width, height) = facts.mode, facts.size
    if mode == "CMYK":
        facts.problems.append(Finding(path, "cmyk"))
    depth = png_bit_depth(data) or 8
    if depth > 8 or mode in {"I", "I;16", "I;16B", "I;16L", "F"}:
        facts.problems.append(Finding(path, "16-bit", f"{depth}-bit PNG" if depth > 8 else f"mode {mode}"))
    if mode in ALPHA_MODES or "transparency" in info:
        facts.problems.append(Finding(path, "alpha", f"mode {mode}"))
    if min_size and min(width, height) < min_size:
        facts.problems.append(Finding(path, "too-small", f"{width}x{height}, under {min_size} px"))
    if max_aspect and max(width, height) > max_aspect * min(width, height):
        facts.problems.append(Finding(path, "aspect", f"{width}x{height}"))
    return facts


@dataclass
class CheckReport:
    files: list[Path]
    findings: list[Finding]

    @property
    def bad_files(self) -> set[Path]:
        return {finding.path for finding in self.findings}

    def counts(self) -> Counter:
        return Counter(finding.kind for finding in self.findings)


def check_files(files: list[Path], min_size: int = 0, max_aspect: float = 0.0, channels: int = 3,
                labels: Optional[list[Optional[str]]] = None, label_hint: str = "",
                workers: Optional[int] = None) -> CheckReport:
    """Every problem in `files`; `labels` (None per file whose label is unreadable) adds label findings."""
    # Reading and decoding release the GIL, so threads use every core.
    with ThreadPoolExecutor(workers) as pool:
        facts = list(pool.map(lambda f: inspect_file(f, min_size, max_aspect), files))
    findings = [problem for fact in facts for problem in fact.problems]
    readable = [fact for fact in facts if fact.mode is not None and not any(
        p.kind in ("truncated", "unreadable") for p in fact.problems)]
    grey = [fact for fact in readable if fact.mode in GREY_MODES]
    if channels != 1 and len(grey) < len(readable) / 2:
        findings += [Finding(fact.path, "greyscale", f"mode {fact.mode}") for fact in grey]
    same_bytes: dict[str, list[Path]] = {}
    label_of = dict(zip(files, labels)) if labels is not None else {}
    for fact in facts:
        if fact.digest is not None:
            same_bytes.setdefault(fact.digest, []).append(fact.path)
    for group in same_bytes.values():
        # The original is the plainest name: `cat.png`, not `cat copy.png` or `cat (1).png`, though those sort first.
        original = min(group, key=lambda path: len(path.stem))
        for path in group:
            if path != original:
                # The same picture under two labels teaches the model nothing but noise.
                conflict = ", labelled differently" if label_of.get(original) != label_of.get(path) else ""
                findings.append(Finding(path, "duplicate", f"of {original.name}{conflict}"))
    if labels is not None:
        findings += [Finding(f, "label", label_hint) for f, label in zip(files, labels) if label is None]
    order = {path: k for k, path in enumerate(files)}
    findings.sort(key=lambda finding: (list(KINDS).index(finding.kind), order[finding.path]))
    return CheckReport(files, findings)


def skip_lines(report: CheckReport) -> list[str]:
    """One line per bad file, in file order, naming every problem it has and the fix for the first."""
    by_file: dict[Path, list[Finding]] = {}
    for finding in report.findings:
        by_file.setdefault(finding.path, []).append(finding)
    lines = []
    for path in report.files:
        if path in by_file:
            first, *rest = by_file[path]
            also = "".join(f"; also {f.kind}" + (f" ({f.detail})" if f.detail else "") for f in rest)
            lines.append(f"warning: skipping {first.line()}{also}")
    return lines
