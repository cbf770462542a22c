import hashlib

import numpy as np
import pytest
import torch
from PIL import Image

from ganforge import GanforgeError, load, train
from ganforge.checkpoint import load_checkpoint
from ganforge.cli import main
from ganforge.config import load_config
from ganforge.methods.style_losses import gram_matrix, total_variation
from ganforge.nets import vgg_features
from ganforge.nets.transform_net import TransformNet
from ganforge.nets.vgg_features import VGGFeatures, layer_names, vgg19_layers, weights_kind
from ganforge.style_transfer import GatysOptions, GatysStylizer, preserve_colors, steps_per_scale
from test_resume import assert_same_state


def photo(width=64, height=64, seed=0) -> Image.Image:
    """Smooth colour gradients plus a disc: something with content for VGG to see."""
    yy, xx = np.mgrid[:height, :width] / max(width, height)
    rng = np.random.default_rng(seed)
    array = np.stack([xx, yy, 1 - xx * yy], -1) * 200 + rng.normal(0, 10, (height, width, 3))
    array[(yy - 0.5) ** 2 + (xx - 0.4) ** 2 < 0.04] = [220, 40, 40]
    return Image.fromarray(array.clip(0, 255).astype(np.uint8))


def stripes(size=64) -> Image.Image:
    xx = np.arange(size)[None, :, None]
    array = np.where((xx // 4) % 2, [20, 40, 200], [250, 220, 30]) * np.ones((size, 1, 1))
    return Image.fromarray(array.astype(np.uint8))


def test_gram_matrix_of_a_known_tensor():
    features = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).view(1, 2, 1, 2)
    expected = torch.tensor([[5.0, 11.0], [11.0, 25.0]]) / (2 * 1 * 2)
    assert torch.allclose(gram_matrix(features), expected.unsqueeze(0))


def test_total_variation_is_zero_for_flat_images_only():
    assert total_variation(torch.ones(1, 3, 8, 8)) == 0
    checker = (torch.arange(8).view(1, 8) + torch.arange(8).view(8, 1)) % 2
    assert total_variation(checker.float().expand(1, 3, 8, 8)) == pytest.approx(2.0)


def test_layer_names_follow_torchvision_indices():
    names = layer_names()
    assert len(names) == 37
    assert names[:5] == ["conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1"]
    # The taps the weights' README lists, by torchvision `features` index.
    for name, index in {"relu1_1": 1, "relu2_1": 6, "relu3_1": 11, "relu4_1": 20, "relu4_2": 22,
                        "relu5_1": 29, "relu5_4": 35}.items():
        assert names.index(name) == index


def test_extractor_shapes_truncation_and_frozen_weights():
    vgg = VGGFeatures(["relu1_1", "relu2_1", "relu4_2"], weights="random")
    assert len(vgg.net) == 23  # cut after relu4_2: nothing deeper is computed
    assert not any(p.requires_grad for p in vgg.parameters())
    vgg.train()
    assert not vgg.training
    out = vgg(torch.zeros(2, 3, 32, 48))
    assert out["relu1_1"].shape == (2, 64, 32, 48)
    assert out["relu2_1"].shape == (2, 128, 16, 24)
    assert out["relu4_2"].shape == (2, 512, 4, 6)
    image = torch.zeros(1, 3, 16, 16, requires_grad=True)
    vgg(image)["relu4_2"].sum().backward()
    assert image.grad is not None and all(p.grad is None for p in vgg.parameters())


def test_unknown_layer_is_a_clear_error():
    with pytest.raises(GanforgeError, match="relu9_9"):
        VGGFeatures(["relu9_9"], weights="random")


def test_caffe_preprocessing_is_bgr_0_255_minus_mean():
    vgg = VGGFeatures(["relu1_1"], weights="random", kind=None)
    vgg.scale, vgg.shift = (torch.tensor(v).view(1, 3, 1, 1) for v in vgg_features.preprocessing("caffe")[:2])
    vgg.channel_order = vgg_features.preprocessing("caffe")[2]
    red = torch.tensor([1.0, -1.0, -1.0]).view(1, 3, 1, 1)  # RGB (255, 0, 0)
    assert torch.allclose(vgg.preprocess(red).flatten(), torch.tensor([-103.939, -116.779, 255 - 123.68]))


def test_torchvision_preprocessing_is_imagenet_normalisation():
    vgg = VGGFeatures(["relu1_1"], weights="random")
    rgb01 = torch.tensor([0.2, 0.5, 0.9]).view(1, 3, 1, 1)
    mean, std = torch.tensor([0.485, 0.456, 0.406]), torch.tensor([0.229, 0.224, 0.225])
    assert torch.allclose(vgg.preprocess(rgb01 * 2 - 1).flatten(), (rgb01.flatten() - mean) / std, atol=1e-6)


def save_vgg_file(path, prefix="", dtype=torch.float16):
    state = {f"{prefix}{k}": v.to(dtype) for k, v in vgg19_layers(36).state_dict().items()}
    torch.save(state, path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind, prefix", [("caffe", ""), ("torchvision", "features.")])
def test_known_weight_files_load_with_their_preprocessing(tmp_path, monkeypatch, kind, prefix):
    path = tmp_path / "vgg.pth"
    sha = save_vgg_file(path, prefix)
    if kind == "caffe":
        monkeypatch.setitem(vgg_features.KNOWN_SHA256, sha, "caffe")
    else:
        monkeypatch.setattr(vgg_features, "TORCHVISION_SHA256_PREFIX", sha[:8])
    vgg = VGGFeatures(["relu1_1"], weights=path)
    assert vgg.kind == kind
    assert vgg.channel_order == ([2, 1, 0] if kind == "caffe" else [0, 1, 2])
    assert vgg.net[0].weight.dtype == torch.float32
    # GANFORGE_WEIGHTS may name the folder instead of the file.
    named = tmp_path / "vgg19_features_imagenet.pth"
    path.rename(named)
    monkeypatch.setenv("GANFORGE_WEIGHTS", str(tmp_path))
    assert VGGFeatures(["relu1_1"]).kind == kind


def test_unknown_weight_file_is_refused_unless_its_kind_is_named(tmp_path):
    path = tmp_path / "mystery.pth"
    save_vgg_file(path)
    with pytest.raises(GanforgeError, match="mystery.pth.*--vgg-kind"):
        weights_kind(path)
    assert VGGFeatures(["relu1_1"], weights=path, kind="caffe").kind == "caffe"


def test_missing_weights_path_is_a_clear_error(tmp_path):
    with pytest.raises(GanforgeError, match="nope.pth"):
        VGGFeatures(["relu1_1"], weights=tmp_path / "nope.pth")


def test_steps_split_over_scales():
    assert steps_per_scale([512], 100, 0.8) == [100]
    assert steps_per_scale([256, 512], 100, 0.8) == [80, 20]
    assert sum(steps_per_scale([128, 256, 512], 101, 0.7)) == 101


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_a_few_gatys_steps_lower_the_loss(optimizer):
    stylizer = GatysStylizer(GatysOptions(vgg_weights="random", optimizer=optimizer, coarse_sizes=[], precision="fp32",
                                          style_layers=["relu1_1", "relu2_1", "relu3_1"], content_layer="relu2_2"))
    losses = []
    result = stylizer.stylize(photo(), [stripes()], size=64, steps=8, on_step=lambda s, t, loss: losses.append(loss))
    # L-BFGS without a line search may overshoot on one step (measured 3.18 -> 16.3 -> 1.81); the trend counts.
    assert len(losses) == 8 and losses[-1] < 0.8 * losses[0]
    assert result.size == (64, 64)


def test_coarse_to_fine_blended_styles_keep_the_content_size():
    snapshots, steps = [], []
    stylizer = GatysStylizer(GatysOptions(vgg_weights="random", coarse_sizes=[24], coarse_fraction=0.5, init="noise",
                                          style_layers=["relu1_1", "relu2_1"], content_layer="relu2_1",
                                          snapshot_every=2, on_snapshot=lambda s, img: snapshots.append(img.size)))
    result = stylizer.stylize(photo(50, 70), [stripes(), photo(seed=1)], size=48, steps=6,
                              style_weights=[0.7, 0.3], on_step=lambda s, t, loss: steps.append((s, t)))
    assert result.size == (50, 70)
    assert steps == [(k, 6) for k in range(1, 7)]
    assert snapshots == [(17, 24), (34, 48)]  # step 2 at the coarse size, step 4 at the full one


def test_preserve_colors_keeps_content_chroma():
    content = photo()
    stylised = Image.blend(content.transpose(Image.Transpose.ROTATE_90), stripes(), 0.3)
    out = preserve_colors(stylised, content)
    _, cb, cr = out.convert("YCbCr").split()
    _, cb0, cr0 = content.convert("YCbCr").split()
    for chroma, expected in ((cb, cb0), (cr, cr0)):
        assert np.abs(np.asarray(chroma, int) - np.asarray(expected, int)).mean() < 3
    y, y1 = np.asarray(out.convert("L"), int), np.asarray(stylised.convert("L"), int)
    assert np.abs(y - y1).mean() < 3


def test_stylize_api_rejects_unknown_options():
    import ganforge
    with pytest.raises(GanforgeError, match="colour_boost"):
        ganforge.stylize(photo(), stripes(), size=32, steps=1, colour_boost=True)


@pytest.mark.parametrize("shape", [(1, 3, 33, 47), (2, 3, 64, 64), (1, 3, 5, 7), (1, 3, 2, 3)])
def test_transform_net_keeps_spatial_size(shape):
    net = TransformNet(features=4, residual_blocks=1)
    assert net(torch.rand(shape) * 2 - 1).shape == shape


def test_style_shortcut_sets_the_model_style(tmp_path):
    assert load_config("fast-style", ["style=/x/starry.jpg"]).model.style == "/x/starry.jpg"
    recipe = tmp_path / "mine.yaml"
    recipe.write_text("method: fast-style\nstyle: /y/scream.jpg\n")
    assert load_config(str(recipe)).model.style == "/y/scream.jpg"


FAST = ["train.batch_size=4", "train.progress=false", "train.tensorboard=false", "data.image_size=32",
        "train.precision=fp32", "train.channels_last=false", "model.features=4", "model.residual_blocks=1",
        "model.vgg_weights=random", "model.style_size=32", "train.log_every=2", "train.sample_every=1000",
        "train.checkpoint_every=1000", "train.sample_count=3"]


def test_fast_style_trains_resumes_exactly_and_stylizes_any_size(image_folder, tmp_path):
    stripes(48).save(tmp_path / "style.png")
    overrides = [*FAST, f"style={tmp_path / 'style.png'}", f"data.root={image_folder}"]
    straight = train("fast-style", [*overrides, f"train.out_dir={tmp_path / 'a'}"], steps=6, announce=lambda *a: None)
    halfway = train("fast-style", [*overrides, f"train.out_dir={tmp_path / 'b'}"], steps=3, announce=lambda *a: None)
    resumed = train(resume=halfway, steps=6, announce=lambda *a: None)
    assert_same_state(load_checkpoint(straight)["method"], load_checkpoint(resumed)["method"])
    assert "style: " + str(tmp_path / "style.png") in (straight / "config.yaml").read_text()
    assert (straight / "samples.png").is_file()
    result = load(straight).stylize(photo(37, 29))
    assert result.size == (37, 29) and result.mode == "RGB"
    # From the CLI: a folder in, one PNG per image out.
    inputs = tmp_path / "in"
    inputs.mkdir()
    photo(21, 30).save(inputs / "a.jpg")
    assert main(["stylize", "--model", str(straight), str(inputs), "-o", str(tmp_path / "out")]) == 0
    assert Image.open(tmp_path / "out" / "a.png").size == (21, 30)


def test_fast_style_without_a_style_is_a_clear_error(image_folder, tmp_path, capsys):
    code = main(["train", "fast-style", *FAST, f"data.root={image_folder}", f"train.out_dir={tmp_path}", "--steps", "1"])
    assert code == 2
    assert "style=PATH" in capsys.readouterr().err


def test_stylize_cli_writes_the_result(tmp_path, capsys):
    photo(40, 30).save(tmp_path / "content.png")
    stripes(32).save(tmp_path / "style.png")
    out = tmp_path / "out.png"
    assert main(["stylize", str(tmp_path / "content.png"), str(tmp_path / "style.png"), "-o", str(out),
                 "--size", "32", "--steps", "2", "--vgg-weights", "random", "--coarse-sizes"]) == 0
    assert Image.open(out).size == (40, 30)
    assert main(["stylize", str(tmp_path / "content.png"), "-o", str(out)]) == 2
    assert "STYLE" in capsys.readouterr().err
