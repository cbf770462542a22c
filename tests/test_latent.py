import numpy as np
import pytest
import torch
from PIL import Image

from ganforge.cli import main
from ganforge.config import load_config
from ganforge.errors import GanforgeError
from ganforge.latent import grid_coordinates, interpolate, lerp, rank_by_discriminator, slerp, walk
from ganforge.methods.base import DataInfo
from ganforge.methods.factory import build_method
from ganforge.methods.gan import GAN
from ganforge.methods.vae import VAE
from conftest import TINY, make_image_folder

SHAPES = DataInfo((3, 32, 32), ["circle", "square"])


def tiny_gan(*extra) -> GAN:
    torch.manual_seed(0)
    return build_method(load_config("mnist-dcgan", [*TINY, *extra]), SHAPES, torch.device("cpu"))


def tiny_vae(*extra) -> VAE:
    torch.manual_seed(0)
    cfg = load_config("mnist-vae", ["model.mlp_hidden=[16]", "model.latent_dim=3", *extra])
    return build_method(cfg, SHAPES, torch.device("cpu"))


def test_slerp_stays_on_the_sphere_and_hits_both_ends():
    a, b = torch.randn(5, 100), torch.randn(5, 100)
    a, b = a / a.norm(dim=1, keepdim=True), b / b.norm(dim=1, keepdim=True)
    t = torch.linspace(0, 1, 11)
    path = slerp(a, b, t)
    assert path.shape == (5, 11, 100)
    assert torch.allclose(path.norm(dim=2), torch.ones(5, 11), atol=1e-5)
    assert torch.allclose(path[:, 0], a, atol=1e-6) and torch.allclose(path[:, -1], b, atol=1e-6)
    # The straight line cuts through the inside of the sphere: about 1/sqrt(2) at its middle.
    assert lerp(a, b, t)[:, 5].norm(dim=1).max() < 0.8
    # Equal angle steps along the great circle.
    angles = torch.acos((path[:, 1:] * path[:, :-1]).sum(2).clamp(-1, 1))
    assert torch.allclose(angles, angles[:, :1].expand_as(angles), atol=1e-4)


def test_slerp_of_parallel_points_is_finite():
    a = torch.tensor([[1.0, 2.0, 3.0]])
    path = slerp(a, 2 * a, torch.linspace(0, 1, 5))
    assert torch.isfinite(path).all()
    assert torch.allclose(path[0, 2], 1.5 * a[0])


@pytest.mark.parametrize("make", [lambda: tiny_gan(), lambda: tiny_gan("model.conditional=true"),
                                  lambda: tiny_vae()], ids=["gan", "cgan", "vae"])
@pytest.mark.parametrize("spherical", [False, True], ids=["lerp", "slerp"])
def test_interpolation_endpoints_are_the_endpoint_samples(make, spherical):
    method = make()
    rows, path = interpolate(method, pairs=3, steps=5, spherical=spherical, seed=4)
    assert rows.shape == (3, 5, 3, 32, 32) and path.shape[:2] == (3, 5)
    noise = method.noise(6, torch.Generator().manual_seed(4))
    labels = torch.arange(3) % 2 if getattr(method, "conditional", False) else None
    assert torch.allclose(rows[:, 0], method.generate(noise[:3], labels), atol=1e-5)
    assert torch.allclose(rows[:, -1], method.generate(noise[3:], labels), atol=1e-5)
    assert not torch.allclose(rows[:, 2], rows[:, 0])


def test_a_walk_moves_in_equal_small_steps_along_one_direction():
    method = tiny_vae()
    rows, path = walk(method, rows=2, step_size=0.05, span=0.5, seed=1)
    assert rows.shape[:2] == path.shape[:2] == (2, 21)
    moves = path[:, 1:] - path[:, :-1]
    assert torch.allclose(moves.norm(dim=2), torch.full((2, 20), 0.05), atol=1e-5)
    assert torch.allclose(moves, moves[:1, :1].expand_as(moves), atol=1e-5)  # one direction for every row
    assert torch.allclose(path[:, 10], method.noise(2, torch.Generator().manual_seed(1)))  # the middle is the start
    _, axis = walk(method, rows=1, step_size=0.5, span=1.0, dimension=2)
    assert torch.equal(axis[0, 1] - axis[0, 0], torch.tensor([0.0, 0.0, 0.5]))


def test_ranking_is_sorted_by_the_discriminator():
    method = tiny_gan("model.conditional=true")
    images, scores = rank_by_discriminator(method, n=20, seed=2)
    assert images.shape == (20, 3, 32, 32) and scores.shape == (20,)
    assert (scores[:-1] >= scores[1:]).all() and scores[0] > scores[-1]
    # Each score belongs to its image: the set of scores is the same, whatever the order.
    noise = method.noise(20, torch.Generator().manual_seed(2))
    labels = torch.arange(20) % 2
    direct = method.discriminator_scores(method.generate(noise, labels), labels)
    assert torch.allclose(direct.sort(descending=True).values, scores, atol=1e-5)


def test_methods_without_the_needed_part_say_so():
    with pytest.raises(GanforgeError, match="no discriminator"):
        rank_by_discriminator(tiny_vae(), n=4)
    with pytest.raises(GanforgeError, match="use a GAN or VAE run"):
        interpolate(object())


