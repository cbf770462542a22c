"""The GAN family as one method with pluggable parts: architecture, loss, conditioning, critic schedule, EMA.

MLP GAN, DCGAN, conditional GAN, WGAN (weight clipping), WGAN-GP, LSGAN and hinge GAN are recipes of it.
"""
from dataclasses import dataclass, field
from functools import partial

import torch
import torch.nn as nn

from ..data.attributes import attribute_sizes
from ..errors import GanforgeError
from ..config_ranges import FRACTION, NON_NEGATIVE, POSITIVE, RATE, declare_ranges
from ..nets import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator, dcgan_init
from ..nets.diffaugment import diff_augment, parse_policy
from ..nets.spectral import apply_spectral_norm
from ..capabilities import DiscriminatorScorer, Generator, RunPictures
from .registry import register
from .base import Method, adam, latent_noise, seeded
from .ema import EMA
from .gan_losses import LOSSES, discriminator_loss, fake_side_loss, generator_loss, gradient_penalty
from .gan_monitor import discriminator_stats
from .regularizers import r1_penalty


@dataclass
class GanConfig:
    architecture: str = "dcgan"  # mlp | dcgan
    latent_dim: int = 100
    features: int = 64  # DCGAN: channels of D's first conv and G's last hidden layer
    mlp_hidden: list[int] = field(default_factory=lambda: [256, 512, 1024])  # G's widths; D uses them reversed
    dropout: float = 0.3  # MLP discriminator
    init: str = "dcgan"  # dcgan: N(0, 0.02) | default: PyTorch's
    conditional: bool = False  # class-conditional G and D (needs labelled data)
    embed_dim: int = 32
    loss: str = "bce"  # bce (non-saturating) | saturating (original minimax G loss) | wgan | lsgan | hinge
    d_norm: str = "batch"  # batch | instance | layer | none
    n_critic: int = 1  # discriminator steps per generator step
    critic_warmup: bool = False  # Arjovsky et al.: 100 critic steps for the first 25 generator steps and every 500th
    clip_value: float = 0.0  # WGAN weight clipping; 0 = off
    gradient_penalty: float = 0.0  # WGAN-GP weight (10 in the paper); 0 = off
    optimizer: str = "adam"  # adam | rmsprop
    # Different rates for G and D are the two time-scale update rule (TTUR, Heusel et al. 2017).
    lr_generator: float = 2e-4
    lr_discriminator: float = 2e-4
    betas: list[float] = field(default_factory=lambda: [0.5, 0.999])
    ema_decay: float = 0.0  # generator EMA for sampling (e.g. Karras et al. 2018, Yazici et al. 2019); 0 = off
    # Techniques of the improved (-plus) recipes, each off by default (benchmarks/ABLATION.md measures them):
    diffaugment: str = ""  # DiffAugment (Zhao et al. 2020) of D's real and fake inputs: color,translation,cutout
    spectral_norm: bool = False  # spectral normalisation of D's weights (Miyato et al. 2018)
    # Where D takes the label: input (one-hot planes joined to the image, the textbooks' cGAN), concat (its
    # embedding joined to D's features) or projection (Miyato & Koyama 2018).
    conditioning: str = "concat"
    # G's batch norms take their scale and shift from the label (de Vries et al. 2017), as in Miyato & Koyama's
    # generator; DCGAN only.
    conditional_norm: bool = False
    r1: float = 0.0  # R1 (Mescheder et al. 2018): r1/2 * E||grad D(x_real)||^2 added to D's loss; 0 = off
    r1_every: int = 1  # lazy R1 (StyleGAN2, Karras et al. 2020): every N-th step only, weighted N
    # AC-GAN (Odena et al. 2017): D also classifies real images, G is also trained so that its fakes are read as
    # their labels; the weight of both cross-entropies. Conditional DCGAN only; 0 = off.
    aux_classifier: float = 0.0
    # Matching-aware D (Reed et al. 2016, GAN-CLS): real images paired with a wrong label are also fakes to D,
    # weighted so; D must check that image and label agree. Conditional runs only; 0 = off.
    mismatch: float = 0.0


declare_ranges(GanConfig, latent_dim=POSITIVE, features=POSITIVE, mlp_hidden=POSITIVE, dropout=FRACTION,
               embed_dim=POSITIVE, n_critic=POSITIVE, clip_value=NON_NEGATIVE, gradient_penalty=NON_NEGATIVE,
               lr_generator=RATE, lr_discriminator=RATE, betas=FRACTION, ema_decay=FRACTION,
               r1=NON_NEGATIVE, r1_every=POSITIVE, aux_classifier=NON_NEGATIVE, mismatch=NON_NEGATIVE)


