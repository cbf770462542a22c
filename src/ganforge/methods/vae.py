"""Variational autoencoder (Kingma & Welling 2014): Bernoulli pixels, Gaussian q(z|x), N(0, I) prior.

Pixels in [-1, 1] are mapped to [0, 1] as Bernoulli means; the loss is the negative ELBO in nats per image:
the binary cross-entropy summed over pixels plus KL(q(z|x) || N(0, I)) in closed form.
"""
import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..data import ImageData, to_float
from ..errors import GanforgeError
from ..config_ranges import FRACTION, POSITIVE, RATE, declare_ranges
from ..capabilities import Autoencoder, Generator
from ..nets.vae import ConvDecoder, ConvEncoder, DecodedImages, MLPDecoder, MLPEncoder
from .registry import register
from .base import Method, adam, latent_noise, seeded


@dataclass
class VaeConfig:
    architecture: str = "mlp"  # mlp | conv
    latent_dim: int = 2
    mlp_hidden: list[int] = field(default_factory=lambda: [512])  # encoder widths; the decoder uses them reversed
    features: int = 32  # conv: channels of the encoder's first conv and the decoder's last hidden layer
    lr: float = 1e-3
    betas: list[float] = field(default_factory=lambda: [0.9, 0.999])


declare_ranges(VaeConfig, latent_dim=POSITIVE, mlp_hidden=POSITIVE, features=POSITIVE, lr=RATE, betas=FRACTION)