def test_gaussian_grid_covers_equal_prior_mass():
    grid = grid_coordinates(5, "gaussian")
    assert grid.shape == (5, 5, 2)
    x = grid[0, :, 0]
    assert torch.allclose(torch.special.ndtr(x.double()), torch.tensor([0.1, 0.3, 0.5, 0.7, 0.9], dtype=torch.float64),
                          atol=1e-6)
    assert (grid[:, 0, 1][:-1] > grid[:, 0, 1][1:]).all()  # top row first: the second coordinate goes down
    assert torch.equal(grid_coordinates(3, "uniform", 4.0)[1, :, 0], torch.tensor([-4.0, 0.0, 4.0]))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A tiny 2-d VAE, a tiny 3-d VAE and a tiny conditional DCGAN on labelled synthetic shapes."""
    root = tmp_path_factory.mktemp("latent")
    folder = make_image_folder(root / "shapes")
    common = ["data.name=folder", f"data.root={folder}", "data.cache=false",
              "--steps", "3", "train.batch_size=8", "train.progress=false", "train.tensorboard=false",
              "data.image_size=32", "data.channels=3", "train.precision=fp32", "train.channels_last=false"]
    found = {}
    for name, recipe, extra in [("vae", "mnist-vae", ["model.mlp_hidden=[16]"]),
                                ("vae3", "mnist-vae", ["model.mlp_hidden=[16]", "model.latent_dim=3"]),
                                ("cgan", "mnist-cgan", ["model.features=8", "model.latent_dim=8", "model.embed_dim=4"])]:
        assert main(["train", recipe, *common, *extra, f"train.out_dir={root / name}"]) == 0
        (found[name],) = (root / name).iterdir()
    return found


def png_size(path) -> tuple[int, int]:
    with Image.open(path) as img:
        img.load()  # a truncated file fails here
        return img.size


CELL = 32 + 2  # image plus padding


@pytest.mark.parametrize("run,args,size", [
    ("vae", ["--kind", "recon", "-n", "16"], (8 * CELL + 2, 4 * CELL + 2)),  # 2 input rows, each above its outputs
    ("vae", ["--kind", "samples", "-n", "9"], (3 * CELL + 2, 3 * CELL + 2)),
    ("vae", ["--kind", "manifold", "--grid", "5"], (5 * CELL + 2, 5 * CELL + 2)),
    ("vae3", ["--kind", "manifold", "--grid", "4", "--spacing", "uniform"], (4 * CELL + 2, 4 * CELL + 2)),
    ("vae", ["--kind", "scatter"], (700, 700)),
    ("vae3", ["--kind", "scatter"], (700, 700)),
    ("cgan", ["--kind", "samples", "-n", "4"], (2 * CELL + 2, 2 * CELL + 2)),
])
def test_plot_writes_a_png_of_the_expected_size(runs, tmp_path, run, args, size):
    out = tmp_path / "plot.png"
    assert main(["plot", str(runs[run]), *args, "-o", str(out)]) == 0
    assert png_size(out) == size


def test_scatter_colours_each_class(runs, tmp_path):
    out = tmp_path / "scatter.png"
    assert main(["plot", str(runs["vae"]), "--kind", "scatter", "-o", str(out)]) == 0
    r, _, b = np.asarray(Image.open(out).convert("RGB")).reshape(-1, 3).astype(int).T
    # tab10's first two colours, blue and orange, for circle and square (points and legend).
    assert ((b - r) > 60).sum() > 20 and ((r - b) > 100).sum() > 20


@pytest.mark.parametrize("run,extra,columns", [("vae", [], 4), ("cgan", ["--slerp", "--label", "square"], 4),
                                               ("cgan", ["--walk", "--step-size", "0.1", "--span", "0.2"], 5)])
def test_interpolate_writes_png_and_gif(runs, tmp_path, run, extra, columns):
    png, gif = tmp_path / "interp.png", tmp_path / "interp.gif"
    assert main(["interpolate", str(runs[run]), "--pairs", "3", "--steps", "4", *extra, "-o", str(png),
                 "--gif", str(gif)]) == 0
    assert png_size(png) == (columns * CELL + 2, 3 * CELL + 2)
    with Image.open(gif) as img:
        assert img.n_frames == 2 * columns - 2  # forward, then back without repeating the ends


def test_rank_writes_png_and_refuses_a_vae(runs, tmp_path, capsys):
    out = tmp_path / "ranked.png"
    assert main(["rank", str(runs["cgan"]), "-n", "12", "--top", "4", "--bottom", "4", "-o", str(out)]) == 0
    assert png_size(out) == (480, 320)  # two 2 x 2 panels: figure inches x 100 dpi
    assert main(["rank", str(runs["vae"]), "-o", str(out)]) == 2
    assert "no discriminator (use a GAN run)" in capsys.readouterr().err


def test_plot_needs_an_encoder_for_vae_pictures(runs, capsys):
    assert main(["plot", str(runs["cgan"]), "--kind", "recon"]) == 2
    assert "has no encoder" in capsys.readouterr().err


def test_default_outputs_go_to_the_run_plots_folder(runs):
    assert main(["plot", str(runs["vae"]), "--kind", "samples", "-n", "4"]) == 0
    assert png_size(runs["vae"] / "plots" / "samples.png") == (2 * CELL + 2, 2 * CELL + 2)
    assert png_size(runs["vae"] / "samples.png") == (8 * CELL + 2, 8 * CELL + 2)  # the training grid stays
