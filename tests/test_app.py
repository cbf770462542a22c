"""The web app's tab functions, called directly (no browser)."""
import json
import os
import socket
import time

import numpy as np
import pytest
import torch
from PIL import Image

from ganforge.app import explore, generate, translate, watch
from ganforge.app.images import grid_image, open_upload
from ganforge.app.runs import RunCache, choices, table
from ganforge.errors import GanforgeError
from ganforge.latent import truncated_noise
from ganforge.run_index import check_run, find_runs
from tiny_runs import train_tiny


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("app") / "runs"
    train_tiny("mnist-dcgan", out)
    train_tiny("mnist-cgan", out)
    train_tiny("mnist-vae", out)
    return out


@pytest.fixture(scope="module")
def cache():
    return RunCache()


def run_of(runs_dir, recipe):
    (path,) = [r.path for r in find_runs(runs_dir) if r.recipe == recipe]
    return path


def test_runs_are_listed_with_recipe_steps_and_metric(runs_dir, tmp_path):
    runs = find_runs(runs_dir)
    assert sorted(r.recipe for r in runs) == ["mnist-cgan", "mnist-dcgan", "mnist-vae"]
    assert all(r.step == 4 and r.has_checkpoint for r in runs)
    vae = next(r for r in runs if r.method == "vae")
    assert vae.best_metric.startswith("neg_elbo_nats ")
    assert next(r for r in runs if r.recipe == "mnist-dcgan").best_metric == "-"
    rows = table(runs)
    assert len(rows) == 3 and rows[0][-1] == str(runs[0].path)
    assert [label for label, _ in choices(runs, "vae")] == [vae.label]
    assert len(choices(runs, "generative")) == 3 and choices(runs, "image") == []
    # A run folder given directly is listed on its own.
    assert [r.path for r in find_runs(vae.path)] == [vae.path]


def test_folders_that_are_not_runs_get_a_clear_error(tmp_path):
    (tmp_path / "holiday").mkdir()
    (tmp_path / "holiday" / "beach.jpg").write_bytes(b"jpeg")
    with pytest.raises(GanforgeError, match="is not a ganforge run"):
        check_run(tmp_path / "holiday")
    with pytest.raises(GanforgeError, match="does not exist"):
        check_run(tmp_path / "nowhere")
    with pytest.raises(GanforgeError, match="is not a folder"):
        find_runs(tmp_path / "holiday" / "beach.jpg")
    assert find_runs(tmp_path) == []


def test_generate_grid_png_and_labels(runs_dir, cache, tmp_path):
    trained = cache.get(run_of(runs_dir, "mnist-cgan"))
    shown, png, caption = generate.generate(trained, 9, seed=3, label="square", out_dir=tmp_path)
    # 3 x 3 images of 32 px with 2 px padding, enlarged by a whole factor to at least 480 px.
    assert shown.size == (104 * 5, 104 * 5) and Image.open(png).size == (104, 104)
    assert "square" in caption and "seed 3" in caption
    # Same seed and label as the API's sample: the same images.
    expected = trained.sample(9, label="square", seed=3)
    again, _, _ = generate.generate(trained, 9, seed=3, label="1", out_dir=tmp_path)
    assert np.array_equal(np.asarray(again), np.asarray(grid_image(expected, 3)))
    with pytest.raises(GanforgeError, match="unknown label 'triangle'.*circle, square"):
        generate.generate(trained, 4, label="triangle", out_dir=tmp_path)
    with pytest.raises(GanforgeError, match="number of images"):
        generate.generate(trained, 0, out_dir=tmp_path)
    dcgan = cache.get(run_of(runs_dir, "mnist-dcgan"))
    with pytest.raises(GanforgeError, match="not conditional"):
        generate.generate(dcgan, 4, label="3", out_dir=tmp_path)


