"""Gatys et al. (2016) neural style transfer: optimise the pixels of one image so its VGG19 features match a
content photo (relu4_2) and its Gram matrices match one or more style images (relu1_1 ... relu5_1).

Coarse-to-fine for speed: most iterations run at a small size (default 256), where a step costs ~4x less;
the upsampled result then starts a few iterations at the full size, which add the fine detail.
"""
import torch
import torch.nn.functional as F
from PIL import Image

from .data.pil_images import image_to_tensor, resize_longer_side, tensor_to_image
from .errors import GanforgeError
from .methods.base import uses_bf16
from .methods.style_losses import PerceptualLoss
from .nets.vgg_features import VGGFeatures
from .style_options import GatysOptions, make_options

DEFAULT_STEPS = 200


def steps_per_scale(sizes: list[int], steps: int, coarse_fraction: float) -> list[int]:
    """Split `steps` over the scales: `coarse_fraction` of them evenly over the coarse ones, the rest last."""
    if len(sizes) == 1:
        return [steps]
    final = max(1, round(steps * (1 - coarse_fraction)))
    coarse = [(steps - final) // (len(sizes) - 1)] * (len(sizes) - 1)
    coarse[0] += steps - final - sum(coarse)
    return [*coarse, final]


def preserve_colors(stylised: Image.Image, content: Image.Image) -> Image.Image:
    """Luminance from the stylised image, chroma from the content (Gatys et al. 2017, luminance-only transfer)."""
    y, _, _ = stylised.convert("YCbCr").split()
    _, cb, cr = content.resize(stylised.size, Image.Resampling.LANCZOS).convert("YCbCr").split()
    return Image.merge("YCbCr", (y, cb, cr)).convert("RGB")


class GatysStylizer:
    """Holds the VGG19 extractor so several images can be stylised without reloading it."""

    def __init__(self, options: GatysOptions):
        self.options = options
        self.device = torch.device(options.device)
        self.bf16 = uses_bf16(options.precision, self.device)
        layers = [options.content_layer, *options.style_layers]
        extractor = VGGFeatures(list(dict.fromkeys(layers)), options.vgg_weights, options.vgg_kind).to(self.device)
        try:
            self.loss = PerceptualLoss(extractor, [options.content_layer], options.style_layers,
                                       options.style_layer_weights, options.content_weight, options.style_weight,
                                       options.tv_weight)
        except ValueError as err:
            raise GanforgeError(f"{err}: give one weight per style layer") from None

    def stylize(self, content: Image.Image, styles: list[Image.Image], size: int, steps: int,
                style_weights: list[float] | None = None, on_step=None) -> Image.Image:
        opts = self.options
        if steps < 1 or size < 16:
            raise GanforgeError(f"steps={steps}, size={size}: need at least 1 step and a size of 16 pixels or more")
        if style_weights is not None and len(style_weights) != len(styles):
            raise GanforgeError(f"{len(style_weights)} style weights for {len(styles)} style images: give one each")
        sizes = sorted({s for s in opts.coarse_sizes if s < size}) + [size]
        plan = steps_per_scale(sizes, steps, opts.coarse_fraction)
        generator = torch.Generator().manual_seed(opts.seed)
        image, done = None, 0
        for scale, scale_steps in zip(sizes, plan):
            content_scaled = resize_longer_side(content, scale)
            target = image_to_tensor(content_scaled).to(self.device)
            style_side = max(16, round(scale * opts.style_scale))
            self.loss.set_style([image_to_tensor(resize_longer_side(s, style_side)).to(self.device) for s in styles],
                                style_weights)
            content_features = self.loss.content_features(target)
            if image is None:
                image = target.clone() if opts.init == "content" else \
                    (torch.randn(target.shape, generator=generator) * 0.5).clamp(-1, 1).to(self.device)
            else:
                image = F.interpolate(image, size=target.shape[-2:], mode="bicubic", align_corners=False).clamp(-1, 1)
            image = self.optimise(image, content_features, scale_steps, done, steps, on_step)
            done += scale_steps
        result = tensor_to_image(image.clamp(-1, 1))
        if opts.preserve_color:
            result = preserve_colors(result, content)
        return result.resize(content.size, Image.Resampling.LANCZOS) if result.size != content.size else result

    def optimise(self, image: torch.Tensor, content_features: dict, steps: int, done: int, total: int,
                 on_step) -> torch.Tensor:
        opts = self.options
        image = image.detach().requires_grad_(True)
        if opts.optimizer == "lbfgs":
            # max_iter=1: one closure evaluation per step() call; the curvature history persists across calls.
            optimizer = torch.optim.LBFGS([image], lr=opts.lr or 1.0, max_iter=1, history_size=50)
        else:
            optimizer = torch.optim.Adam([image], lr=opts.lr or 0.02)
        last = {}

        def closure():
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
                terms = self.loss(image, content_features)
            terms["loss"].backward()
            last.update({name: value.detach() for name, value in terms.items()})
            return terms["loss"]

        for k in range(steps):
            optimizer.step(closure)
            if opts.optimizer == "adam":
                with torch.no_grad():
                    image.clamp_(-1, 1)
            step = done + k + 1
            if on_step is not None:
                on_step(step, total, float(last["loss"]))
            if opts.snapshot_every and opts.on_snapshot and step % opts.snapshot_every == 0 and step < total:
                opts.on_snapshot(step, tensor_to_image(image.detach().clamp(-1, 1)))
        return image.detach()


def stylize(content: Image.Image, style: Image.Image | list[Image.Image], *, size: int = 512,
            steps: int = DEFAULT_STEPS, style_weights=None, on_step=None, **options) -> Image.Image:
    """Gatys style transfer of a PIL `content` image in the style of one or more PIL `style` images.

    `size` is the working size (longer side); the result has the content image's size. `style_weights` blend
    several styles; `on_step(step, total, loss)` reports progress; `options` are GatysOptions fields
    (content_layer, style_weight, tv_weight, optimizer, init, preserve_color, coarse_sizes, vgg_weights, ...).
    """
    styles = list(style) if isinstance(style, (list, tuple)) else [style]
    if not styles:
        raise GanforgeError("no style image given: pass at least one")
    stylizer = GatysStylizer(make_options(options))
    return stylizer.stylize(content.convert("RGB"), [s.convert("RGB") for s in styles], size, steps,
                            style_weights, on_step)
