"""CycleGAN (Zhu et al. 2017): two generators G: A -> B and F: B -> A learned from unpaired domains. Each is
judged by a PatchGAN on its output domain (least squares); cycle consistency F(G(a)) ~ a, G(F(b)) ~ b ties the
two together, and the identity loss G(b) ~ b keeps colours from drifting."""
from dataclasses import dataclass

import torch

from ..data import to_float
from ..errors import GanforgeError
from ..config_ranges import NON_NEGATIVE, declare_ranges
from ..nets.init import dcgan_init
from ..nets.patchgan import PatchDiscriminator
from ..nets.resnet_generator import ResnetGenerator
from ..capabilities import DIRECTIONS
from .registry import register
from .gan_losses import target_loss
from .image_pool import ImagePool
from .image_to_image import ImageToImage, ImageToImageConfig, l1_01


@dataclass
class CycleGANConfig(ImageToImageConfig):
    norm: str = "instance"
    loss: str = "lsgan"
    residual_blocks: int = 9  # 9 at 256x256, 6 at 128x128
    cycle_weight: float = 10.0
    identity_weight: float = 0.5  # times cycle_weight, as in the reference code; 0 turns it off
    pool_size: int = 50


declare_ranges(CycleGANConfig, residual_blocks=NON_NEGATIVE, cycle_weight=NON_NEGATIVE,
               identity_weight=NON_NEGATIVE, pool_size=NON_NEGATIVE)


@register("cyclegan", CycleGANConfig)
class CycleGAN(ImageToImage):
    two_way = True
    NETWORKS = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        m, c = self.model_cfg, self.channels
        if self.size % 4:
            raise GanforgeError(f"data.image_size={self.size} is not a multiple of 4, which the ResNet generator "
                                "needs (use 128 or 256)")
        self.generator_ab, self.generator_ba = (
            self.place(ResnetGenerator(c, c, m.generator_features, m.residual_blocks, m.norm)) for _ in range(2))
        self.discriminator_a, self.discriminator_b = (
            self.place(PatchDiscriminator(c, m.discriminator_features, m.discriminator_layers, m.norm))
            for _ in range(2))
        for net in self.networks():
            dcgan_init(net)
        self.train_ab, self.train_ba, self.train_da, self.train_db = map(self.wrap, self.networks())
        self.generator_optimizer = self.adam(self.generator_ab, self.generator_ba)
        self.discriminator_optimizer = self.adam(self.discriminator_a, self.discriminator_b)
        self.pool_a, self.pool_b = ImagePool(m.pool_size), ImagePool(m.pool_size)

    def networks(self):
        return [getattr(self, name) for name in self.NETWORKS]

    def network_for(self, direction=None):
        if direction not in (None, *DIRECTIONS):
            raise GanforgeError(f"unknown direction '{direction}': use AtoB or BtoA")
        return self.generator_ba if direction == "BtoA" else self.generator_ab

    def train_step(self, batch):
        m, kind = self.model_cfg, self.model_cfg.loss
        real_a, real_b = self.split(self.jitter(batch[0]))
        with self.autocast():
            fake_b, fake_a = self.train_ab(real_a), self.train_ba(real_b)
            cycled_a, cycled_b = self.train_ba(fake_b), self.train_ab(fake_a)
            scores_b, scores_a = self.train_db(fake_b), self.train_da(fake_a)
        g_gan = target_loss(kind, scores_b.float(), True) + target_loss(kind, scores_a.float(), True)
        cycle = (cycled_a.float() - real_a).abs().mean() + (cycled_b.float() - real_b).abs().mean()
        g_loss = g_gan + m.cycle_weight * cycle
        identity = torch.zeros((), device=self.device)
        if m.identity_weight > 0:
            with self.autocast():
                same_b, same_a = self.train_ab(real_b), self.train_ba(real_a)
            identity = (same_b.float() - real_b).abs().mean() + (same_a.float() - real_a).abs().mean()
            g_loss = g_loss + m.cycle_weight * m.identity_weight * identity
        self.generator_optimizer.zero_grad(set_to_none=True)
        g_loss.backward()
        self.generator_optimizer.step()
        # D sees the newest fakes mixed with older ones from the pools; zero_grad drops what G's backward left.
        old_b, old_a = self.pool_b.query(fake_b.float()), self.pool_a.query(fake_a.float())
        with self.autocast():
            d_terms = [(self.train_da, real_a, old_a), (self.train_db, real_b, old_b)]
            d_scores = [(d(real), d(old)) for d, real, old in d_terms]
        d_loss = sum(0.5 * (target_loss(kind, real.float(), True) + target_loss(kind, fake.float(), False))
                     for real, fake in d_scores)
        self.discriminator_optimizer.zero_grad(set_to_none=True)
        d_loss.backward()
        self.discriminator_optimizer.step()
        self.step_schedules()
        return {"d_loss": d_loss.detach(), "g_gan": g_gan.detach(), "cycle": cycle.detach(),
                "identity": identity.detach()}

    def evaluate(self, data):
        """Cycle reconstruction error |F(G(a)) - a| and |G(F(b)) - b| on held-out images ([0, 1] scale)."""
        errors_a, errors_b = [], []
        for real_a, real_b in self.held_out_pairs(data):
            errors_a.append(l1_01(self.run(self.generator_ba, self.run(self.generator_ab, real_a)), real_a))
            errors_b.append(l1_01(self.run(self.generator_ab, self.run(self.generator_ba, real_b)), real_b))
        return {"cycle_a": float(torch.cat(errors_a).mean()), "cycle_b": float(torch.cat(errors_b).mean())}

    def fixed_grid(self, count, seed):
        """Rows of A | G(A) | F(G(A)) | B | F(B) | G(F(B)) for the preview pairs."""
        real_a, real_b = self.split(to_float(self.previews))
        if not len(real_a):
            return real_a, 6
        fake_b, fake_a = self.run(self.generator_ab, real_a), self.run(self.generator_ba, real_b)
        cycled_a, cycled_b = self.run(self.generator_ba, fake_b), self.run(self.generator_ab, fake_a)
        return torch.stack([real_a, fake_b, cycled_a, real_b, fake_a, cycled_b], 1).flatten(0, 1), 6

    def state_dict(self):
        return {**super().state_dict(), **{name: getattr(self, name).state_dict() for name in self.NETWORKS},
                "generator_optimizer": self.generator_optimizer.state_dict(),
                "discriminator_optimizer": self.discriminator_optimizer.state_dict(),
                "pool_a": self.pool_a.state_dict(), "pool_b": self.pool_b.state_dict()}

    def load_state_dict(self, state):
        super().load_state_dict(state)
        for name in self.NETWORKS:
            getattr(self, name).load_state_dict(state[name])
        self.generator_optimizer.load_state_dict(state["generator_optimizer"])
        self.discriminator_optimizer.load_state_dict(state["discriminator_optimizer"])
        self.pool_a.load_state_dict(state["pool_a"], self.device)
        self.pool_b.load_state_dict(state["pool_b"], self.device)
