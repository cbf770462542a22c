"""Adding a method is one file and one recipe: a tiny GAN-like method, defined and registered here only, that
declares the Generator and DiscriminatorScorer capabilities, trains a few steps and then works in every tool for
generators (the app's Generate tab, sample, interpolate, rank, export, eval) with no edit anywhere else."""
import math
from dataclasses import dataclass

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from ganforge import load, registry, train
from ganforge.app.generate import generate
from ganforge.app.runs import RunCache, choices
from ganforge.capabilities import DiscriminatorScorer, Generator
from ganforge.cli import main
from ganforge.methods.base import Method, adam, latent_noise, seeded
from ganforge.run_index import find_runs
from conftest import make_image_folder

NAME = "throwaway-gan"
SIZE = 16


@dataclass
class ThrowawayConfig:
    latent_dim: int = 8
    hidden: int = 32
    lr: float = 2e-4


class TinyGenerator(nn.Module):
    def __init__(self, latent_dim: int, hidden: int, shape: tuple[int, int, int]):
        super().__init__()
        self.shape = shape
        self.net = nn.Sequential(nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, math.prod(shape)))

    def forward(self, noise, labels=None):
        return torch.tanh(self.net(noise)).view(-1, *self.shape)


class ThrowawayGAN(Method, Generator, DiscriminatorScorer):
    """The smallest GAN: an MLP generator and an MLP discriminator, the non-saturating loss."""
    conditional = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        m, shape = self.model_cfg, self.info.image_shape
        self.generator = TinyGenerator(m.latent_dim, m.hidden, shape).to(self.device)
        self.discriminator = nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), m.hidden),
                                           nn.LeakyReLU(0.2), nn.Linear(m.hidden, 1)).to(self.device)
        self.opt_g = adam(self.generator.parameters(), m.lr, (0.5, 0.999), self.device)
        self.opt_d = adam(self.discriminator.parameters(), m.lr, (0.5, 0.999), self.device)

    @property
    def sampler(self):
        return self.generator

    def noise(self, n, generator=None):
        return latent_noise(n, self.model_cfg.latent_dim, self.device, generator)

    def train_step(self, batch):
        real, _ = batch
        fake = self.generator(self.noise(real.shape[0]))
        loss_d = (F.softplus(-self.discriminator(real)) + F.softplus(self.discriminator(fake.detach()))).mean()
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        loss_g = F.softplus(-self.discriminator(fake)).mean()
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        return {"loss_d": loss_d.detach(), "loss_g": loss_g.detach()}

    @torch.no_grad()
    def generate(self, noise, labels=None):
        return self.generator(noise.to(self.device)).float().cpu()

    def sample(self, n, labels=None, seed=None):
        return self.generate(self.noise(n, seeded(seed)))

    def fixed_grid(self, count, seed):
        return self.sample(count, seed=seed), max(1, int(count ** 0.5))

    @torch.no_grad()
    def discriminator_scores(self, images, labels=None):
        return self.discriminator(images.to(self.device)).float().flatten().cpu()

    def state_dict(self):
        return {name: getattr(self, name).state_dict() for name in ("generator", "discriminator", "opt_g", "opt_d")}

    def load_state_dict(self, state):
        for name, value in state.items():
            getattr(self, name).load_state_dict(value)


RECIPE = f"""method: {NAME}
data: {{name: folder, image_size: {SIZE}, channels: 3, cache: false}}
model: {{latent_dim: 8, hidden: 32}}
train: {{batch_size: 8, steps: 4, sample_every: 2, log_every: 1, progress: false, tensorboard: false}}
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The method registered the way a method file registers itself, trained 4 steps from its own recipe."""
    registry.register(NAME, ThrowawayConfig)(ThrowawayGAN)
    root = tmp_path_factory.mktemp("throwaway")
    recipe = root / f"{NAME}.yaml"
    recipe.write_text(RECIPE)
    folder = make_image_folder(root / "shapes", per_class=8)
    yield train(str(recipe), [f"data.root={folder}", f"train.out_dir={root / 'runs'}"], announce=lambda *a: None)
    registry._METHODS.pop(NAME)  # leave the registry as the other tests expect it


def test_it_trains_and_loads_as_a_generator(run):
    trained = load(run)
    assert isinstance(trained.method, ThrowawayGAN) and trained.step == 4
    images = trained.sample(5, seed=1)
    assert images.shape == (5, 3, SIZE, SIZE) and images.abs().max() <= 1
    assert torch.equal(images, trained.sample(5, seed=1))


def test_it_is_listed_in_the_generate_tab_and_draws_there(run, tmp_path):
    runs = find_runs(run.parent)
    assert [folder for _, folder in choices(runs, "generative")] == [str(run)]
    assert choices(runs, "image") == [] and str(run) not in {folder for _, folder in choices(runs, "vae")}
    grid, png, caption = generate(RunCache().get(str(run)), 4, seed=2, out_dir=tmp_path)
    assert png.is_file() and grid.size[0] >= 2 * SIZE and "unconditional" in caption


def test_sample_interpolate_and_rank_commands(run, tmp_path):
    assert main(["sample", str(run), "-n", "4", "-o", str(tmp_path / "sample.png")]) == 0
    assert Image.open(tmp_path / "sample.png").size[0] >= 2 * SIZE
    assert main(["interpolate", str(run), "--pairs", "2", "--steps", "3", "-o", str(tmp_path / "path.png")]) == 0
    assert Image.open(tmp_path / "path.png").size[0] >= 3 * SIZE
    assert main(["rank", str(run), "-n", "8", "--top", "2", "--bottom", "2", "-o", str(tmp_path / "ranked.png")]) == 0
    assert (tmp_path / "ranked.png").is_file()


def test_export_matches_pytorch(run, tmp_path, capsys):
    out = tmp_path / "g.pt"
    assert main(["export", str(run), "--format", "torchscript", "-o", str(out)]) == 0
    assert "inputs: noise" in capsys.readouterr().out
    noise = torch.randn(3, 8)
    exported = torch.jit.load(str(out))(noise)
    torch.testing.assert_close(exported, load(run).method.generate(noise))


def test_eval_scores_its_samples(run, monkeypatch, capsys):
    from test_metrics import TinyFeatures
    monkeypatch.setattr("ganforge.metrics.context.InceptionFeatures", TinyFeatures)
    assert main(["eval", str(run), "--metrics", "fid,kid", "-n", "16"]) == 0
    assert "appended 2 lines" in capsys.readouterr().out
