"""Perceptual losses for style transfer (Gatys et al. 2016; Johnson et al. 2016): content, Gram style, TV.

Content and style errors are divided by the size of their targets, so they are relative errors: the same
weights then work for both VGG weight kinds (whose activations differ ~50x in scale) and every layer.
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..nets.vgg_features import VGGFeatures


def gram_matrix(features: torch.Tensor) -> torch.Tensor:
    """N x C x H x W -> N x C x C channel correlations, divided by C*H*W so image size does not matter."""
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w).float()
    return flat @ flat.transpose(1, 2) / (c * h * w)


def total_variation(images: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference of neighbouring pixels (anisotropic TV): penalises high-frequency noise."""
    return (images[:, :, 1:] - images[:, :, :-1]).abs().mean() + (images[:, :, :, 1:] - images[:, :, :, :-1]).abs().mean()


def relative_mse(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(prediction.float(), target.float()) / target.float().pow(2).mean().clamp_min(1e-8)


@dataclass
class StyleTargets:
    """Blended Gram matrices of the style image(s), one per style layer (1 x C x C)."""
    grams: dict[str, torch.Tensor]


@torch.no_grad()
def style_targets(extractor: VGGFeatures, styles: list[torch.Tensor], layers: list[str],
                  weights: list[float] | None = None) -> StyleTargets:
    """Several styles blend by a weighted mean of their Gram matrices (weights normalised to sum 1)."""
    weights = [1.0] * len(styles) if weights is None else list(weights)
    total = sum(weights)
    grams = {layer: 0 for layer in layers}
    for image, weight in zip(styles, weights):
        features = extractor(image)
        for layer in layers:
            grams[layer] = grams[layer] + gram_matrix(features[layer]) * (weight / total)
    return StyleTargets(grams)


class PerceptualLoss(torch.nn.Module):
    """content_weight * content + style_weight * sum_l w_l * style_l + tv_weight * TV, per batch."""

    def __init__(self, extractor: VGGFeatures, content_layers: list[str], style_layers: list[str],
                 style_layer_weights: list[float] | None, content_weight: float, style_weight: float,
                 tv_weight: float):
        super().__init__()
        self.extractor = extractor
        self.content_layers, self.style_layers = list(content_layers), list(style_layers)
        layer_weights = style_layer_weights or [1.0] * len(style_layers)
        if len(layer_weights) != len(style_layers):
            raise ValueError(f"{len(layer_weights)} style layer weights for {len(style_layers)} style layers")
        self.style_layer_weights = [w / sum(layer_weights) for w in layer_weights]
        self.content_weight, self.style_weight, self.tv_weight = content_weight, style_weight, tv_weight
        self.targets: StyleTargets | None = None

    def set_style(self, styles: list[torch.Tensor], weights: list[float] | None = None) -> None:
        self.targets = style_targets(self.extractor, styles, self.style_layers, weights)

    @torch.no_grad()
    def content_features(self, content: torch.Tensor) -> dict[str, torch.Tensor]:
        features = self.extractor(content)
        return {layer: features[layer].detach() for layer in self.content_layers}

    def forward(self, images: torch.Tensor, content: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Loss terms for `images` (RGB in [-1, 1]) against the content features and the style targets."""
        features = self.extractor(images)
        content_loss = sum(relative_mse(features[layer], content[layer]) for layer in self.content_layers)
        style_loss = sum(w * relative_mse(gram_matrix(features[layer]), self.targets.grams[layer].expand(
            images.shape[0], -1, -1)) for layer, w in zip(self.style_layers, self.style_layer_weights))
        tv_loss = total_variation(images.float())
        total = self.content_weight * content_loss + self.style_weight * style_loss + self.tv_weight * tv_loss
        return {"loss": total, "content": content_loss, "style": style_loss, "tv": tv_loss}
