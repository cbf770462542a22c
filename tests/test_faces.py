import numpy as np
import pytest
from PIL import Image

pytest.importorskip("cv2", reason="face cropping needs opencv-python-headless")

from ganforge.cli import main
from ganforge.data.faces import crop_faces, crop_folder, detect_faces, square_box


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    data = pytest.importorskip("skimage.data", reason="astronaut() comes with scikit-image (the test extra)")
    return data.astronaut()


def test_cascade_finds_the_astronauts_face(astronaut):
    (x, y, w, h), *others = detect_faces(astronaut)
    assert not others
    # Eileen Collins' face lies around x 180-270, y 70-160 in the 512 x 512 image.
    assert 150 < x + w / 2 < 300 and 60 < y + h / 2 < 180 and 60 < w < 160


def test_no_face_in_a_flat_image():
    assert detect_faces(np.full((256, 256, 3), 128, np.uint8)) == []
    assert crop_faces(np.full((256, 256, 3), 128, np.uint8), 64) == []


def test_square_box_adds_the_margin_and_stays_inside():
    assert square_box((100, 100, 50, 50), 0.2, 400, 300) == (90, 90, 70)
    assert square_box((0, 0, 50, 60), 0.5, 400, 300) == (0, 0, 120)  # shifted right and down into the image
    assert square_box((10, 10, 280, 280), 0.2, 300, 300) == (0, 0, 300)  # shrunk to the image


def test_crop_folder_keeps_sub_folders_and_counts_skips(astronaut, tmp_path):
    photos = tmp_path / "photos"
    (photos / "people").mkdir(parents=True)
    Image.fromarray(astronaut).save(photos / "people" / "astronaut.jpg")
    Image.fromarray(np.hstack([astronaut, astronaut[:, ::-1]])).save(photos / "people" / "two.png")
    Image.fromarray(np.full((200, 300, 3), 90, np.uint8)).save(photos / "wall.png")
    (photos / "broken.jpg").write_bytes(b"")
    summary = crop_folder(photos, tmp_path / "crops", size=48, workers=2)
    assert (summary.read, summary.with_faces, summary.crops) == (4, 2, 2)
    assert summary.skipped == {"no face found": 1, "unreadable (UnidentifiedImageError)": 1}
    assert Image.open(tmp_path / "crops" / "people" / "astronaut.png").size == (48, 48)
    every = crop_folder(photos, tmp_path / "all", size=32, all_faces=True)
    assert every.crops == 3 and (tmp_path / "all" / "people" / "two_face1.png").is_file()


def test_cli_prints_the_summary(astronaut, tmp_path, capsys):
    (tmp_path / "in").mkdir()
    Image.fromarray(astronaut).save(tmp_path / "in" / "a.png")
    Image.fromarray(np.zeros((100, 100, 3), np.uint8)).save(tmp_path / "in" / "b.png")
    assert main(["faces", "crop", str(tmp_path / "in"), str(tmp_path / "out"), "--size", "64", "--margin", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "read 2 images: faces found in 1, wrote 1 crops" in out and "skipped 1: no face found (e.g. b.png)" in out
    assert main(["faces", "crop", str(tmp_path / "in"), str(tmp_path / "in" / "x")]) == 2  # output inside input


@pytest.mark.assets
def test_faces_found_in_utkface_chips(tmp_path):
    from conftest import SHARED
    images = SHARED / "data" / "utkface" / "images"
    if not images.is_dir():
        pytest.skip(f"needs the shared assets: {images} not found (set GANFORGE_SHARED)")
    (tmp_path / "in").mkdir()
    for path in sorted(images.iterdir())[::200]:  # 30 chips, faces filling the frame
        (tmp_path / "in" / path.name).symlink_to(path)
    summary = crop_folder(tmp_path / "in", tmp_path / "out", size=64)
    assert summary.read == 30 and summary.with_faces >= 26