def build_networks(cfg: GanConfig, image_shape: tuple[int, int, int],
                   class_names: list[str]) -> tuple[nn.Module, nn.Module]:
    sizes = attribute_sizes(class_names)
    # One attribute: a plain class count (the checkpoints of single-label runs keep their layout).
    classes = (sizes[0] if len(sizes) == 1 else sizes) if cfg.conditional else 0
    for key, off in (("aux_classifier", "0"), ("mismatch", "0"), ("conditional_norm", "false")):
        if getattr(cfg, key) and not cfg.conditional:
            raise GanforgeError(f"model.{key} needs a conditional run (model.conditional=true); set it to {off}")
    if cfg.aux_classifier > 0 and cfg.conditioning == "input":  # its features would have seen the label
        raise GanforgeError("model.aux_classifier with model.conditioning=input lets D's classifier read the label "
                            "from its input planes; use conditioning=concat or projection")
    if cfg.conditioning not in ("input", "concat", "projection"):
        raise GanforgeError(f"unknown model.conditioning '{cfg.conditioning}': use input, concat or projection")
    if cfg.architecture == "mlp":
        if cfg.conditioning != "concat":  # the MLP's D joins the label to the flattened image anyway
            raise GanforgeError(f"model.conditioning={cfg.conditioning} needs model.architecture=dcgan; use concat")
        if cfg.aux_classifier > 0:
            raise GanforgeError("model.aux_classifier needs model.architecture=dcgan; set it to 0")
        if cfg.conditional_norm:
            raise GanforgeError("model.conditional_norm needs model.architecture=dcgan; set it to false")
        generator = MLPGenerator(cfg.latent_dim, image_shape, cfg.mlp_hidden, classes, cfg.embed_dim)
        discriminator = MLPDiscriminator(image_shape, cfg.mlp_hidden[::-1], cfg.dropout, classes, cfg.embed_dim)
    elif cfg.architecture == "dcgan":
        try:
            generator = DCGANGenerator(cfg.latent_dim, image_shape, cfg.features, classes, cfg.embed_dim,
                                       cfg.conditional_norm)
            discriminator = DCGANDiscriminator(image_shape, cfg.features, cfg.d_norm, classes, cfg.embed_dim,
                                               cfg.conditioning, cfg.aux_classifier > 0)
        except ValueError as err:
            raise GanforgeError(f"{err} (set data.image_size)") from None
    else:
        raise GanforgeError(f"unknown model.architecture '{cfg.architecture}': use mlp or dcgan")
    if cfg.init == "dcgan":
        dcgan_init(generator)
        dcgan_init(discriminator)
    if cfg.spectral_norm:  # after init: it reparametrises the initialised weights
        apply_spectral_norm(discriminator)
    return generator, discriminator