def test_truncation_and_temperature_shape_the_latent(runs_dir, cache):
    method = cache.get(run_of(runs_dir, "mnist-dcgan")).method
    plain = truncated_noise(method, 200, seed=1)
    assert torch.equal(plain, method.noise(200, torch.Generator().manual_seed(1)))
    truncated = truncated_noise(method, 200, seed=1, truncation=0.5)
    assert truncated.abs().max() <= 0.5 and truncated.std() < 0.5 * plain.std()
    assert torch.allclose(truncated_noise(method, 200, seed=1, temperature=0.5), plain * 0.5)
    with pytest.raises(GanforgeError, match="temperature"):
        truncated_noise(method, 4, seed=0, temperature=0)


def test_interpolation_slider_hits_both_seeds(runs_dir, cache):
    trained = cache.get(run_of(runs_dir, "mnist-dcgan"))
    start, strip = explore.interpolation(trained, 5, 9, t=0.0, steps=6)
    end, _ = explore.interpolation(trained, 5, 9, t=1.0, steps=6)
    assert strip.size[0] > strip.size[1] * 5  # one row of six images
    assert np.array_equal(np.asarray(start), np.asarray(grid_image(trained.sample(1, seed=5), 1, 256)))
    assert np.array_equal(np.asarray(end), np.asarray(grid_image(trained.sample(1, seed=9), 1, 256)))
    middle, _ = explore.interpolation(trained, 5, 9, t=0.5, steps=6, spherical=True)
    assert not np.array_equal(np.asarray(middle), np.asarray(start))
    with pytest.raises(GanforgeError, match="between 0 and 1"):
        explore.interpolation(trained, 5, 9, t=1.5)


def test_walk_and_conditional_walk(runs_dir, cache):
    grid = explore.walk_grid(cache.get(run_of(runs_dir, "mnist-dcgan")), rows=2, span=1.0, step_size=0.5)
    # Five images per row (-1, -0.5, 0, 0.5, 1), two rows, enlarged by 3 (5 * 34 + 2 = 172 px -> 516).
    assert grid.size == (172 * 3, 70 * 3)
    cgan = cache.get(run_of(runs_dir, "mnist-cgan"))
    assert explore.walk_grid(cgan, rows=1, span=1.0, step_size=1.0, dimension=2, label="circle").size[0] > 0
    with pytest.raises(GanforgeError, match="outside the latent"):
        explore.walk_grid(cgan, rows=1, dimension=500)


def test_vae_manifold_and_scatter(runs_dir, cache, tmp_path):
    vae = cache.get(run_of(runs_dir, "mnist-vae"))
    grid = explore.vae_manifold(vae, size=4)
    assert grid.size[0] == grid.size[1] >= 480
    scatter = explore.vae_scatter(vae, n=20, out_dir=tmp_path)
    assert Image.open(scatter).size == (600, 600)
    with pytest.raises(GanforgeError, match="no encoder"):
        explore.vae_manifold(cache.get(run_of(runs_dir, "mnist-dcgan")))


def test_watch_shows_curves_samples_and_state(runs_dir, tmp_path):
    run = run_of(runs_dir, "mnist-cgan")
    # As this process would mark it while training: alive PID, fresh heartbeat.
    mark = {"pid": os.getpid(), "host": socket.gethostname(), "heartbeat": time.time(), "step": 4, "total": 10,
            "time_left_s": 125.0}
    (run / "running.json").write_text(json.dumps(mark))
    try:
        curves, samples, status = watch.watch(run, tmp_path)
        listed = {r.path: r for r in find_runs(runs_dir)}[run]
    finally:
        (run / "running.json").unlink()
    assert curves.size[0] > 300 and samples.size == Image.open(run / "samples.png").size
    assert "training, step 4/10, 2m05s left" in status
    assert listed.training and "training now" in listed.label
    with pytest.raises(GanforgeError, match="not a ganforge run"):
        watch.watch(tmp_path)


def test_watch_of_a_finished_run(runs_dir, tmp_path):
    _, _, status = watch.watch(run_of(runs_dir, "mnist-dcgan"), tmp_path)
    assert ": finished at step 4/4;" in status


