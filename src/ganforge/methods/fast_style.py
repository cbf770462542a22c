"""Fast feed-forward style transfer (Johnson et al. 2016): train a transform network on a folder of content
photos with the perceptual loss against one style image; then stylising is one forward pass per image.

The VGG19 loss network and the style image are needed for training only: a trained run stylises without them.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import torch

from ..data import to_float, to_uint8
from ..data.pil_images import image_to_tensor, open_image, resize_longer_side
from ..errors import GanforgeError
from ..config_ranges import NON_NEGATIVE, POSITIVE, RATE, declare_ranges
from ..nets.transform_net import TransformNet
from ..nets.vgg_features import VGGFeatures
from ..capabilities import Stylizer
from .registry import register
from .base import Method, adam
from .style_losses import PerceptualLoss


@dataclass
class FastStyleConfig:
    style: Optional[str] = None  # the style image; `style=PATH` at the top level of a recipe or override sets it
    style_size: int = 256  # the style image's longer side when its Gram matrices are taken
    features: int = 32  # channels of the first conv; the network widens to 4x this
    residual_blocks: int = 5
    content_layers: list[str] = field(default_factory=lambda: ["relu2_2"])
    style_layers: list[str] = field(default_factory=lambda: ["relu1_1", "relu2_1", "relu3_1", "relu4_1"])
    style_layer_weights: list[float] = field(default_factory=list)  # empty: equal weights
    content_weight: float = 1.0
    style_weight: float = 10.0
    tv_weight: float = 0.0
    lr: float = 1e-3
    vgg_weights: Optional[str] = None  # file or folder; unset: $GANFORGE_WEIGHTS, else torchvision's download
    vgg_kind: Optional[str] = None  # torchvision | caffe, for a weights file ganforge does not know


declare_ranges(FastStyleConfig, style_size=POSITIVE, features=POSITIVE, residual_blocks=NON_NEGATIVE,
               style_layer_weights=NON_NEGATIVE, content_weight=NON_NEGATIVE, style_weight=NON_NEGATIVE,
               tv_weight=NON_NEGATIVE, lr=RATE)


def load_style_image(path: str | Path, longer_side: int) -> torch.Tensor:
    """1 x 3 x H x W in [-1, 1], resized so its longer side is `longer_side`."""
    return image_to_tensor(resize_longer_side(open_image(path), longer_side))


@register("fast-style", FastStyleConfig)
class FastStyle(Method, Stylizer):
    conditional = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        m = self.model_cfg
        if self.info.image_shape[0] != 3:
            raise GanforgeError("fast-style trains on RGB photos: set data.channels=3")
        self.transform = self.place(TransformNet(m.features, m.residual_blocks))
        self.train_transform = self.wrap(self.transform)
        self.optimizer = adam(self.transform.parameters(), m.lr, (0.9, 0.999), self.device)
        self.previews = torch.zeros(0, *self.info.image_shape, dtype=torch.uint8)
        self.loss: PerceptualLoss | None = None

    def build_loss(self) -> PerceptualLoss:
        """VGG19 and the style targets, built on the first training step (inference needs neither)."""
        m = self.model_cfg
        if not m.style:
            raise GanforgeError("fast-style needs a style image: add style=PATH (e.g. style=starry_night.jpg)")
        if not Path(m.style).expanduser().is_file():
            raise GanforgeError(f"style image {m.style} does not exist; fix style=PATH")
        extractor = VGGFeatures([*m.content_layers, *m.style_layers], m.vgg_weights, m.vgg_kind)
        extractor = self.place(extractor)
        try:
            loss = PerceptualLoss(extractor, m.content_layers, m.style_layers, m.style_layer_weights or None,
                                  m.content_weight, m.style_weight, m.tv_weight)
        except ValueError as err:
            raise GanforgeError(f"{err}: fix model.style_layer_weights") from None
        loss.set_style([load_style_image(Path(m.style).expanduser(), m.style_size).to(self.device)])
        return loss

    def keep_previews(self, images: torch.Tensor) -> None:
        """The first content images seen become the fixed progress-grid inputs (saved, so resume keeps them)."""
        missing = self.runtime.sample_count - self.previews.shape[0]
        if missing > 0:
            self.previews = torch.cat([self.previews, to_uint8(images[:missing]).cpu().contiguous()])

    def train_step(self, batch):
        images, _ = batch
        if self.loss is None:
            self.loss = self.build_loss()
        self.keep_previews(images)
        with self.autocast():
            content = self.loss.content_features(images)
            terms = self.loss(self.train_transform(images), content)
        self.optimizer.zero_grad(set_to_none=True)
        terms["loss"].backward()
        self.optimizer.step()
        return {name: value.detach() for name, value in terms.items()}

    @torch.no_grad()
    def stylize(self, images: torch.Tensor, batch_size: int = 8) -> torch.Tensor:
        """Images in [-1, 1] (any size) -> stylised images in [-1, 1], same size, on the CPU."""
        out = []
        for start in range(0, images.shape[0], batch_size):
            batch = images[start: start + batch_size].float().to(self.device)
            with self.autocast():
                out.append(self.transform(batch).float().clamp(-1, 1).cpu())
        return torch.cat(out)

    def sample(self, n, labels=None, seed=None):
        raise GanforgeError("a fast-style run stylises images instead of sampling: "
                            "use `ganforge stylize --model RUN IMAGE...` or ganforge.load(RUN).stylize(image)")

    def fixed_grid(self, count, seed):
        content = to_float(self.previews)
        was_training = self.transform.training
        self.transform.eval()
        stylised = self.stylize(content) if len(content) else content
        self.transform.train(was_training)
        return torch.cat([content, stylised]), max(1, len(content))

    def state_dict(self):
        return {"transform": self.transform.state_dict(), "optimizer": self.optimizer.state_dict(),
                "previews": self.previews}

    def load_state_dict(self, state):
        self.transform.load_state_dict(state["transform"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.previews = state["previews"]
