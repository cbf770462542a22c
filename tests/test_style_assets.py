"""Style transfer with the real VGG19 weights of ../shared/weights (skipped with the reason when absent)."""
import os
from pathlib import Path

import pytest
import torch

from ganforge.data.pil_images import image_to_tensor
from ganforge.nets.vgg_features import VGGFeatures

pytestmark = pytest.mark.assets

WEIGHTS = Path(os.environ.get("GANFORGE_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "weights"
VGG_FILE = WEIGHTS / "vgg19_features_imagenet.pth"
LAYERS = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]


@pytest.fixture(scope="module")
def vgg() -> VGGFeatures:
    if not VGG_FILE.is_file():
        pytest.skip(f"needs the shared VGG19 weights: {VGG_FILE} not found (set GANFORGE_SHARED)")
    return VGGFeatures(LAYERS, VGG_FILE)


def channel_means(features: torch.Tensor) -> torch.Tensor:
    return features.mean((0, 2, 3))


def test_real_weights_see_a_photo_differently_from_noise(vgg):
    data = pytest.importorskip("skimage.data")
    from PIL import Image
    assert vgg.kind == "caffe" and vgg.channel_order == [2, 1, 0]
    photo = image_to_tensor(Image.fromarray(data.astronaut()).resize((224, 224)))
    noise = torch.rand(photo.shape, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        on_photo, on_noise = vgg(photo), vgg(noise)
    for layer in LAYERS:
        assert torch.isfinite(on_photo[layer]).all() and torch.isfinite(on_noise[layer]).all()
    # Deep units respond to objects and textures, not to pixel noise: the photo drives them ~3x harder
    # (measured 72 vs 22), and which channels fire differs (cosine of channel means 0.37).
    deep_photo, deep_noise = on_photo["relu5_1"], on_noise["relu5_1"]
    assert deep_photo.mean() > 2 * deep_noise.mean()
    cosine = torch.nn.functional.cosine_similarity(channel_means(deep_photo), channel_means(deep_noise), dim=0)
    assert cosine < 0.6
