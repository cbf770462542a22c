"""pix2pix and CycleGAN: networks, two-domain data, the history pool, learning on tiny pairs, resume,
translate and export."""
import numpy as np
import pytest
import torch
from PIL import Image

import ganforge
from ganforge import train
from ganforge.checkpoint import load_checkpoint
from ganforge.cli import main
from ganforge.config import DataConfig
from ganforge.data import load_dataset
from ganforge.errors import GanforgeError
from ganforge.export import export, exportable, parity
from ganforge.methods.image_pool import ImagePool
from ganforge.methods.image_to_image import constant_then_linear
from ganforge.nets.patchgan import PatchDiscriminator, receptive_field
from ganforge.nets.resnet_generator import ResnetGenerator
from ganforge.nets.unet import UNetGenerator
from test_resume import assert_same_state

QUIET = ["train.progress=false", "train.tensorboard=false", "train.precision=fp32", "train.channels_last=false"]
TINY_PIX2PIX = [*QUIET, "data.image_size=32", "model.generator_features=8", "model.discriminator_features=8",
                "model.preview_count=2"]
TINY_CYCLEGAN = [*TINY_PIX2PIX, "model.residual_blocks=2", "model.pool_size=3"]


@pytest.mark.parametrize("size,downs", [(128, 7), (256, 8)])
def test_unet_keeps_the_image_shape(size, downs):
    net = UNetGenerator(3, 3, features=8, downs=downs)
    out = net(torch.randn(1, 3, size, size))
    assert out.shape == (1, 3, size, size)
    assert out.abs().max() <= 1


@pytest.mark.parametrize("size,blocks", [(128, 6), (256, 9)])
def test_resnet_generator_keeps_the_image_shape(size, blocks):
    net = ResnetGenerator(3, 3, features=8, blocks=blocks)
    assert net(torch.randn(2, 3, size, size)).shape == (2, 3, size, size)
    assert sum(isinstance(m, type(net.net[10])) for m in net.net) == blocks  # the residual blocks


@pytest.mark.parametrize("size,side", [(256, 30), (128, 14)])
def test_patchgan_scores_a_map_of_70x70_patches(size, side):
    assert PatchDiscriminator(6, features=8)(torch.randn(1, 6, size, size)).shape == (1, 1, side, side)
    assert receptive_field(3) == 70


def test_unet_skip_connections_carry_detail():
    """With the decoder's innermost input zeroed, the output still depends on the input through the skips."""
    torch.manual_seed(0)
    net = UNetGenerator(1, 1, features=4, downs=3).eval()
    x = torch.randn(1, 1, 16, 16)
    y = x.clone()
    y[..., 0, 0] += 5  # one corner pixel: only the first skip sees it at full detail
    assert not torch.allclose(net(x), net(y))


def make_ab_folder(root, count=6, size=24, split=""):
    """Side-by-side AB images: A is a red square pattern, B the same pattern in blue; file k has brightness k."""
    folder = root / split if split else root
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(count):
        pattern = np.zeros((size, size), np.uint8)
        pattern[4:4 + k + 2, 3:size - 3] = 60 + 24 * k
        a = np.stack([pattern, np.zeros_like(pattern), np.zeros_like(pattern)], 2)
        b = np.stack([np.zeros_like(pattern), np.zeros_like(pattern), pattern], 2)
        Image.fromarray(np.concatenate([a, b], 1)).save(folder / f"{k}.png")
    return root


def paired_config(root, **kw):
    return DataConfig(**{"name": "paired", "root": str(root), "image_size": 24, "channels": 3, **kw})


