from dataclasses import dataclass, field
from typing import Optional

import torch


@dataclass
class ImageData:
    """A decoded dataset held in memory: uint8 images N x C x H x W and optional int64 labels."""
    images: torch.Tensor
    labels: Optional[torch.Tensor] = None
    class_names: list[str] = field(default_factory=list)
    source: str = ""

    def __len__(self) -> int:
        return self.images.shape[0]

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(self.images.shape[1:])


def first_images(data: ImageData, n: int) -> ImageData:
    """The first n images (and labels) of `data`, a fixed subset."""
    labels = None if data.labels is None else data.labels[:n]
    return ImageData(data.images[:n], labels, data.class_names, f"{data.source}, first {n} of {len(data)}")


def to_float(images: torch.Tensor) -> torch.Tensor:
    """uint8 [0, 255] -> float [-1, 1]."""
    return images.float().div_(127.5).sub_(1.0)


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """float [-1, 1] -> uint8 [0, 255], rounded the way PIL/torchvision save images."""
    return images.detach().float().add(1).mul(127.5).add_(0.5).clamp_(0, 255).to(torch.uint8)
