import json

import numpy as np
import pytest
import scipy.linalg
import torch
import torch.nn as nn
import torch.nn.functional as F

from ganforge import GanforgeError, train
from ganforge.checkpoint import load_checkpoint
from ganforge.cli import main
from ganforge.config import DataConfig, EvalConfig
from ganforge.data import ImageData, load_dataset, to_float
from ganforge.metrics import evaluate_method, resolve_metrics
from ganforge.metrics.class_score import inception_style_score
from ganforge.metrics.collapse import collapse_warnings
from ganforge.metrics.coverage import class_histogram, covered_fraction
from ganforge.metrics.frechet import frechet_distance, kernel_distance
from ganforge.metrics.inception import half_pixel_bilinear_matrix, resize, tf1_bilinear_matrix
from conftest import SHARED, TINY
from test_resume import assert_same_state


class TinyFeatures(nn.Module):
    """Stands in for the Inception network in unit tests: a fixed random projection of 8x8 thumbnails."""
    num_features = 16

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.batch_size, self.precision = 50, "fp32"
        self.projection = torch.randn(3 * 64, 16, generator=torch.Generator().manual_seed(0))

    provenance = {"feature_net": "tiny (test)", "feature_net_sha256": "0" * 64, "image_size": 8,
                  "resizer": "area", "feature_precision": "fp32"}
    runtime_info = {"feature_runtime": "torch (test)"}

    def forward(self, images):
        x = F.adaptive_avg_pool2d(images.float() / 255, 8).expand(-1, 3, -1, -1).flatten(1)
        return torch.tanh(x @ self.projection)


@pytest.fixture
def tiny_inception(monkeypatch):
    monkeypatch.setattr("ganforge.metrics.context.InceptionFeatures", TinyFeatures)


def numpy_frechet(a: np.ndarray, b: np.ndarray) -> float:
    """The textbook formula with SciPy's matrix square root, as the reference TF/pytorch-fid code computes it."""
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


def test_frechet_distance_matches_the_scipy_reference():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(600, 32)) @ rng.normal(size=(32, 32))
    b = rng.normal(size=(500, 32)) @ rng.normal(size=(32, 32)) * 0.7 + 0.3
    ours = frechet_distance(torch.from_numpy(a), torch.from_numpy(b))
    assert ours == pytest.approx(numpy_frechet(a, b), rel=1e-3)
    assert ours > 1
    assert frechet_distance(torch.from_numpy(a), torch.from_numpy(a)) == pytest.approx(0, abs=1e-6)


def test_kid_is_unbiased_on_identical_sets_and_leaves_the_global_rng():
    rng = np.random.default_rng(1)
    a = torch.from_numpy(rng.normal(size=(2000, 64)))
    b = torch.from_numpy(rng.normal(size=(2000, 64)) * 1.3 + 0.2)
    state = torch.get_rng_state()
    same_distribution, std, size = kernel_distance(a, torch.from_numpy(rng.normal(size=(2000, 64))), seed=0)
    assert torch.equal(state, torch.get_rng_state())
    different = kernel_distance(a, b, seed=0)[0]
    assert size == 1000 and different > 0.05
    # Unbiased: two samples of one distribution give ~0 (either sign), far below a real difference. The very
    # same set is ~0 too (slightly negative: its random subsets share images, so k(x, y) sees copies).
    assert abs(same_distribution) < 0.02 * different
    assert abs(kernel_distance(a, a.clone(), seed=0)[0]) < 0.1 * different
    assert kernel_distance(a, b, seed=0)[0] == different  # seeded subsets: the same number again


def test_tf1_bilinear_resize_is_the_reference_filter():
    size_in, size_out = 28, 299
    weights = tf1_bilinear_matrix(size_in, size_out)
    for i in (0, 1, 150, 298):  # TF1 legacy: source = i * in / out, no half-pixel offset, clamped at the edge
        src = i * size_in / size_out
        low = int(np.floor(src))
        expected = np.zeros(size_in)
        expected[low] += 1 - (src - low)
        expected[min(low + 1, size_in - 1)] += src - low
        assert np.allclose(weights[i].numpy(), expected, atol=1e-6)
    images = torch.randint(0, 256, (3, 1, 28, 28), dtype=torch.uint8)
    torch_way = F.interpolate(images.float(), size=(299, 299), mode="bilinear", align_corners=False)
    assert torch.allclose(resize(images, 299, "torch-bilinear"), torch_way, atol=1e-3)
    assert torch.allclose(half_pixel_bilinear_matrix(28, 299).sum(1), torch.ones(299))
    flat = resize(torch.full((1, 1, 28, 28), 200, dtype=torch.uint8), 299)
    assert torch.allclose(flat, torch.full((1, 1, 299, 299), 200.), atol=1e-3)
    with pytest.raises(GanforgeError, match="unknown resizer"):
        resize(images, 299, "lanczos")


