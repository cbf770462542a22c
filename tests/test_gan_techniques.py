"""The improved-recipe techniques of the GAN method: DiffAugment, spectral norm, projection head, R1, AC-GAN,
conditional batch norm, the matching-aware D."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from ganforge import train
from ganforge.checkpoint import load_checkpoint
from ganforge.config import load_config
from ganforge.errors import GanforgeError
from ganforge.methods.base import DataInfo
from ganforge.methods.regularizers import r1_penalty
from ganforge.nets import DCGANDiscriminator, DCGANGenerator
from ganforge.nets.conditional_norm import ConditionalBatchNorm2d
from ganforge.nets.aux_classifier import AuxiliaryClassifier
from ganforge.nets.diffaugment import POLICIES, diff_augment
from ganforge.nets.projection import ProjectionHead
from ganforge.nets.spectral import apply_spectral_norm
from ganforge.methods.factory import build_method
from ganforge.methods.gan import wrong_labels
from conftest import TINY
from test_resume import assert_same_state

ALL = "color,translation,cutout"


@pytest.mark.parametrize("policy", [*POLICIES, ALL])
def test_diffaugment_keeps_shape_changes_images_and_passes_gradients(policy):
    torch.manual_seed(0)
    x = torch.rand(6, 3, 16, 16, requires_grad=True)
    out = diff_augment(x, policy)
    assert out.shape == x.shape
    assert not torch.allclose(out, x)
    out.square().sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_diffaugment_is_one_random_draw_from_the_global_rng():
    x = torch.rand(4, 3, 16, 16)
    torch.manual_seed(3)
    a = diff_augment(x, ALL)
    torch.manual_seed(3)
    b = diff_augment(x.clone(), ALL)
    assert torch.equal(a, b)  # the same seed: the same transforms on the same images
    assert not torch.equal(a, diff_augment(x, ALL))  # the next draw differs
    assert torch.equal(diff_augment(x, ""), x)


def test_diffaugment_translation_shifts_content_and_fills_zeros():
    x = torch.ones(32, 1, 8, 8)
    out = diff_augment(x, "translation")
    assert set(out.unique().tolist()) <= {0.0, 1.0}
    assert (out == 0).any() and out.sum() > 0


def test_gan_augments_real_and_fake_in_d_and_g_steps(monkeypatch):
    """Each D call of a step sees augmented images: real and fake in D's step, fake again in G's step."""
    import ganforge.methods.gan as gan_module
    seen = []

    def recording(images, policy):
        seen.append((tuple(images.shape), policy, images.requires_grad))
        return diff_augment(images, policy)
    monkeypatch.setattr(gan_module, "diff_augment", recording)
    cfg = load_config("mnist-dcgan", [*TINY, "model.diffaugment=color,cutout"])
    method = build_method(cfg, DataInfo((3, 32, 32), []), torch.device("cpu"))
    method.train_step((torch.rand(8, 3, 32, 32) * 2 - 1, torch.zeros(8, dtype=torch.long)))
    assert [(s, p) for s, p, _ in seen] == [((8, 3, 32, 32), "color,cutout")] * 3
    assert [grad for *_, grad in seen] == [False, False, True]  # real, detached fake, fake with G's graph


def test_spectral_norm_makes_each_weight_unit_norm():
    torch.manual_seed(0)
    d = apply_spectral_norm(DCGANDiscriminator((3, 32, 32), 8, "none", 4, 4, "projection"))
    normalised = [m for m in d.modules() if hasattr(m, "parametrizations")]
    assert len(normalised) == 5  # three convs, psi, the label embedding
    x, y = torch.randn(8, 3, 32, 32), torch.arange(8) % 4
    for _ in range(20):  # power iterations run in training-mode forwards
        d(x, y)
    d.eval()
    for m in normalised:
        sigma = torch.linalg.matrix_norm(m.weight.detach().flatten(1), ord=2)
        assert sigma == pytest.approx(1.0, abs=0.05)
    buffers = [k for k in d.state_dict() if k.endswith(("_u", "_v"))]
    assert len(buffers) == 2 * len(normalised)  # the power-iteration vectors are saved with the weights


@pytest.mark.parametrize("classes", [4, [2, 3]])
def test_projection_score_depends_on_the_label(classes):
    torch.manual_seed(0)
    head = ProjectionHead(12, classes)
    features = torch.randn(1, 3, 2, 2).expand(6, -1, -1, -1)  # one image, six labels
    scores = head(features, torch.arange(6) % (4 if classes == 4 else 6))
    assert scores.shape == (6,)
    assert len(set(scores.round(decimals=5).tolist())) == (4 if classes == 4 else 6)


def test_projection_with_attributes_is_a_sum_of_per_attribute_projections():
    torch.manual_seed(0)
    head = ProjectionHead(5, [2, 3])
    phi = torch.randn(6, 5)
    labels = torch.arange(6)  # combined index = gender * 3 + age
    gender, age = head.labels.attributes
    expected = (head.psi(phi).squeeze(1) + (gender.weight[labels // 3] * phi).sum(1)
                + (age.weight[labels % 3] * phi).sum(1))
    assert torch.allclose(head(phi, labels), expected, atol=1e-6)


def test_r1_is_zero_for_a_constant_discriminator_and_positive_otherwise():
    x = torch.randn(4, 3, 8, 8, requires_grad=True)
    constant = x.sum((1, 2, 3)) * 0 + 1
    assert r1_penalty(constant, x).item() == 0
    d = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 1))
    penalty = r1_penalty(d(x).squeeze(1), x)
    assert penalty.item() > 0
    penalty.backward()  # the penalty trains D: it has a gradient w.r.t. D's weights
    assert d[1].weight.grad.abs().sum() > 0


@pytest.mark.parametrize("override, message", [
    ("model.diffaugment=color,flip", "model.diffaugment"),
    ("model.conditioning=film", "model.conditioning"),
    ("model.r1_every=0", "model.r1"),
    ("model.aux_classifier=1", "model.aux_classifier needs a conditional run"),
    ("model.conditional_norm=true", "model.conditional_norm needs a conditional run"),
    ("model.mismatch=1", "model.mismatch needs a conditional run"),
])
def test_bad_technique_settings_raise_one_clear_error(override, message):
    # Ranges are refused by load_config already; choices when the method is built.
    with pytest.raises(GanforgeError, match=message):
        cfg = load_config("mnist-dcgan", [*TINY, override])
        build_method(cfg, DataInfo((3, 32, 32), []), torch.device("cpu"))


@pytest.mark.parametrize("conditioning", ["projection", "input"])
def test_projection_and_input_conditioning_need_the_dcgan_architecture(conditioning):
    cfg = load_config("mnist-dcgan", [*TINY, "model.architecture=mlp", "model.conditional=true",
                                      f"model.conditioning={conditioning}", "model.mlp_hidden=[16]"])
    with pytest.raises(GanforgeError, match=f"model.conditioning={conditioning}"):
        build_method(cfg, DataInfo((3, 32, 32), ["a", "b"]), torch.device("cpu"))


def test_techniques_off_keep_the_textbook_state_layout():
    cfg = load_config("mnist-cgan", TINY)
    method = build_method(cfg, DataInfo((3, 32, 32), ["a", "b"]), torch.device("cpu"))
    keys = set(method.discriminator.state_dict())
    assert "head.score.0.weight" in keys and not any("parametrizations" in k for k in keys)


EVERYTHING = ["model.conditional=true", "model.diffaugment=color,translation,cutout", "model.spectral_norm=true",
              "model.d_norm=none", "model.loss=hinge", "model.conditioning=projection", "model.r1=1",
              "model.r1_every=2", "model.ema_decay=0.9", "model.lr_discriminator=4e-4", "model.aux_classifier=1",
              "model.conditional_norm=true", "model.mismatch=0.5"]


def test_resume_is_bit_identical_with_every_technique_on(image_folder, tmp_path):
    overrides = [*TINY, *EVERYTHING, f"data.root={image_folder}", "data.name=folder", "train.checkpoint_every=1000",
                 "train.sample_every=1000", "train.log_every=2"]
    straight = train("mnist-dcgan", [*overrides, f"train.out_dir={tmp_path / 'a'}"], steps=8, announce=lambda *a: None)
    halfway = train("mnist-dcgan", [*overrides, f"train.out_dir={tmp_path / 'b'}"], steps=3, announce=lambda *a: None)
    resumed = train(resume=halfway, steps=8, announce=lambda *a: None)
    a, b = load_checkpoint(straight), load_checkpoint(resumed)
    assert a["step"] == b["step"] == 8
    assert any("parametrizations" in k and k.endswith("_u") for k in a["method"]["discriminator"])
    assert_same_state(a["method"], b["method"])
    assert any(k.startswith("classifier.") for k in a["method"]["discriminator"])
    assert any(k.endswith("labels.embed.weight") and k.startswith("net.") for k in a["method"]["generator"])
    log = (resumed / "metrics.csv").read_text()
    assert all(name in log.splitlines()[0] for name in ("r1_penalty", "class_loss_fake", "loss_mismatch"))


def test_spectral_norm_runs_one_power_iteration_per_forward_on_the_bf16_path():
    from ganforge.nets.strided_conv import StridedConv2d
    conv = apply_spectral_norm(StridedConv2d(32, 32, 4, 2, 1))
    calls = []
    conv.parametrizations.weight[0].register_forward_hook(lambda *a: calls.append(1))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        conv(torch.randn(2, 32, 8, 8)).float().sum().backward()
    assert len(calls) == 1


@pytest.mark.parametrize("plus, textbook", [("mnist-dcgan-plus", "mnist-dcgan"), ("faces-dcgan-plus", "faces-dcgan"),
                                            ("faces-cgan-plus", "faces-cgan")])
def test_plus_recipes_keep_the_textbook_data_and_the_textbook_stays_plain(plus, textbook):
    improved, plain = load_config(plus), load_config(textbook)
    assert improved.data == plain.data
    m = plain.model
    assert (m.ema_decay, m.diffaugment, m.spectral_norm, m.r1, m.aux_classifier,
            m.conditional_norm) == (0.0, "", False, 0.0, 0.0, False)
    assert m.conditioning in ("concat", "input")  # the textbooks' ways of joining the label, not projection
    assert improved.model != plain.model


def test_aux_classifier_reads_each_attribute_of_a_combined_label():
    """AC-GAN head: logits of each attribute side by side, one cross-entropy per attribute, summed."""
    head = AuxiliaryClassifier(6, [2, 3])  # e.g. gender x 3 age groups: combined label = 3 * gender + age
    labels = torch.tensor([0, 1, 2, 3, 4, 5])
    gender, age = labels // 3, labels % 3
    right = torch.cat([F.one_hot(gender, 2), F.one_hot(age, 3)], 1).float() * 50
    assert head.loss(right, labels).item() < 1e-6
    wrong_age = torch.cat([F.one_hot(gender, 2), F.one_hot((age + 1) % 3, 3)], 1).float() * 50
    assert head.loss(wrong_age, labels).item() == pytest.approx(50, rel=1e-3)  # only the age term is wrong
    d = DCGANDiscriminator((3, 32, 32), 8, "batch", [2, 3], 4, "projection", aux_classifier=True)
    scores, logits = d(torch.randn(6, 3, 32, 32), labels, classify=True)
    assert scores.shape == (6,) and logits.shape == (6, 5)
    assert d(torch.randn(6, 3, 32, 32), labels).shape == (6,)


def trained_on_dark_and_bright(overrides: list[str], steps: int):
    """A tiny conditional GAN trained `steps` steps on two easy classes, four dark and four bright images:
    (method, images, labels, each step's logs)."""
    torch.manual_seed(0)
    cfg = load_config("mnist-dcgan", [*TINY, "model.conditional=true", "model.lr_discriminator=1e-3", *overrides])
    method = build_method(cfg, DataInfo((3, 32, 32), ["dark", "bright"]), torch.device("cpu"))
    images = torch.cat([torch.full((4, 3, 32, 32), -0.8), torch.full((4, 3, 32, 32), 0.8)])
    labels = torch.tensor([0] * 4 + [1] * 4)
    return method, images, labels, [method.train_step((images, labels)) for _ in range(steps)]


def test_aux_classifier_learns_the_labels_and_trains_g_towards_them():
    """Two easy classes (dark, bright): D's classifier learns them from real images only, and G's fakes come to be
    read as the labels they were drawn for (their cross-entropy falls from chance)."""
    *_, logs = trained_on_dark_and_bright(["model.aux_classifier=1", "model.lr_generator=1e-3"], 40)
    real = [float(log["class_loss_real"]) for log in logs]
    fake = [float(log["class_loss_fake"]) for log in logs]
    assert real[0] > 0.3 and max(real[-10:]) < 0.1
    assert fake[0] > 0.5 and sum(fake[-10:]) / 10 < 0.35


def test_aux_classifier_refuses_input_planes_that_would_tell_it_the_label():
    cfg = load_config("mnist-dcgan", [*TINY, "model.conditional=true", "model.aux_classifier=1",
                                      "model.conditioning=input"])
    with pytest.raises(GanforgeError, match="conditioning=input lets D's classifier read the label"):
        build_method(cfg, DataInfo((3, 32, 32), ["a", "b"]), torch.device("cpu"))


def test_wrong_labels_are_always_another_class_and_reach_every_other_class():
    torch.manual_seed(0)
    labels = torch.arange(5).repeat(200)
    wrong = wrong_labels(labels, 5)
    assert (wrong != labels).all() and wrong.min() >= 0 and wrong.max() <= 4
    for k in range(5):
        assert set(wrong[labels == k].tolist()) == set(range(5)) - {k}


def test_mismatch_teaches_d_to_reject_real_images_with_the_wrong_label():
    """Two easy classes (dark, bright), the label as input planes: with model.mismatch D comes to call a real
    image under the other class's label fake (without it, D(bright image, "dark") stays ~0.9 here)."""
    method, images, labels, logs = trained_on_dark_and_bright(["model.conditioning=input", "model.mismatch=1"], 30)
    mismatch = [float(log["loss_mismatch"]) for log in logs]
    assert mismatch[0] > 0.5 and max(mismatch[-5:]) < 0.5 * mismatch[0]
    with torch.no_grad():
        method.discriminator.eval()
        right, wrong = method.discriminator(images, labels), method.discriminator(images, 1 - labels)
    assert (right > wrong).all() and torch.sigmoid(wrong).max() < 0.1


def test_aux_classifier_needs_the_dcgan_architecture():
    cfg = load_config("mnist-dcgan", [*TINY, "model.architecture=mlp", "model.conditional=true",
                                      "model.aux_classifier=1", "model.mlp_hidden=[16]"])
    with pytest.raises(GanforgeError, match="model.aux_classifier needs model.architecture=dcgan"):
        build_method(cfg, DataInfo((3, 32, 32), ["a", "b"]), torch.device("cpu"))


def test_conditional_batch_norm_starts_as_batch_norm_and_then_depends_on_the_label():
    torch.manual_seed(0)
    norm, plain = ConditionalBatchNorm2d(3, 4), nn.BatchNorm2d(3)
    x, labels = torch.randn(8, 3, 5, 5), torch.arange(8) % 4
    assert torch.allclose(norm(x, labels), plain(x), atol=1e-6)  # zero embeddings: gamma 1, beta 0
    nn.init.normal_(norm.labels.embed.weight)
    out = norm(x[:1].expand(4, -1, -1, -1), torch.arange(4))  # one input, four labels
    assert len({tuple(o.flatten()[:3].round(decimals=4).tolist()) for o in out}) == 4
    out.sum().backward()
    assert norm.labels.embed.weight.grad.abs().sum() > 0


def test_conditional_batch_norm_with_attributes_adds_their_scales_and_shifts():
    torch.manual_seed(0)
    norm = ConditionalBatchNorm2d(2, [2, 3]).eval()  # running stats 0/1: the norm itself is the identity
    for embedding in norm.labels.attributes:
        nn.init.normal_(embedding.weight)
    gender, age = norm.labels.attributes
    x, labels = torch.randn(6, 2, 1, 1), torch.arange(6)  # combined label = gender * 3 + age
    both = gender.weight[labels // 3] + age.weight[labels % 3]
    expected = x.squeeze() / (1 + norm.norm.eps) ** 0.5 * (1 + both[:, :2]) + both[:, 2:]
    assert torch.allclose(norm(x, labels).squeeze(), expected, atol=1e-5)


def test_generator_with_conditional_norm_draws_differently_per_label_from_the_same_noise():
    torch.manual_seed(0)
    g = DCGANGenerator(8, (3, 32, 32), 8, 2, 4, conditional_norm=True)
    for norm in g.modules():
        if isinstance(norm, ConditionalBatchNorm2d):
            nn.init.normal_(norm.labels.embed.weight, 0, 0.5)
    g.project.weight.data.zero_()  # the noise's label embedding cannot act: only the norms carry the label
    z = torch.randn(1, 8).expand(4, -1)
    out = g(z, torch.tensor([0, 0, 1, 1]))
    assert out.shape == (4, 3, 32, 32)
    assert torch.equal(out[0], out[1]) and not torch.allclose(out[0], out[2])
    with pytest.raises(ValueError, match="needs class labels"):
        DCGANGenerator(8, (3, 32, 32), 8, 0, 4, conditional_norm=True)
