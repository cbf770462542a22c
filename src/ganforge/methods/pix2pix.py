"""pix2pix (Isola et al. 2017): a U-Net learns input -> target from aligned pairs, judged by a conditional
PatchGAN that sees (input, output) together, plus lambda_L1 * L1 to the target for the low frequencies."""
import math
from dataclasses import dataclass

import torch
from torchmetrics.functional.image import peak_signal_noise_ratio, structural_similarity_index_measure

from ..data import to_float
from ..errors import GanforgeError
from ..config_ranges import NON_NEGATIVE, declare_ranges
from ..nets.init import dcgan_init
from ..nets.patchgan import PatchDiscriminator
from ..nets.unet import UNetGenerator
from .registry import register
from .gan_losses import target_loss
from .image_to_image import ImageToImage, ImageToImageConfig, l1_01


@dataclass
class Pix2PixConfig(ImageToImageConfig):
    downs: int = 0  # U-Net halvings; 0: down to 1x1 (8 at 256, 7 at 128)
    dropout: bool = True  # in the first three decoder blocks, training only
    l1_weight: float = 100.0


declare_ranges(Pix2PixConfig, downs=NON_NEGATIVE, l1_weight=NON_NEGATIVE)


@register("pix2pix", Pix2PixConfig)
class Pix2Pix(ImageToImage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        m, c = self.model_cfg, self.channels
        downs = m.downs or int(math.log2(self.size))
        if self.size % 2 ** downs:
            raise GanforgeError(f"data.image_size={self.size} is not a multiple of 2^{downs}: the U-Net needs it "
                                "(use 128 or 256, or set model.downs)")
        self.generator = self.place(UNetGenerator(c, c, m.generator_features, downs, m.norm, m.dropout))
        self.discriminator = self.place(PatchDiscriminator(2 * c, m.discriminator_features, m.discriminator_layers,
                                                           m.norm))
        for net in (self.generator, self.discriminator):
            dcgan_init(net)
        self.train_generator, self.train_discriminator = self.wrap(self.generator), self.wrap(self.discriminator)
        self.generator_optimizer = self.adam(self.generator)
        self.discriminator_optimizer = self.adam(self.discriminator)

    def network_for(self, direction=None):
        trained = self.info.direction
        if direction not in (None, trained):
            raise GanforgeError(f"this pix2pix run learned {trained} only; translate with --direction {trained} "
                                "(CycleGAN runs translate both ways)")
        return self.generator

    def train_step(self, batch):
        inputs, targets = self.split(self.jitter(batch[0]))
        kind = self.model_cfg.loss
        with self.autocast():
            fakes = self.train_generator(inputs)
            real_scores = self.train_discriminator(torch.cat([inputs, targets], 1))
            # detach: D's step must not reach G
            fake_scores = self.train_discriminator(torch.cat([inputs, fakes.detach()], 1))
        d_loss = 0.5 * (target_loss(kind, real_scores.float(), True) + target_loss(kind, fake_scores.float(), False))
        self.discriminator_optimizer.zero_grad(set_to_none=True)
        d_loss.backward()
        self.discriminator_optimizer.step()
        with self.autocast():
            scores = self.train_discriminator(torch.cat([inputs, fakes], 1))
        g_gan = target_loss(kind, scores.float(), True)
        g_l1 = (fakes.float() - targets).abs().mean()
        self.generator_optimizer.zero_grad(set_to_none=True)
        (g_gan + self.model_cfg.l1_weight * g_l1).backward()
        self.generator_optimizer.step()
        self.step_schedules()
        return {"d_loss": d_loss.detach(), "g_gan": g_gan.detach(), "g_l1": g_l1.detach()}

    def evaluate(self, data):
        """L1 (on the [0, 1] scale), PSNR (dB) and SSIM of outputs against targets, means over held-out images."""
        l1, psnr, ssim = [], [], []
        for inputs, targets in self.held_out_pairs(data):
            outputs = self.run(self.generator, inputs)
            out01, target01 = (outputs + 1) / 2, (targets + 1) / 2
            l1.append(l1_01(outputs, targets))
            psnr.append(peak_signal_noise_ratio(out01, target01, data_range=1.0, reduction="none", dim=(1, 2, 3)))
            ssim.append(structural_similarity_index_measure(out01, target01, data_range=1.0, reduction="none"))
        return {"l1": float(torch.cat(l1).mean()), "psnr": float(torch.cat(psnr).mean()),
                "ssim": float(torch.cat(ssim).mean())}

    def fixed_grid(self, count, seed):
        """Rows of input | output | target for the preview pairs."""
        inputs, targets = self.split(to_float(self.previews))
        outputs = self.run(self.generator, inputs) if len(inputs) else inputs
        return torch.stack([inputs, outputs, targets], 1).flatten(0, 1), 3

    def state_dict(self):
        return {**super().state_dict(), "generator": self.generator.state_dict(),
                "discriminator": self.discriminator.state_dict(),
                "generator_optimizer": self.generator_optimizer.state_dict(),
                "discriminator_optimizer": self.discriminator_optimizer.state_dict()}

    def load_state_dict(self, state):
        super().load_state_dict(state)
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.generator_optimizer.load_state_dict(state["generator_optimizer"])
        self.discriminator_optimizer.load_state_dict(state["discriminator_optimizer"])