@pytest.mark.assets
def test_inception_features_channels_last_and_greyscale_match():
    weights = SHARED / "weights" / "inception_fid.pt"
    if not weights.is_file():
        pytest.skip(f"needs {weights} (set GANFORGE_SHARED)")
    from ganforge.metrics.inception import InceptionFeatures
    images = torch.randint(0, 256, (2, 1, 28, 28), dtype=torch.uint8)
    plain = InceptionFeatures(str(weights), channels_last=False)
    fast = InceptionFeatures(str(weights), channels_last=True)
    a, b = plain(images), fast(images)
    assert a.shape == (2, 2048) and (a >= 0).all()
    assert ((a - b).norm() / a.norm()) < 1e-5
    assert torch.allclose(plain(images.expand(-1, 3, -1, -1)), a)
    assert plain.provenance["feature_net_sha256"].startswith("7ff4a85c")


@pytest.mark.assets
def test_inception_under_onnx_runtime_gives_the_torch_features(tmp_path, monkeypatch):
    weights = SHARED / "weights" / "inception_fid.pt"
    if not weights.is_file():
        pytest.skip(f"needs {weights} (set GANFORGE_SHARED)")
    monkeypatch.setenv("GANFORGE_CACHE", str(tmp_path))
    from ganforge.metrics.inception import InceptionFeatures
    images = torch.randint(0, 256, (3, 1, 28, 28), dtype=torch.uint8)
    torch_net = InceptionFeatures(str(weights), runtime="torch")
    onnx_net = InceptionFeatures(str(weights), runtime="onnxruntime")
    a, b = torch_net(images), onnx_net(images)
    assert ((a - b).norm() / a.norm()) < 1e-5
    assert onnx_net.runtime_info["feature_runtime"].startswith("onnxruntime")
    assert torch_net.runtime_info["feature_runtime"].startswith("torch")
    assert onnx_net.provenance == torch_net.provenance  # one real-feature cache entry serves both


def test_onnx_runtime_runs_a_torchscript_network_once_exported(tmp_path):
    from ganforge.metrics.onnx_runtime import OnnxNetwork
    torch.manual_seed(0)
    net = torch.jit.script(nn.Sequential(nn.Conv2d(3, 8, 3, 2), nn.BatchNorm2d(8), nn.ReLU(),
                                         nn.AdaptiveAvgPool2d(1), nn.Flatten()).eval())
    path = tmp_path / "net.onnx"
    x = torch.randn(5, 3, 17, 17)
    out = OnnxNetwork(net, x[:1], path)(x)  # exported with batch 1, run with batch 5
    assert out.shape == (5, 8) and torch.allclose(out, net(x), atol=1e-5)
    exported = path.stat().st_mtime_ns
    OnnxNetwork(net, x[:1], path)
    assert path.stat().st_mtime_ns == exported  # reused, not exported again


def test_unknown_feature_runtime_is_one_clear_error(tmp_path):
    from ganforge.metrics.inception import InceptionFeatures
    fake = tmp_path / "inception_fid.pt"
    torch.jit.save(torch.jit.script(nn.Identity()), str(fake))
    with pytest.raises(GanforgeError, match="feature runtime 'tensorrt'"):
        InceptionFeatures(str(fake), runtime="tensorrt")


def embedded_mnist(split="test") -> ImageData:
    return load_dataset(DataConfig(split=split, cache=False), lambda *a: None)


class NearestMean(nn.Module):
    """A quick stand-in for the digit classifier: logits = minus the distance to each digit's mean image."""

    def __init__(self, train: ImageData):
        super().__init__()
        x = to_float(train.images).flatten(1)
        self.means = torch.stack([x[train.labels == k].mean(0) for k in range(10)])

    def forward(self, x):
        flat = x.flatten(1)
        return -torch.cdist(flat, self.means) * 3, flat[:, ::7]


class FromData:
    """A 'generator' that returns real images: all digits, one digit only, or the asked digit."""
    info = type("Info", (), {"num_classes": 10})()

    def __init__(self, data: ImageData, only: int | None = None, conditional: bool = False):
        self.data, self.only, self.conditional = data, only, conditional

    def sample(self, n, labels=None, seed=None):
        g = torch.Generator().manual_seed(seed or 0)
        if labels is not None:
            pools = [np.flatnonzero(self.data.labels == k) for k in range(10)]
            pick = [int(pools[k][torch.randint(0, len(pools[k]), (1,), generator=g)]) for k in labels]
        elif self.only is not None:
            pick = np.resize(np.flatnonzero(self.data.labels == self.only), n)  # n images, as a generator gives
        else:
            pick = torch.randperm(len(self.data), generator=g)[:n]
        return to_float(self.data.images[torch.as_tensor(pick)])