def wrong_labels(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Each label moved to another of the classes, uniformly (from the global RNG, which checkpoints keep)."""
    return (labels + torch.randint(1, num_classes, labels.shape, device=labels.device)) % num_classes


def build_optimizer(cfg: GanConfig, params, lr: float, device: torch.device) -> torch.optim.Optimizer:
    if cfg.optimizer == "adam":
        return adam(params, lr, cfg.betas, device)
    if cfg.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    raise GanforgeError(f"unknown model.optimizer '{cfg.optimizer}': use adam or rmsprop")


@register("gan", GanConfig)
class GAN(Method, Generator, DiscriminatorScorer, RunPictures):
    shows_real_images = True  # real.png at the start of a run, next to the generated grids

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        m, info = self.model_cfg, self.info
        if m.loss not in LOSSES:
            raise GanforgeError(f"unknown model.loss '{m.loss}': use one of {', '.join(LOSSES)}")
        if m.conditional and info.num_classes < 2:
            raise GanforgeError("model.conditional=true needs labelled data (class sub-folders or MNIST); "
                                "this dataset has no labels")
        try:
            parse_policy(m.diffaugment)
        except ValueError as err:
            raise GanforgeError(f"model.diffaugment: {err}") from None
        # The same kind of random transform for real and fake images, in D's step and in G's step.
        self.augment = partial(diff_augment, policy=m.diffaugment) if m.diffaugment else (lambda images: images)
        self.last_r1 = torch.zeros(())
        self.batches_per_step = m.n_critic
        self.generator_steps = 0
        conv = m.architecture == "dcgan"
        generator, discriminator = build_networks(m, info.image_shape, info.class_names)
        self.generator = self.place(generator, conv)
        self.discriminator = self.place(discriminator, conv)
        self.train_generator = self.wrap(self.generator)
        self.train_discriminator = self.wrap(self.discriminator)
        self.opt_generator = build_optimizer(m, self.generator.parameters(), m.lr_generator, self.device)
        self.opt_discriminator = build_optimizer(m, self.discriminator.parameters(), m.lr_discriminator, self.device)
        self.ema = EMA(self.generator, m.ema_decay) if m.ema_decay > 0 else None
        # Under DDP every parameter must get a gradient each backward, so D cannot be frozen in G's step.
        self.freeze_d_for_g = not isinstance(self.train_discriminator, nn.parallel.DistributedDataParallel)

    @property
    def conditional(self) -> bool:
        return self.model_cfg.conditional

    @property
    def shows_label_rows(self) -> bool:
        """label_rows.png at the end of a run: the same noise in each row, every class along it."""
        return self.conditional

    def batches_for_next_step(self) -> int:
        """Critic steps for the next generator step; the WGAN warm-up trains the critic near optimality first."""
        done = self.generator_steps
        if self.model_cfg.critic_warmup and (done < 25 or done % 500 == 0):
            return max(100, self.model_cfg.n_critic)
        return self.model_cfg.n_critic

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return latent_noise(n, self.model_cfg.latent_dim, self.device, generator)

    def train_step(self, batch):
        m = self.model_cfg
        images, labels = batch
        critic_steps = self.batches_for_next_step()
        real_chunks = images.chunk(critic_steps)
        label_chunks = labels.chunk(critic_steps) if self.conditional else [None] * critic_steps
        G, D = self.train_generator, self.train_discriminator
        for i, (real, y) in enumerate(zip(real_chunks, label_chunks)):
            # Only the last critic step keeps G's graph: its fakes are reused for the generator step.
            last = i == critic_steps - 1
            r1_now = m.r1 > 0 and self.generator_steps % m.r1_every == 0
            with self.autocast():
                with torch.set_grad_enabled(last):
                    fake = G(self.noise(real.shape[0]), y)
                real_seen = self.augment(real)
                if r1_now:  # R1 differentiates D at the real images as D sees them (augmented)
                    real_seen = real_seen.detach().requires_grad_(True)
                real_scores, class_loss_real = self.scores_and_class_loss(D, real_seen, y)
                fake_scores = D(self.augment(fake.detach()), y).float()
                loss_d = discriminator_loss(m.loss, real_scores, fake_scores)
                if m.mismatch > 0:  # the same real images, each with another class's label, count as fake
                    wrong = D(real_seen.detach(), wrong_labels(y, self.info.num_classes)).float()
                    loss_mismatch = fake_side_loss(m.loss, wrong)
                    loss_d = loss_d + m.mismatch * loss_mismatch
                if class_loss_real is not None:  # D's classifier learns from real images only
                    loss_d = loss_d + m.aux_classifier * class_loss_real
                if m.gradient_penalty > 0:
                    penalty = gradient_penalty(D, real, fake, y)
                    loss_d = loss_d + m.gradient_penalty * penalty
                if r1_now:
                    r1 = r1_penalty(real_scores, real_seen)
                    loss_d = loss_d + m.r1 / 2 * m.r1_every * r1
                    self.last_r1 = r1.detach()
            self.opt_discriminator.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_discriminator.step()
            if m.clip_value > 0:
                with torch.no_grad():
                    for p in self.discriminator.parameters():
                        p.clamp_(-m.clip_value, m.clip_value)
        if self.freeze_d_for_g:
            self.discriminator.requires_grad_(False)
        with self.autocast():
            scores_g, class_loss_fake = self.scores_and_class_loss(D, self.augment(fake), y)
            loss_g = generator_loss(m.loss, scores_g)
            if class_loss_fake is not None:
                loss_g = loss_g + m.aux_classifier * class_loss_fake
        self.opt_generator.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_generator.step()
        if self.freeze_d_for_g:
            self.discriminator.requires_grad_(True)
        if self.ema is not None:
            self.ema.update(self.generator)
        self.generator_steps += 1
        logs = {"loss_d": loss_d.detach(), "loss_g": loss_g.detach(),
                **discriminator_stats(m.loss, real_scores.detach(), fake_scores.detach())}
        if m.gradient_penalty > 0:
            logs["gradient_penalty"] = penalty.detach()
        if m.r1 > 0:  # the latest penalty (lazy R1 computes it every r1_every steps)
            logs["r1_penalty"] = self.last_r1
        if m.mismatch > 0:
            logs["loss_mismatch"] = loss_mismatch.detach()
        if class_loss_fake is not None:  # AC-GAN: D's cross-entropy on real images, and on G's fakes
            logs["class_loss_real"] = class_loss_real.detach()
            logs["class_loss_fake"] = class_loss_fake.detach()
        return logs

    def scores_and_class_loss(self, D, images, labels):
        """D's scores (fp32) and, with the auxiliary classifier (AC-GAN), its cross-entropy against the labels."""
        if self.model_cfg.aux_classifier <= 0:
            return D(images, labels).float(), None
        scores, logits = D(images, labels, classify=True)
        return scores.float(), self.discriminator.classifier.loss(logits, labels)

    @property
    def sampler(self) -> nn.Module:
        return self.ema.model if self.ema is not None else self.generator

    @torch.no_grad()
    def generate(self, noise: torch.Tensor, labels: torch.Tensor | None = None, batch_size: int = 256) -> torch.Tensor:
        """Images in [-1, 1] (fp32, eval mode, on the CPU) from given noise and labels."""
        if self.conditional and labels is None:
            labels = torch.arange(noise.shape[0]) % self.info.num_classes
        generator = self.sampler
        was_training = generator.training
        generator.eval()
        out = []
        for start in range(0, noise.shape[0], batch_size):
            y = labels[start: start + batch_size].to(self.device) if self.conditional else None
            out.append(generator(noise[start: start + batch_size].to(self.device), y).float().cpu())
        generator.train(was_training)
        return torch.cat(out)

    def sample(self, n, labels=None, seed=None):
        if labels is not None:  # one label for all n, or one each
            labels = torch.as_tensor(labels, dtype=torch.long).expand(n)
        return self.generate(self.noise(n, seeded(seed)), labels)

    def fixed_grid(self, count, seed):
        if not self.conditional:
            return self.sample(count, seed=seed), max(1, int(count ** 0.5))
        per_class = max(1, count // self.info.num_classes)
        labels = torch.arange(self.info.num_classes).repeat_interleave(per_class)
        # A row per class reads well up to ~16 images; with few classes (female/male: 32 each) a row of 8,
        # each class filling whole rows, keeps the grid square.
        nrow = per_class if per_class <= 16 or per_class % 8 else 8
        return self.sample(len(labels), labels=labels, seed=seed), nrow

    def discriminator_scores(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        self.discriminator.eval()
        with torch.no_grad():
            scores = self.discriminator(images.to(self.device), labels).float().cpu()
        self.discriminator.train()
        return scores

    def summary_inputs(self) -> list[tuple[str, nn.Module, tuple]]:
        """(title, network, a 1-image dummy input) for the model summary printed at the start of a run."""
        y = torch.zeros(1, dtype=torch.long, device=self.device) if self.conditional else None
        noise = self.noise(1, seeded(0))
        image = torch.zeros(1, *self.info.image_shape, device=self.device)
        return [("generator", self.generator, (noise, y)), ("discriminator", self.discriminator, (image, y))]

    @classmethod
    def inference_state(cls, state: dict, model: dict) -> dict:
        model["ema_decay"] = 0.0  # the EMA weights are the generator now
        return {"generator": state["ema"]["model"] if "ema" in state else state["generator"]}

    def state_dict(self):
        state = {"generator": self.generator.state_dict(), "discriminator": self.discriminator.state_dict(),
                 "opt_generator": self.opt_generator.state_dict(),
                 "opt_discriminator": self.opt_discriminator.state_dict(), "generator_steps": self.generator_steps}
        if self.ema is not None:
            state["ema"] = self.ema.state_dict()
        return state

    def load_state_dict(self, state):
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.opt_generator.load_state_dict(state["opt_generator"])
        self.opt_discriminator.load_state_dict(state["opt_discriminator"])
        self.generator_steps = int(state.get("generator_steps", 0))
        if self.ema is not None:
            self.ema.load_state_dict(state["ema"])