def kl_divergence(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(log_var)) || N(0, I)) per row, summed over latent dimensions."""
    return 0.5 * (mean.pow(2) + log_var.exp() - 1 - log_var).sum(1)


def reparameterize(mean: torch.Tensor, log_var: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """z = mean + sigma * eps: the noise is an input, so gradients reach mean and log_var."""
    eps = torch.randn(mean.shape, generator=generator, dtype=mean.dtype).to(mean.device) if generator is not None \
        else torch.randn_like(mean)
    return mean + (0.5 * log_var).exp() * eps


def bernoulli_nll(logits: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """-log p(x|z) per image in nats, for images in [-1, 1] read as Bernoulli means in [0, 1]."""
    targets = images.float().add(1).div(2)
    return F.binary_cross_entropy_with_logits(logits.float(), targets, reduction="none").flatten(1).sum(1)


def bits_per_dim(nats_per_image: float, dims: int) -> float:
    return nats_per_image / (dims * math.log(2))


def build_networks(cfg: VaeConfig, image_shape: tuple[int, int, int]) -> tuple[nn.Module, nn.Module]:
    if cfg.latent_dim < 1:
        raise GanforgeError(f"model.latent_dim must be at least 1, not {cfg.latent_dim}")
    if cfg.architecture == "mlp":
        return MLPEncoder(image_shape, cfg.latent_dim, cfg.mlp_hidden), MLPDecoder(cfg.latent_dim, image_shape,
                                                                                   cfg.mlp_hidden)
    if cfg.architecture == "conv":
        try:
            return ConvEncoder(image_shape, cfg.latent_dim, cfg.features), ConvDecoder(cfg.latent_dim, image_shape,
                                                                                       cfg.features)
        except ValueError as err:
            raise GanforgeError(f"{err} (set data.image_size)") from None
    raise GanforgeError(f"unknown model.architecture '{cfg.architecture}' for the vae: use mlp or conv")


@register("vae", VaeConfig)
class VAE(Method, Generator, Autoencoder):
    conditional = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        m = self.model_cfg
        conv = m.architecture == "conv"
        encoder, decoder = build_networks(m, self.info.image_shape)
        self.encoder, self.decoder = self.place(encoder, conv), self.place(decoder, conv)
        self.train_encoder, self.train_decoder = self.wrap(self.encoder), self.wrap(self.decoder)
        params = [*self.encoder.parameters(), *self.decoder.parameters()]
        self.optimizer = adam(params, m.lr, m.betas, self.device)

    def negative_elbo(self, images: torch.Tensor, generator: torch.Generator | None = None,
                      encoder: nn.Module | None = None, decoder: nn.Module | None = None):
        """(reconstruction nats, KL nats) per image, one z drawn from q(z|x) per image."""
        encoder = self.encoder if encoder is None else encoder
        decoder = self.decoder if decoder is None else decoder
        with self.autocast():
            mean, log_var = encoder(images)
            logits = decoder(reparameterize(mean.float(), log_var.float(), generator))
        return bernoulli_nll(logits, images), kl_divergence(mean.float(), log_var.float())

    def train_step(self, batch):
        images, _ = batch
        reconstruction, kl = self.negative_elbo(images, encoder=self.train_encoder, decoder=self.train_decoder)
        loss = (reconstruction + kl).mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return {"neg_elbo": loss.detach(), "reconstruction": reconstruction.detach().mean(), "kl": kl.detach().mean()}

    @torch.no_grad()
    def evaluate(self, data: ImageData, batch_size: int = 500) -> dict[str, float]:
        # Its own seeded generator: evaluating must not move the training RNG (resume stays exact).
        generator = torch.Generator().manual_seed(0)
        totals = torch.zeros(2, dtype=torch.float64)
        for start in range(0, len(data), batch_size):
            images = to_float(data.images[start: start + batch_size]).to(self.device)
            reconstruction, kl = self.negative_elbo(images, generator)
            totals += torch.stack([reconstruction.sum(), kl.sum()]).double().cpu()
        reconstruction, kl = (totals / len(data)).tolist()
        dims = math.prod(self.info.image_shape)
        return {"neg_elbo_nats": reconstruction + kl, "bits_per_dim": bits_per_dim(reconstruction + kl, dims),
                "reconstruction_nats": reconstruction, "kl_nats": kl}

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Draws from the prior N(0, I)."""
        return latent_noise(n, self.model_cfg.latent_dim, self.device, generator)

    @torch.no_grad()
    def encode(self, images: torch.Tensor, batch_size: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
        """(mean, log_var) of q(z|x) on the CPU, for images in [-1, 1]."""
        means, log_vars = [], []
        for start in range(0, images.shape[0], batch_size):
            mean, log_var = self.encoder(images[start: start + batch_size].float().to(self.device))
            means.append(mean.float().cpu())
            log_vars.append(log_var.float().cpu())
        return torch.cat(means), torch.cat(log_vars)

    @torch.no_grad()
    def generate(self, noise: torch.Tensor, labels: torch.Tensor | None = None, batch_size: int = 500) -> torch.Tensor:
        """Decoded Bernoulli means as images in [-1, 1] (fp32, on the CPU); `labels` is ignored."""
        out = []
        for start in range(0, noise.shape[0], batch_size):
            logits = self.decoder(noise[start: start + batch_size].float().to(self.device))
            out.append(torch.sigmoid(logits.float()).mul(2).sub(1).cpu())
        return torch.cat(out)

    @property
    def sampler(self) -> nn.Module:
        """The decoder with its Bernoulli means as images in [-1, 1] (what `generate` returns): export writes it."""
        return DecodedImages(self.decoder)

    def reconstruct(self, images: torch.Tensor) -> torch.Tensor:
        """Decode each image's posterior mean: the VAE's best guess of its input, in [-1, 1]."""
        return self.generate(self.encode(images)[0])

    def sample(self, n, labels=None, seed=None):
        return self.generate(self.noise(n, seeded(seed)))

    def fixed_grid(self, count, seed):
        return self.sample(count, seed=seed), max(1, int(count ** 0.5))

    @classmethod
    def inference_state(cls, state: dict, model: dict) -> dict:
        return {"encoder": state["encoder"], "decoder": state["decoder"]}

    def state_dict(self):
        return {"encoder": self.encoder.state_dict(), "decoder": self.decoder.state_dict(),
                "optimizer": self.optimizer.state_dict()}

    def load_state_dict(self, state):
        self.encoder.load_state_dict(state["encoder"])
        self.decoder.load_state_dict(state["decoder"])
        self.optimizer.load_state_dict(state["optimizer"])