@pytest.fixture
def quick_classifier(monkeypatch):
    net = NearestMean(embedded_mnist("train"))
    provenance = {"classifier": "nearest mean (test)", "classifier_sha256": "1" * 64, "classifier_test_accuracy": 0.8}
    monkeypatch.setattr("ganforge.metrics.context.load_or_train", lambda *a, **k: (net, provenance))


def test_coverage_catches_a_generator_that_draws_one_digit(quick_classifier):
    data, settings = embedded_mnist(), EvalConfig(n=400, real_n=1000)
    names = ["coverage", "class_score", "classifier_fid"]
    healthy = {r["metric"]: r for r in evaluate_method(FromData(data), DataConfig(), settings, 0, "test", names,
                                                       lambda *a: None)}
    collapsed = {r["metric"]: r for r in evaluate_method(FromData(data, only=1), DataConfig(), settings, 0, "test",
                                                         names, lambda *a: None)}
    assert healthy["coverage"]["value"] == 1.0 and collapsed["coverage"]["value"] <= 0.2
    assert collapsed["coverage"]["largest_share"] > 0.7
    assert collapsed["class_score"]["value"] < 0.5 * healthy["class_score"]["value"]
    assert collapsed["classifier_fid"]["value"] > 5 * healthy["classifier_fid"]["value"]
    assert collapse_warnings([healthy["coverage"]], [{**collapsed["coverage"], "step": 1}])


def test_conditional_accuracy_reads_the_asked_digit(quick_classifier):
    data, settings = embedded_mnist(), EvalConfig(n=200, real_n=500)
    (good,) = evaluate_method(FromData(data, conditional=True), DataConfig(), settings, 0, "test",
                              ["conditional_accuracy"], lambda *a: None)
    assert good["value"] > 0.6 and len(good["per_class"]) == 10
    with pytest.raises(GanforgeError, match="needs a conditional run"):
        resolve_metrics("conditional_accuracy", False, DataConfig())
    with pytest.raises(GanforgeError, match="needs labelled images"):
        resolve_metrics("coverage", False, DataConfig(name="folder", image_size=64, channels=3, labels="none"))


def test_score_and_histogram_formulas():
    one_hot = F.one_hot(torch.arange(100) % 10, 10).double()
    assert inception_style_score(one_hot) == pytest.approx(10)
    assert inception_style_score(torch.full((50, 10), 0.1)) == pytest.approx(1)
    assert covered_fraction(class_histogram(F.one_hot(torch.full((30,), 3), 10).float())) == pytest.approx(0.1)


def test_mnist_test_set_is_far_closer_to_train_than_noise_is(tiny_inception):
    """FID(test vs train) << FID(MNIST vs noise), with the stand-in features (the Inception check is an assets test)."""
    train_set, settings = embedded_mnist("train"), EvalConfig(n=500, real_n=500, metrics="fid")

    class Noise:
        def sample(self, n, labels=None, seed=None):
            return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    real_vs_real = evaluate_method(FromData(train_set), DataConfig(), settings, 0, "t", ["fid"], lambda *a: None)
    noise = evaluate_method(Noise(), DataConfig(), settings, 0, "t", ["fid"], lambda *a: None)
    assert real_vs_real[0]["value"] * 20 < noise[0]["value"]


def fid_run(image_folder, tmp_path, name, *extra, steps=6):
    overrides = [*TINY, "data.name=folder", f"data.root={image_folder}", f"train.out_dir={tmp_path / name}",
                 "train.checkpoint_every=1000", "train.sample_every=1000", "eval.n=24", "eval.metrics=fid,kid", *extra]
    return train("mnist-dcgan", overrides, steps=steps, announce=lambda *a: None)


def read_metrics(run_dir):
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


