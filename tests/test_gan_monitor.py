"""What a GAN run shows while it trains: real.png, D(x) / D(G(z)) and accuracies, kept checkpoints, model.txt."""
import csv

import numpy as np
import pytest
import torch
from PIL import Image

from ganforge import train
from ganforge.checkpoint import load_checkpoint
from ganforge.config import load_config
from ganforge.data import load_dataset
from ganforge.methods.base import DataInfo
from ganforge.methods.factory import build_method
from ganforge.methods.gan_losses import generator_loss
from ganforge.methods.gan_monitor import discriminator_stats
from ganforge.viz.curves import curve_panels, plot_loss_curves
from ganforge.viz.model_summary import layer_rows, method_summary
from conftest import TINY

QUIET = lambda *a, **k: None  # noqa: E731


def tiny_train(folder, out, *extra, steps=4):
    overrides = [*TINY, f"data.root={folder}", "data.name=folder", "data.cache=false", "train.log_every=1",
                 "train.sample_every=1000", f"train.out_dir={out}", *extra]
    return train("mnist-dcgan", overrides, steps=steps, announce=QUIET)


def csv_rows(run_dir):
    with open(run_dir / "metrics.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_real_png_is_a_grid_of_the_training_images(image_folder, tmp_path):
    run = tiny_train(image_folder, tmp_path, "train.sample_count=9")
    cfg = load_config("mnist-dcgan", [*TINY, f"data.root={image_folder}", "data.name=folder", "data.cache=false"])
    data = load_dataset(cfg.data, QUIET)
    saved = np.asarray(Image.open(run / "real.png").convert("RGB"))
    # 9 cells of 32x32 with 2-pixel padding: 3 x 3.
    assert saved.shape == (2 + 3 * 34, 2 + 3 * 34, 3)
    cells = [saved[2 + 34 * r: 34 * (r + 1), 2 + 34 * c: 34 * (c + 1)] for r in range(3) for c in range(3)]
    dataset = data.images.permute(0, 2, 3, 1).numpy()
    for cell in cells:  # each cell is one of the data's images, exactly
        assert (np.abs(dataset.astype(int) - cell.astype(int)).reshape(len(dataset), -1).max(1) <= 1).any()
    assert len({cell.tobytes() for cell in cells}) == 9  # drawn without replacement


def test_discriminator_probabilities_and_accuracies_are_logged(image_folder, tmp_path):
    run = tiny_train(image_folder, tmp_path)
    rows = csv_rows(run)
    assert len(rows) == 4
    for row in rows:
        for key in ("d_real", "d_fake", "acc_real", "acc_fake"):
            assert 0.0 <= float(row[key]) <= 1.0, (key, row[key])
        assert "score_real" in row  # the raw logits stay logged too
    assert (run / "losses.png").is_file()


def test_wgan_keeps_raw_critic_scores_and_accuracy_by_sign(image_folder, tmp_path):
    run = tiny_train(image_folder, tmp_path, "model.loss=wgan", "model.gradient_penalty=10", "model.d_norm=layer")
    row = csv_rows(run)[0]
    assert "d_real" not in row and "d_fake" not in row
    assert 0.0 <= float(row["acc_real"]) <= 1.0 and "score_real" in row


@pytest.mark.parametrize("loss, threshold", [("bce", 0.0), ("saturating", 0.0), ("wgan", 0.0), ("hinge", 0.0),
                                             ("lsgan", 0.5)])
def test_discriminator_stats_follow_the_formulas(loss, threshold):
    real, fake = torch.tensor([2.0, -1.0, 0.3, 0.7]), torch.tensor([-3.0, 0.6, 0.2, -0.1])
    stats = discriminator_stats(loss, real, fake)
    assert stats["acc_real"].item() == pytest.approx((real > threshold).float().mean().item())
    assert stats["acc_fake"].item() == pytest.approx((fake < threshold).float().mean().item())
    assert stats["score_real"].item() == pytest.approx(real.mean().item())
    if loss in ("bce", "saturating"):
        assert stats["d_real"].item() == pytest.approx(torch.sigmoid(real).mean().item())
        assert stats["d_fake"].item() == pytest.approx(torch.sigmoid(fake).mean().item())
    else:
        assert "d_real" not in stats


def test_keep_every_keeps_checkpoints_at_those_steps(image_folder, tmp_path):
    run = tiny_train(image_folder, tmp_path, "train.keep_every=2", steps=5)
    kept = sorted(p.name for p in (run / "checkpoints").iterdir())
    assert kept == ["step_0000002.pt", "step_0000004.pt"]  # no temp files left behind
    for name, step in zip(kept, (2, 4)):
        assert load_checkpoint(run / "checkpoints" / name)["step"] == step
    assert load_checkpoint(run)["step"] == 5


def test_keep_every_off_by_default(image_folder, tmp_path):
    assert not (tiny_train(image_folder, tmp_path, steps=2) / "checkpoints").exists()


def test_saturating_loss_is_log_one_minus_d_and_its_gradient_vanishes_where_d_rejects():
    scores = torch.tensor([-8.0, -2.0, 0.0, 3.0], requires_grad=True)
    d = torch.sigmoid(scores)
    saturating = generator_loss("saturating", scores)
    assert saturating.item() == pytest.approx(torch.log(1 - d).mean().item(), rel=1e-5)
    (grad_saturating,) = torch.autograd.grad(saturating, scores)
    non_saturating = generator_loss("bce", scores)
    assert non_saturating.item() == pytest.approx(-torch.log(d).mean().item(), rel=1e-5)
    (grad_non_saturating,) = torch.autograd.grad(non_saturating, scores)
    # d/ds log(1 - sigmoid(s)) = -sigmoid(s); d/ds -log sigmoid(s) = -(1 - sigmoid(s)); each over the batch of 4.
    assert torch.allclose(grad_saturating, -d.detach() / 4, atol=1e-6)
    assert torch.allclose(grad_non_saturating, -(1 - d.detach()) / 4, atol=1e-6)
    # Where D confidently rejects a fake (score -8), the minimax gradient all but vanishes.
    assert abs(grad_saturating[0]) < 1e-3 < 0.2 < abs(grad_non_saturating[0])


def test_saturating_loss_trains(image_folder, tmp_path):
    rows = csv_rows(tiny_train(image_folder, tmp_path, "model.loss=saturating", steps=2))
    assert float(rows[-1]["loss_g"]) < 0  # log(1 - D) is negative


@pytest.mark.parametrize("extra", [[], ["model.conditional=true"],
                                   ["model.architecture=mlp", "model.mlp_hidden=[16,32]"]],
                         ids=["dcgan", "cgan", "mlp"])
def test_model_summary_lists_every_layer_and_the_parameter_totals(extra):
    torch.manual_seed(0)
    gan = build_method(load_config("mnist-dcgan", [*TINY, *extra]), DataInfo((3, 32, 32), ["a", "b"]),
                       torch.device("cpu"))
    before = torch.get_rng_state()
    for title, module, inputs in gan.summary_inputs():
        (_, network, _, total), *rows = layer_rows(module, inputs)
        leaves = {name for name, m in module.named_modules() if name and not list(m.children())}
        assert leaves <= {r[0] for r in rows}
        assert network == type(module).__name__ and total == sum(p.numel() for p in module.parameters())
        assert sum(r[3] for r in rows) == total
        assert module.training  # left as found
    assert layer_rows(gan.generator, gan.summary_inputs()[0][2])[0][2] == "3x32x32"  # one image out
    assert torch.equal(before, torch.get_rng_state())  # the global RNG is untouched
    text = method_summary(gan)
    total = sum(p.numel() for p in gan.generator.parameters())
    assert f"generator: {type(gan.generator).__name__}, {total:,} parameters, output 3x32x32" in text
    # One line per network and per layer: a header and its rows each.
    assert len(text.splitlines()) == sum(len(layer_rows(m, x)) for _, m, x in gan.summary_inputs())


def test_run_writes_model_txt(image_folder, tmp_path):
    lines = []
    run = train("mnist-dcgan", [*TINY, f"data.root={image_folder}", "data.name=folder", "data.cache=false",
                                f"train.out_dir={tmp_path}"], steps=1, announce=lines.append)
    text = (run / "model.txt").read_text()
    assert text.startswith("generator: DCGANGenerator") and "discriminator: DCGANDiscriminator" in text
    assert any("discriminator: DCGANDiscriminator" in str(line) for line in lines)


def test_curves_share_a_panel_for_d_probabilities_and_accuracies(tmp_path):
    assert curve_panels(["loss_d", "d_real", "acc_real", "d_fake", "acc_fake"]) == [
        ("loss_d", ["loss_d"]), ("D(x), D(G(z))", ["d_real", "d_fake"]), ("D accuracy", ["acc_real", "acc_fake"])]
    path = tmp_path / "m.csv"
    path.write_text("step,loss_d,d_real,d_fake\n1,1.0,0.6,0.4\n2,0.9,0.55,0.45\n")
    assert plot_loss_curves(path, tmp_path / "l.png").is_file()
