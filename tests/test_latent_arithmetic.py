"""Latent vector arithmetic (DCGAN paper): picked grid cells, A - B + C, perturbations, label swap, errors."""
import pytest
import torch

from ganforge import load
from ganforge.cli import main
from ganforge.config import load_config
from ganforge.errors import GanforgeError
from ganforge.latent_arithmetic import grid_latents, label_swap, latent_arithmetic, numbered_grid
from ganforge.methods.base import DataInfo
from ganforge.methods.factory import build_method
from ganforge.methods.gan import GAN
from conftest import TINY
from tiny_runs import train_faces

A, B, C = [3, 17, 40], [5, 9], [11, 12, 30, 2]


def tiny_gan(*extra) -> GAN:
    torch.manual_seed(0)
    return build_method(load_config("mnist-dcgan", [*TINY, *extra]), DataInfo((3, 32, 32), ["female", "male"]),
               torch.device("cpu"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("arithmetic-runs")
    return {"gender": train_faces(out / "gender", "faces-cgan"),
            "unconditional": train_faces(out / "plain", "faces-dcgan")}


def test_without_perturbation_the_result_is_g_of_the_latent_sum():
    gan = tiny_gan()
    result = latent_arithmetic(gan, A, B, C, seed=2, count=48, samples=4, sigma=0.0)
    noise, _ = grid_latents(gan, 48, 2)
    latent = noise[A].mean(0) - noise[B].mean(0) + noise[C].mean(0)
    assert torch.allclose(result.latent, latent)
    expected = gan.generate(latent[None])[0]
    assert result.result.shape == (4, 3, 32, 32)
    for image in (*result.result, result.center):
        assert torch.allclose(image, expected, atol=1e-6)
    # The concepts: their picked cells are the grid's cells; their means are G(mean latent).
    grid = numbered_grid(gan, 48, 2)
    assert [result.cells[k].shape[0] for k in "abc"] == [3, 2, 4]
    assert torch.allclose(result.cells["b"], grid[B], atol=1e-6)
    assert torch.allclose(result.means["c"], gan.generate(noise[C].mean(0, keepdim=True))[0], atol=1e-6)


def test_perturbed_samples_spread_around_the_sum():
    gan = tiny_gan()
    result = latent_arithmetic(gan, A, B, C, seed=2, count=48, samples=3, sigma=0.25)
    jitter = torch.randn(3, result.latent.shape[0], generator=torch.Generator().manual_seed(3))
    assert torch.allclose(result.result, gan.generate(result.latent + 0.25 * jitter), atol=1e-6)
    assert not torch.allclose(result.result[0], result.center)


@pytest.mark.parametrize("cells, needle", [([3, 64], "--a: cell 64 is outside the grid of 64 (0 to 63)"),
                                           ([-1], "--a: cell -1 is outside"), ([], "--a: pick at least one cell")])
def test_bad_cells_are_one_line_errors(cells, needle):
    with pytest.raises(GanforgeError) as err:
        latent_arithmetic(tiny_gan(), cells, B, C)
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_label_swap_keeps_the_latents_and_changes_the_label():
    gan = tiny_gan("model.conditional=true")
    source, target = label_swap(gan, A, 0, 1, seed=1, count=48)
    assert source.shape == target.shape == (3, 3, 32, 32)
    assert torch.allclose(source, numbered_grid(gan, 48, 1, 0)[A], atol=1e-6)
    assert not torch.allclose(source, target)
    with pytest.raises(GanforgeError, match="needs a conditional run"):
        label_swap(tiny_gan(), A, 0, 1)


def test_the_cli_saves_the_numbered_grid_and_the_figure(runs, tmp_path):
    run = runs["unconditional"]
    grid = tmp_path / "grid.png"
    assert main(["arithmetic", str(run), "--grid", "--count", "16", "-o", str(grid)]) == 0 and grid.is_file()
    figure = tmp_path / "sum.png"
    assert main(["arithmetic", str(run), "--count", "16", "--a", "1,2", "--b", "3", "--c", "4, 5", "--samples", "3",
                 "-o", str(figure)]) == 0 and figure.is_file()
    swap = tmp_path / "swap.png"
    assert main(["arithmetic", str(runs["gender"]), "--a", "1,2,3", "--b", "4", "--c", "5", "--label-swap",
                 "male:female", "-o", str(swap)]) == 0 and swap.is_file()
    assert main(["arithmetic", str(runs["gender"]), "--a", "1,2", "--label-swap", "male : female",
                 "-o", str(tmp_path / "swap-only.png")]) == 0
    # The same arithmetic from Python.
    result = load(run).arithmetic([1, 2], [3], [4, 5], count=16, samples=2, sigma=0)
    assert torch.allclose(result.result[0], result.center)


@pytest.mark.parametrize("run, args, needle", [
    ("unconditional", ["--a", "1,x", "--b", "2", "--c", "3"], "--a takes grid cell numbers separated by commas"),
    ("unconditional", ["--a", "1", "--b", "2"], "give --grid to save the numbered grid, or --a with --b and --c"),
    ("unconditional", ["--count", "16", "--a", "1", "--b", "2", "--c", "16"], "--c: cell 16 is outside the grid"),
    ("unconditional", ["--a", "1", "--label-swap", "male:female"], "is not conditional"),
    ("gender", ["--a", "1", "--label-swap", "male"], "--label-swap takes FROM:TO"),
    ("gender", ["--a", "1", "--label-swap", "male:cat"], "unknown label 'cat'"),
])
def test_cli_mistakes_are_one_line_and_exit_2(runs, tmp_path, capsys, run, args, needle):
    code = main(["arithmetic", str(runs[run]), *args, "-o", str(tmp_path / "x.png")])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and err.count("\n") == 1, err
    assert not (tmp_path / "x.png").exists()