def test_training_evaluates_keeps_best_and_resumes_exactly(image_folder, tmp_path, tiny_inception):
    plain = fid_run(image_folder, tmp_path, "plain", "eval.every=0")
    straight = fid_run(image_folder, tmp_path, "straight", "eval.every=2")
    # Evaluation draws from private RNGs only: the trained weights are the same as without it.
    assert_same_state(load_checkpoint(plain)["method"], load_checkpoint(straight)["method"])
    rows = read_metrics(straight)
    assert [(r["step"], r["metric"]) for r in rows] == [(s, m) for s in (2, 4, 6) for m in ("fid", "kid")]
    for key in ("feature_net", "feature_net_sha256", "image_size", "resizer", "n_real", "n_generated", "seed",
                "ganforge", "torch"):
        assert key in rows[0], key
    assert rows[0]["n_generated"] == 24 and rows[0]["n_real"] == 24 and rows[0]["source"] == "train"
    best_step = min((r for r in rows if r["metric"] == "fid"), key=lambda r: r["value"])["step"]
    assert load_checkpoint(straight / "best.pt")["step"] == best_step
    halfway = fid_run(image_folder, tmp_path, "half", "eval.every=2", steps=3)
    resumed = train(resume=halfway, steps=6, announce=lambda *a: None)
    assert_same_state(load_checkpoint(straight)["method"], load_checkpoint(resumed)["method"])
    # Step 3 was the end of the first session: evaluated then, kept; each later step once.
    assert [r["step"] for r in read_metrics(resumed) if r["metric"] == "fid"] == [2, 3, 4, 6]
    same_seed = [r["value"] for r in read_metrics(resumed) if r["step"] == 6]
    assert same_seed == [r["value"] for r in rows if r["step"] == 6]


def test_eval_command_appends_provenance_lines(image_folder, tmp_path, tiny_inception, capsys):
    run_dir = fid_run(image_folder, tmp_path, "cli", "eval.every=0", steps=2)
    assert main(["eval", str(run_dir), "--metrics", "fid,kid", "-n", "20", "--seed", "3"]) == 0
    assert "fid" in capsys.readouterr().out
    first = read_metrics(run_dir)
    assert main(["eval", str(run_dir), "--metrics", "fid", "-n", "20", "--seed", "3"]) == 0
    second = read_metrics(run_dir)
    assert [r["metric"] for r in second] == ["fid", "kid", "fid"]
    assert second[2]["value"] == first[0]["value"]  # same seed, same number
    assert first[0]["source"] == "ganforge eval" and first[0]["checkpoint"] == "last.pt" and first[0]["seed"] == 3
    assert main(["eval", str(run_dir), "--metrics", "intra_fid"]) == 2
    assert "needs a conditional run" in capsys.readouterr().err


def test_collapse_warning_on_a_jump():
    history = [{"metric": "fid", "value": 20.0, "n_generated": 2000, "step": 100},
               {"metric": "fid", "value": 15.0, "n_generated": 2000, "step": 200}]
    assert not collapse_warnings(history, [{"metric": "fid", "value": 18.0, "n_generated": 2000, "step": 300}])
    assert "jumped" in collapse_warnings(history, [{"metric": "fid", "value": 40.0, "n_generated": 2000, "step": 300}])[0]
    # A 10k FID is not compared with 2k ones.
    assert not collapse_warnings(history, [{"metric": "fid", "value": 40.0, "n_generated": 10000, "step": 300}])


@pytest.mark.assets
def test_inception_fid_separates_mnist_from_noise(shared_data, monkeypatch):
    """With the real network: FID(MNIST test vs train) << FID(MNIST vs noise) on 40 images each (biased up
    at this size, but the gap is an order of magnitude)."""
    weights = SHARED / "weights" / "inception_fid.pt"
    if not weights.is_file():
        pytest.skip(f"needs {weights} (set GANFORGE_SHARED)")
    monkeypatch.setenv("GANFORGE_WEIGHTS", str(weights))
    data_cfg = DataConfig(root=str(shared_data))
    train_set = load_dataset(data_cfg, lambda *a: None)
    settings = EvalConfig(n=40, real_n=40, metrics="fid")

    class Noise:
        def sample(self, n, labels=None, seed=None):
            return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    (test_vs_train,) = evaluate_method(FromData(train_set), data_cfg, settings, 0, "t", ["fid"], lambda *a: None)
    (noise,) = evaluate_method(Noise(), data_cfg, settings, 0, "t", ["fid"], lambda *a: None)
    assert test_vs_train["value"] * 3 < noise["value"]
    assert test_vs_train["feature_net_sha256"].startswith("7ff4a85c") and test_vs_train["resizer"] == "tf1-bilinear"


def test_a_best_metric_that_is_not_evaluated_fails_before_training(image_folder, tmp_path, tiny_inception):
    with pytest.raises(GanforgeError, match="eval.best=coverage is not among"):
        fid_run(image_folder, tmp_path, "bad", "eval.every=2", "eval.best=coverage")
    assert not list((tmp_path / "bad").glob("*/last.pt"))