class FakeImageRun:
    """Stands in for a pix2pix / CycleGAN / fast-style run: the app only calls the API contract."""

    def __init__(self, tmp_path):
        self.path = tmp_path / "fake-pix2pix"
        self.config = type("Config", (), {"method": "pix2pix"})()
        self.calls = []
        self.directions = ("AtoB", "BtoA")

    def translate(self, image, direction="AtoB"):
        self.calls.append(direction)
        return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)

    def stylize(self, image):
        return image.convert("L").convert("RGB")


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.png"
    array = np.zeros((30, 40, 3), np.uint8)
    array[:, :10] = 255  # a white stripe on the left
    Image.fromarray(array).save(path)
    return path


def test_translate_and_fast_style_use_the_run_api(tmp_path, photo):
    fake = FakeImageRun(tmp_path)
    shown, output = translate.translate(fake, str(photo), "BtoA")
    assert fake.calls == ["BtoA"] and shown.size == output.size == (40, 30)
    assert np.asarray(output)[:, -1].min() == 255  # the stripe moved to the right
    _, styled = translate.fast_style(fake, str(photo))
    assert styled.mode == "RGB"
    with pytest.raises(GanforgeError, match="unknown direction"):
        translate.translate(fake, str(photo), "sideways")


def test_a_generator_run_cannot_translate(runs_dir, cache, photo):
    with pytest.raises(GanforgeError, match="pix2pix or CycleGAN"):
        translate.translate(cache.get(run_of(runs_dir, "mnist-dcgan")), str(photo))


def test_uploads_that_are_not_images_or_too_large(tmp_path, photo):
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(GanforgeError, match="'notes.png' is not an image"):
        open_upload(str(text))
    with pytest.raises(GanforgeError, match=r"40x30 \(0.0 MP\), over the limit of 0.001 MP"):
        open_upload(str(photo), max_megapixels=0.001)
    with pytest.raises(GanforgeError, match="no content image"):
        open_upload(None, what="content image")
    # The size check reads the header only: a huge PNG is refused without decoding its pixels.
    huge = tmp_path / "huge.png"
    Image.new("L", (6000, 4000)).save(huge)
    with pytest.raises(GanforgeError, match="6000x4000 \\(24.0 MP\\), over the limit of 20 MP") as err:
        open_upload(str(huge))
    assert "'huge.png'" in str(err.value) and str(tmp_path) not in str(err.value)  # no server paths
    assert open_upload(str(photo)).mode == "RGB"


def test_gatys_reports_progress_within_the_step_budget(tmp_path, photo, monkeypatch):
    seen = {}

    def fake_stylize(content, style, *, size=512, steps=300, on_step=None):
        seen.update(size=size, steps=steps, content=content.size)
        for step in range(1, steps + 1):
            on_step(step, steps, 1.0 / step)
        return content

    monkeypatch.setattr("ganforge.style_transfer.stylize", fake_stylize)
    progress = []
    out = translate.gatys(str(photo), str(photo), steps=5, size=64,
                          on_step=lambda step, total, loss: progress.append((step, total)))
    assert out.size == (40, 30) and seen == {"size": 64, "steps": 5, "content": (40, 30)}
    assert progress == [(s, 5) for s in range(1, 6)]
    with pytest.raises(GanforgeError, match="step budget"):
        translate.gatys(str(photo), str(photo), steps=0)


def test_the_page_builds_with_every_tab(runs_dir):
    from ganforge.app.ui import build_app
    app = build_app(runs_dir)
    labels = {getattr(block, "label", None) for block in app.blocks.values()}
    assert {"Generate", "Explore", "Translate / stylise", "Watch", "Compare"} <= labels


def test_compare_draws_chosen_runs_on_shared_axes(runs_dir, tmp_path):
    from ganforge.app import compare
    chosen = [str(run_of(runs_dir, "mnist-dcgan")), str(run_of(runs_dir, "mnist-vae"))]
    figure = compare.compare(chosen, "minutes", tmp_path)
    assert figure.width >= 1200 and (tmp_path / "compare.png").is_file()
    with pytest.raises(GanforgeError, match="pick one or more runs"):
        compare.compare([], "step", tmp_path)