@pytest.mark.parametrize("direction", ["AtoB", "BtoA"])
def test_ab_images_split_into_input_and_target_by_direction(tmp_path, direction):
    data = load_dataset(paired_config(make_ab_folder(tmp_path / "ab"), direction=direction), lambda *a: None)
    assert data.images.shape == (6, 6, 24, 24)
    inputs, targets = data.images[:, :3].float(), data.images[:, 3:].float()
    red_in = inputs[:, 0].sum() > 0 and inputs[:, 2].sum() == 0
    assert red_in == (direction == "AtoB")
    # Pairs stay pairs: the input's red channel equals the target's blue one, image by image, or vice versa.
    assert torch.equal(inputs[:, 0] + inputs[:, 2], targets[:, 0] + targets[:, 2])


def test_a_and_b_folders_pair_by_name(tmp_path):
    root = tmp_path / "ab"
    for side in "AB":
        (root / side).mkdir(parents=True)
    for name, value in (("x", 50), ("y", 200)):
        Image.new("RGB", (20, 20), (value, 0, 0)).save(root / "A" / f"{name}.png")
        Image.new("RGB", (20, 20), (0, value, 0)).save(root / "B" / f"{name}.jpg")
    data = load_dataset(paired_config(root, image_size=16), lambda *a: None)
    assert data.images.shape == (2, 6, 16, 16)
    assert data.images[:, 0, 8, 8].tolist() == [50, 200]
    assert [abs(int(v) - t) <= 2 for v, t in zip(data.images[:, 4, 8, 8], (50, 200))] == [True, True]


def test_split_folders_give_train_and_held_out(tmp_path):
    root = make_ab_folder(tmp_path / "ab", 5, split="train")
    make_ab_folder(root, 3, split="val")
    assert len(load_dataset(paired_config(root), lambda *a: None)) == 5
    assert len(load_dataset(paired_config(root, split="test"), lambda *a: None)) == 3  # val stands in for test


@pytest.mark.parametrize("problem,message", [
    ("unmatched", "has no partner"), ("size", "size mismatch"), ("empty", "is empty"), ("not_ab", "side-by-side")])
def test_bad_pairs_are_one_clear_error(tmp_path, problem, message):
    root = tmp_path / "pairs"
    if problem == "not_ab":
        root.mkdir()
        Image.new("RGB", (30, 20)).save(root / "odd.png")
    else:
        (root / "A").mkdir(parents=True)
        (root / "B").mkdir()
        if problem != "empty":
            Image.new("RGB", (20, 20)).save(root / "A" / "1.png")
            Image.new("RGB", (20, 20) if problem == "unmatched" else (24, 20)).save(
                root / "B" / ("2.png" if problem == "unmatched" else "1.png"))
        else:
            Image.new("RGB", (20, 20)).save(root / "B" / "1.png")
    with pytest.raises(GanforgeError, match=message):
        load_dataset(paired_config(root), lambda *a: None)


