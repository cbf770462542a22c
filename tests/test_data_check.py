import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.cli import main
from ganforge.config import DataConfig
from ganforge.data import load_dataset
from ganforge.data.check import KINDS, check_files

NAME = "{}_{}_0_20170104222023516.jpg"  # UTKFace: age, gender, race, datetime


def photo(seed: int, size=(48, 48)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)


def make_bad_folder(root: Path) -> dict[str, str]:
    """Six good colour images and one file of each bad kind; returns kind -> file name."""
    root.mkdir(parents=True)
    for k in range(6):
        Image.fromarray(photo(k)).save(root / NAME.format(20 + k, k % 2))
    bad = {kind: NAME.format(50 + k, 0) for k, kind in enumerate(KINDS)}
    bad["label"] = "61_1_20170109142408075.jpg.chip.jpg"  # race field missing
    Image.fromarray(photo(10)).save(root / bad["truncated"])
    data = (root / bad["truncated"]).read_bytes()
    (root / bad["truncated"]).write_bytes(data[: len(data) // 2])
    (root / bad["not-an-image"]).write_text("this is a text file, not a JPEG\n")
    (root / bad["zero-byte"]).write_bytes(b"")
    bad["unreadable"] = bad["unreadable"].replace(".jpg", ".png")
    Image.fromarray(photo(9)).save(root / bad["unreadable"])
    data = bytearray((root / bad["unreadable"]).read_bytes())
    start = data.find(b"IDAT") + 10
    data[start: start + 20] = b"\xff" * 20  # a valid header over corrupt pixel data
    (root / bad["unreadable"]).write_bytes(bytes(data))
    Image.fromarray(photo(11)).convert("CMYK").save(root / bad["cmyk"])
    bad["16-bit"] = bad["16-bit"].replace(".jpg", ".png")
    write_png16(root / bad["16-bit"], (photo(12).astype(np.uint16) * 257))
    bad["alpha"] = bad["alpha"].replace(".jpg", ".png")
    Image.fromarray(photo(13)).convert("RGBA").save(root / bad["alpha"])
    Image.fromarray(photo(14)).convert("L").save(root / bad["greyscale"])
    Image.fromarray(photo(15, (12, 12))).save(root / bad["too-small"])
    Image.fromarray(photo(16, (150, 40))).save(root / bad["aspect"])
    shutil.copy(root / NAME.format(20, 0), root / bad["duplicate"])
    Image.fromarray(photo(17)).save(root / bad["label"])
    return bad


def write_png16(path: Path, rgb16: np.ndarray) -> None:
    """A 16-bit RGB PNG written by hand (Pillow cannot write one)."""
    import struct
    import zlib
    height, width, _ = rgb16.shape
    rows = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in rgb16)

    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def bad_folder(tmp_path):
    root = tmp_path / "faces"
    return root, make_bad_folder(root)


def test_check_finds_each_bad_kind_and_nothing_else(bad_folder):
    root, bad = bad_folder
    files = sorted(root.iterdir())
    from ganforge.data.filename_labels import filename_labels
    labels, _ = filename_labels(files, "utkface-gender")
    report = check_files(files, min_size=32, max_aspect=2.5, labels=labels)
    found = {finding.kind: finding.path.name for finding in report.findings}
    assert found == bad
    assert report.counts() == {kind: 1 for kind in KINDS}
    assert len(files) - len(report.bad_files) == 6


def test_cli_lists_every_file_with_counts_and_fixes(bad_folder, capsys):
    root, bad = bad_folder
    with pytest.raises(SystemExit) as exit_code:
        main(["data", "check", str(root), "--label-pattern", "utkface-gender", "--size", "64"])
    out = capsys.readouterr().out
    assert exit_code.value.code == 1
    assert f"checked {6 + len(KINDS)} images" in out and f"{len(KINDS)} with problems" in out
    for kind, name in bad.items():
        assert f"{kind}: 1 file" in out and name in out and KINDS[kind].fix in out
    assert "classes: female 3, male 3" in out


def test_clean_folder_passes(image_folder, capsys):
    assert main(["data", "check", str(image_folder), "--size", "32"]) == 0
    out = capsys.readouterr().out
    assert "24 fine, 0 with problems" in out and "classes: circle 12, square 12" in out


def listed_files(out: str) -> set[str]:
    """The files `data check` lists under its problem kinds (not under `ignored`)."""
    names, section = set(), None
    for line in out.splitlines():
        if line and not line.startswith(" "):
            section = line.split(":")[0]
        elif line.startswith("  /") and section not in ("ignored", "labels"):
            names.add(line.strip().split("  (")[0])
    return names


def test_a_mixed_folder_gets_the_same_verdict_from_check_and_training(image_folder, capsys):
    """Top-level images beside one class folder: training (labels=auto) uses no labels and skips only truly bad
    files; data check lists exactly those, says why there are no labels, and names the files it never reads."""
    loose = image_folder.parent / "mixed"
    loose.mkdir()
    for k in range(12):
        Image.fromarray(photo(k)).save(loose / f"top_{k:02d}.png")
    shutil.copytree(image_folder / "circle", loose / "circle")
    Image.fromarray(photo(20)).convert("RGBA").save(loose / "top_alpha.png")
    shutil.copy(loose / "top_03.png", loose / "top_03 copy.png")
    Image.fromarray(photo(21, (10, 10))).save(loose / "circle" / "tiny.png")
    Image.fromarray(photo(22)).save(loose / "frame.gif")  # read: the first frame, converted
    Image.fromarray(photo(23)).save(loose / "scan.tif")
    (loose / "README").write_text("no suffix")
    (loose / "notes.txt").write_text("not an image")
    with pytest.raises(SystemExit):
        main(["data", "check", str(loose), "--size", "32"])
    out = capsys.readouterr().out
    said = []
    data = load_dataset(DataConfig(name="folder", root=str(loose), image_size=32, channels=3, cache=False),
                        announce=said.append)
    skipped = {line.split("warning: skipping ")[1].split(": ")[0] for line in said if "warning: skipping" in line}
    assert listed_files(out) == skipped == {str(loose / n) for n in ("top_alpha.png", "top_03 copy.png",
                                                                      "circle/tiny.png")}
    assert "(of top_03.png)" in out  # the copy is named the copy, not the original
    assert f"training would skip these {len(skipped)} files" in out
    assert data.labels is None and len(data) == 12 + 12 + 2
    assert "checked 29 images" in out and "no labels: 16 images" in out
    assert "ignored: 2 files" in out and str(loose / "README") in out and str(loose / "notes.txt") in out
    assert any("ignored 2 files" in line and "README" in line for line in said)


def test_a_file_where_a_folder_belongs_is_named_as_such(image_folder, capsys):
    assert main(["data", "check", str(image_folder / "circle" / "000.png")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_training_skips_the_same_files_with_one_line_each(bad_folder):
    root, bad = bad_folder
    said = []
    data = load_dataset(DataConfig(name="folder", root=str(root), image_size=64, channels=3, labels="filename",
                                   label_pattern="utkface-gender"), announce=said.append)
    assert len(data) == 6 and data.labels.tolist() == [1, 0, 1, 0, 1, 0]
    skipped = [line for line in said if line.startswith("warning: skipping")]
    assert len(skipped) == len(KINDS)
    for name in bad.values():
        assert sum(name in line.split(": ")[1] for line in skipped) == 1
    assert any("skipped 12 of 18 files" in line for line in said)
