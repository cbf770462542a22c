import struct

import numpy as np
import pytest
import torch

from ganforge.config import DataConfig
from ganforge.data import BatchStream, load_dataset
from ganforge.data import folder as folder_module
from ganforge.data.image_data import ImageData, to_float, to_uint8
from ganforge.errors import GanforgeError


def test_folder_with_class_subfolders(image_folder):
    data = load_dataset(DataConfig(name="folder", root=str(image_folder), image_size=32, channels=3))
    assert data.images.shape == (24, 3, 32, 32) and data.images.dtype == torch.uint8
    assert data.class_names == ["circle", "square"]
    assert data.labels.tolist() == [0] * 12 + [1] * 12
    grey = load_dataset(DataConfig(name="folder", root=str(image_folder), image_size=28, channels=1, labels="none"))
    assert grey.images.shape == (24, 1, 28, 28) and grey.labels is None


def test_second_load_is_served_from_the_cache(image_folder, monkeypatch):
    cfg = DataConfig(name="folder", root=str(image_folder), image_size=32, channels=3)
    first = load_dataset(cfg)

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded an image although the cache holds the dataset")
    monkeypatch.setattr(folder_module, "decode_image", no_decoding)
    second = load_dataset(cfg)
    assert torch.equal(first.images, second.images)
    # A different transform is a different cache entry, so it must decode.
    with pytest.raises(AssertionError, match="decoded"):
        load_dataset(DataConfig(name="folder", root=str(image_folder), image_size=28, channels=3))


def test_cache_notices_changed_files(image_folder):
    cfg = DataConfig(name="folder", root=str(image_folder), image_size=32, channels=3)
    assert len(load_dataset(cfg)) == 24
    (image_folder / "circle" / "000.png").unlink()
    assert len(load_dataset(cfg)) == 23


@pytest.mark.parametrize("setup,needle", [
    (lambda p: None, "does not exist"),
    (lambda p: p.mkdir(), "no images"),
])
def test_missing_or_empty_folder(tmp_path, setup, needle):
    root = tmp_path / "faces"
    setup(root)
    with pytest.raises(GanforgeError, match=needle):
        load_dataset(DataConfig(name="folder", root=str(root), image_size=32, channels=3))


def test_unreadable_image_is_skipped_with_one_warning_line(image_folder):
    bad = image_folder / "circle" / "broken.png"
    bad.write_bytes(b"not a png")
    said = []
    data = load_dataset(DataConfig(name="folder", root=str(image_folder), image_size=32, channels=3, cache=False),
                        announce=said.append)
    assert len(data) == 24 and data.labels.tolist() == [0] * 12 + [1] * 12
    (line,) = [s for s in said if "broken.png" in s]
    assert line.startswith("warning: skipping") and "not-an-image" in line and "\n" not in line


def test_folder_without_one_usable_image_is_an_error(tmp_path):
    root = tmp_path / "bad"
    root.mkdir()
    (root / "broken.png").write_bytes(b"not a png")
    (root / "empty.jpg").write_bytes(b"")
    with pytest.raises(GanforgeError, match="no usable image"):
        load_dataset(DataConfig(name="folder", root=str(root), image_size=32, channels=3), announce=lambda s: None)


def write_idx(path, array):
    magic = 0x0800 | array.ndim  # 0x08: unsigned bytes, then the number of dimensions
    path.write_bytes(struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
                     + array.astype(np.uint8).tobytes())


def test_mnist_through_torchvision_layout(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for split, n in (("train", 30), ("t10k", 10)):
        write_idx(raw / f"{split}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)))
        write_idx(raw / f"{split}-labels-idx1-ubyte", np.arange(n) % 10)
    data = load_dataset(DataConfig(name="mnist", root=str(tmp_path)))
    assert data.images.shape == (30, 1, 28, 28) and data.labels[:3].tolist() == [0, 1, 2]
    resized = load_dataset(DataConfig(name="mnist", root=str(tmp_path), split="test", image_size=32, channels=3))
    assert resized.images.shape == (10, 3, 32, 32)


def test_missing_mnist_explains_the_fix(tmp_path):
    with pytest.raises(GanforgeError, match="data.download=true"):
        load_dataset(DataConfig(name="mnist", root=str(tmp_path)))


def test_embedded_subset_is_used_and_announced():
    said = []
    data = load_dataset(DataConfig(name="mnist"), announce=said.append)
    assert data.images.shape == (20000, 1, 28, 28)
    assert torch.bincount(data.labels).tolist() == [2000] * 10
    assert "embedded MNIST subset" in said[0] and "GANFORGE_DATA" in said[0]


def test_pixel_scaling_round_trips():
    pixels = torch.arange(256, dtype=torch.uint8)
    scaled = to_float(pixels)
    assert scaled.min() == -1 and scaled.max() == 1
    assert torch.equal(to_uint8(scaled), pixels)


def small_data(n=20):
    return ImageData(torch.arange(n, dtype=torch.uint8).view(n, 1, 1, 1).expand(n, 1, 2, 2).contiguous(),
                     torch.arange(n) % 2, ["a", "b"], "toy")


def test_batches_visit_every_image_once_per_epoch():
    stream = BatchStream(small_data(20), batch_size=5, seed=3)
    seen = torch.cat([stream.next_indices(5) for _ in range(4)])
    assert sorted(seen.tolist()) == list(range(20))
    stream.next_indices(5)
    assert stream.epoch == 1  # the fifth batch starts a new epoch


def test_batch_stream_resumes_exactly():
    a = BatchStream(small_data(20), batch_size=3, seed=1)
    for _ in range(7):
        a.next()
    b = BatchStream(small_data(20), batch_size=3, seed=1)
    b.load_state_dict(a.state_dict())
    for _ in range(10):
        (x1, y1), (x2, y2) = a.next(), b.next()
        assert torch.equal(x1, x2) and torch.equal(y1, y2)


def test_ranks_get_disjoint_shards():
    shards = [BatchStream(small_data(20), batch_size=5, seed=0, rank=r, world_size=2).next_indices(10)
              for r in range(2)]
    assert not set(shards[0].tolist()) & set(shards[1].tolist())
    assert len(set(shards[0].tolist()) | set(shards[1].tolist())) == 20


def test_too_small_dataset_is_refused():
    with pytest.raises(GanforgeError, match="fewer than one batch"):
        BatchStream(small_data(4), batch_size=8)


def test_several_batches_at_once_may_span_epochs():
    """A WGAN warm-up step asks for 100 batches; a small dataset must serve them over several epochs."""
    stream = BatchStream(small_data(24), batch_size=8)
    images, _ = stream.next(batches=5)
    assert images.shape[0] == 40
    assert stream.epoch == 1 and stream.position == 16
    ids = to_uint8(images)[:, 0, 0, 0].tolist()
    assert sorted(ids[:24]) == list(range(24))  # the first epoch is one permutation, each image once