def test_unpaired_domains_zip_the_longer_one_whole(tmp_path):
    root = tmp_path / "horses2zebras"
    for side, count, colour in (("trainA", 5, (255, 0, 0)), ("trainB", 3, (0, 0, 255))):
        (root / side).mkdir(parents=True)
        for k in range(count):
            Image.new("RGB", (20, 20), tuple(c * (k + 1) // count for c in colour)).save(root / side / f"{k}.png")
    data = load_dataset(DataConfig(name="unpaired", root=str(root), image_size=16, channels=3), lambda *a: None)
    assert data.images.shape == (5, 6, 16, 16)
    assert len(set(data.images[:, 0, 0, 0].tolist())) == 5  # every A once
    assert set(data.images[:, 5, 0, 0].tolist()) == {85, 170, 255}  # B cycled
    with pytest.raises(GanforgeError, match="domain B"):
        load_dataset(DataConfig(name="unpaired", root=str(root), root_b=str(tmp_path / "missing"), image_size=16,
                                channels=3), lambda *a: None)


def test_jitter_crops_and_flips_both_halves_alike(tmp_path):
    run = train("facades-pix2pix", [*TINY_PIX2PIX, f"data.root={make_ab_folder(tmp_path / 'ab')}",
                                    f"train.out_dir={tmp_path}"], steps=1, announce=lambda *a: None)
    method = ganforge.load(run).method
    pattern = torch.rand(4, 3, 36, 36)
    torch.manual_seed(1)
    crops = [method.jitter(torch.cat([pattern, pattern], 1)) for _ in range(8)]
    assert all(c.shape == (4, 6, 32, 32) for c in crops)
    assert all(torch.equal(c[:, :3], c[:, 3:]) for c in crops)
    assert len({tuple(c[:, 0, 0, 0].tolist()) for c in crops}) > 1  # crops differ from draw to draw


def test_history_pool_fills_then_mixes_old_and_new():
    torch.manual_seed(0)
    pool = ImagePool(4)
    first = torch.arange(4.0).view(4, 1, 1, 1)
    assert torch.equal(pool.query(first), first)  # while filling, fakes pass through
    returned = torch.cat([pool.query(torch.full((1, 1, 1, 1), 10.0 + k)) for k in range(40)]).flatten().tolist()
    assert len(pool.images) == 4
    old = [v for v in returned if v < 10]
    assert 0 < len(old) < 40  # about half the queries return a stored image instead
    stored = sorted(float(x) for x in pool.images)
    restored = ImagePool(4)
    restored.load_state_dict(pool.state_dict())
    assert sorted(float(x) for x in restored.images) == stored
    assert torch.equal(ImagePool(0).query(first), first)


def test_learning_rate_is_constant_then_linear_to_zero():
    optimizer = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=2e-4)
    schedule = constant_then_linear(optimizer, 3, 4)
    rates = []
    for _ in range(9):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    assert rates == pytest.approx([2e-4, 2e-4, 2e-4, 2e-4, 1.5e-4, 1e-4, 5e-5, 0, 0])


def eval_rows(run_dir):
    from ganforge.run_log import held_out_rows
    return held_out_rows(run_dir)


def test_pix2pix_learns_a_paired_mapping(tmp_path):
    root = make_ab_folder(tmp_path / "ab", 8, size=32)
    run = train("facades-pix2pix", [*TINY_PIX2PIX, f"data.root={root}", "data.direction=AtoB", "data.jitter=false",
                                    "train.batch_size=4", "model.lr=2e-3", f"train.out_dir={tmp_path}"],
                steps=60, announce=lambda *a: None)
    rows = eval_rows(run)
    assert rows[0]["step"] == 0 and rows[-1]["step"] == 60  # untrained baseline, then the trained model
    assert rows[-1]["l1"] < 0.5 * rows[0]["l1"]
    assert rows[-1]["psnr"] > rows[0]["psnr"] + 3
    header = (run / "metrics.csv").read_text().splitlines()[0]
    assert {"val_l1", "val_psnr", "val_ssim", "g_l1", "d_loss"} <= set(header.split(","))
    grid = Image.open(run / "samples.png")
    assert grid.size[0] > grid.size[1]  # 2 rows of input | output | target


def test_cyclegan_cycle_error_falls(tmp_path):
    root = make_ab_folder(tmp_path / "ab", 8, size=32)
    run = train("facades-cyclegan", [*TINY_CYCLEGAN, f"data.root={root}", "data.jitter=false", "model.lr=2e-3",
                                     "train.batch_size=2", f"train.out_dir={tmp_path}"],
                steps=40, announce=lambda *a: None)
    rows = eval_rows(run)
    assert rows[-1]["cycle_a"] < 0.6 * rows[0]["cycle_a"]
    assert rows[-1]["cycle_b"] < 0.6 * rows[0]["cycle_b"]
    assert Image.open(run / "samples.png").size[0] > 5 * 32  # A | G(A) | F(G(A)) | B | F(B) | G(F(B))


def test_training_scores_a_fixed_subset_and_the_whole_split_at_the_end(tmp_path):
    """eval.held_out_pairs keeps per-epoch scoring cheap (256-px CycleGAN: minutes for all pairs before step 1);
    the last step is scored on every held-out pair, and each row says what it cost."""
    import json
    root = make_ab_folder(tmp_path / "ab", 8, size=32)
    said = []
    run = train("facades-cyclegan", [*TINY_CYCLEGAN, f"data.root={root}", "data.jitter=false", "train.batch_size=2",
                                     "eval.held_out_pairs=3", f"train.out_dir={tmp_path}"], steps=8, announce=said.append)
    rows = eval_rows(run)
    assert [(r["step"], r["data"].endswith("first 3 of 8")) for r in rows] == \
        [(0, True), (4, True), (8, True), (8, False)]
    assert all(r["eval_s"] >= 0 for r in rows)
    real = [json.loads(line)["n_real"] for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert real == [3, 3] * 3 + [8, 8]  # cycle_a and cycle_b per scoring
    assert any("held-out scores on 3 of 8 images took" in line for line in said)


@pytest.mark.parametrize("recipe,tiny", [("facades-pix2pix", TINY_PIX2PIX), ("facades-cyclegan", TINY_CYCLEGAN)])
def test_resume_continues_bit_identically(tmp_path, recipe, tiny):
    """Dropout, jitter, the pools and the learning-rate schedules all resume exactly."""
    overrides = [*tiny, f"data.root={make_ab_folder(tmp_path / 'ab', 6, size=36)}", "data.jitter=true",
                 "model.constant_steps=2", "model.decay_steps=6", "train.checkpoint_every=1000",
                 "train.sample_every=1000"]
    quiet = {"announce": lambda *a: None}
    straight = train(recipe, [*overrides, f"train.out_dir={tmp_path / 'a'}"], steps=8, **quiet)
    halfway = train(recipe, [*overrides, f"train.out_dir={tmp_path / 'b'}"], steps=4, **quiet)
    resumed = train(resume=halfway, steps=8, **quiet)
    assert_same_state(load_checkpoint(straight)["method"], load_checkpoint(resumed)["method"])


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("i2i")
    root = make_ab_folder(tmp / "ab", 6, size=32)
    quiet = {"announce": lambda *a: None}
    return {"pix2pix": train("facades-pix2pix", [*TINY_PIX2PIX, f"data.root={root}", f"train.out_dir={tmp}"],
                             steps=2, **quiet),
            "cyclegan": train("facades-cyclegan", [*TINY_CYCLEGAN, f"data.root={root}", f"train.out_dir={tmp}"],
                              steps=2, **quiet)}


def test_translate_command_keeps_names_count_and_sizes(tiny_runs, tmp_path, capsys):
    inputs = tmp_path / "labels"
    (inputs / "sub").mkdir(parents=True)
    sizes = {"a.png": (40, 30), "b.jpg": (64, 64), "sub/c.png": (17, 23)}
    for name, size in sizes.items():
        Image.new("RGB", size, (10, 200, 30)).save(inputs / name)
    out = tmp_path / "out"
    assert main(["translate", str(tiny_runs["cyclegan"]), str(inputs), "-o", str(out), "--direction", "BtoA"]) == 0
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == sorted(sizes)
    assert all(Image.open(out / name).size == size for name, size in sizes.items())
    assert "wrote 3 images" in capsys.readouterr().out


def test_translate_api_and_pix2pix_direction(tiny_runs):
    pix2pix = ganforge.load(tiny_runs["pix2pix"])
    assert pix2pix.directions == ("BtoA",)  # the facades recipe: labels (B) -> photo (A)
    image = Image.new("RGB", (50, 20), "white")
    assert pix2pix.translate(image).size == (50, 20)
    with pytest.raises(GanforgeError, match="learned BtoA only"):
        pix2pix.translate(image, "AtoB")
    cyclegan = ganforge.load(tiny_runs["cyclegan"])
    there, back = cyclegan.translate(image, "AtoB"), cyclegan.translate(image, "BtoA")
    assert np.asarray(there).tolist() != np.asarray(back).tolist()  # two different generators
    with pytest.raises(GanforgeError, match="instead of sampling"):
        cyclegan.sample(4)


@pytest.mark.parametrize("name,direction", [("pix2pix", None), ("cyclegan", "BtoA")])
def test_generators_export_and_match_pytorch(tiny_runs, tmp_path, name, direction):
    ex = exportable(ganforge.load(tiny_runs[name]), direction=direction)
    path = export(ex, tmp_path / "g.pt", "torchscript")
    assert parity(ex, path, "torchscript", (1,)) < 1e-4


def test_split_pairs_writes_a_and_b_halves(tmp_path, capsys):
    root = make_ab_folder(tmp_path / "ab", 3)
    assert main(["data", "split-pairs", str(root), "-o", str(tmp_path / "halves")]) == 0
    for side, channel in (("A", 0), ("B", 2)):
        files = sorted((tmp_path / "halves" / side).iterdir())
        assert [f.name for f in files] == ["0.png", "1.png", "2.png"]
        assert np.asarray(Image.open(files[2]))[..., channel].max() == 60 + 24 * 2
    Image.new("RGB", (10, 10)).save(root / "square.png")
    assert main(["data", "split-pairs", str(root), "-o", str(tmp_path / "again")]) == 2
    assert "not a side-by-side pair" in capsys.readouterr().err


def test_the_app_translates_with_either_kind_of_run(tiny_runs, tmp_path):
    from ganforge.app import translate
    photo = tmp_path / "labels.png"
    Image.new("RGB", (48, 40), (0, 0, 255)).save(photo)
    for name in ("pix2pix", "cyclegan"):
        # The app's direction choice is CycleGAN's; a pix2pix run ignores it and translates its own way.
        shown, output = translate.translate(ganforge.load(tiny_runs[name]), str(photo), "AtoB")
        assert shown.size == output.size == (48, 40)


@pytest.mark.slow
@pytest.mark.parametrize("recipe,tiny", [("facades-pix2pix", TINY_PIX2PIX), ("facades-cyclegan", TINY_CYCLEGAN)])
def test_torchrun_trains_image_to_image(tmp_path, recipe, tiny):
    """Both methods under DDP (2 CPU processes, gloo): each rank takes its shard of the pairs."""
    import os
    import subprocess
    import sys
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    port = "29518" if recipe.endswith("pix2pix") else "29519"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", port,
           "-m", "ganforge", "train", recipe, *tiny, f"data.root={make_ab_folder(tmp_path / 'ab', 8, size=36)}",
           "data.jitter=true", "train.batch_size=2", f"train.out_dir={tmp_path / 'runs'}", "--steps", "3"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    (run_dir,) = (tmp_path / "runs").iterdir()
    checkpoint = load_checkpoint(run_dir)
    assert checkpoint["step"] == 3 and len(checkpoint["rng"]) == 2


@pytest.mark.assets
def test_eval_scores_translations_against_the_target_domain(tiny_runs, capsys):
    """`ganforge eval` on a translation run: FID/KID of the translated held-out inputs vs their targets."""
    import json
    from conftest import SHARED
    weights = SHARED / "weights" / "inception_fid.pt"
    if not weights.is_file():
        pytest.skip(f"needs {weights} (set GANFORGE_SHARED)")
    run = tiny_runs["cyclegan"]
    for direction in ("AtoB", "BtoA"):
        assert main(["eval", str(run), "--metrics", "fid,kid", "--weights", str(weights),
                     "--direction", direction]) == 0
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    fids = [r for r in records if r["metric"] == "fid" and r["source"] == "ganforge eval"]
    assert len(fids) == 2 and all(r["n_generated"] == r["n_real"] == 6 and r["quick"] for r in fids)
    assert fids[0]["value"] != fids[1]["value"]  # the two directions are two different comparisons
    assert "targets" in fids[0]["real_data"]
