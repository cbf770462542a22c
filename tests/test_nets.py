import pytest
import torch

from ganforge.nets import DCGANDiscriminator, DCGANGenerator, MLPDiscriminator, MLPGenerator
from ganforge.nets.conditioning import label_planes
from ganforge.nets.dcgan import dcgan_layout


@pytest.mark.parametrize("size,channels", [(28, 1), (32, 3), (64, 3), (128, 3)])
@pytest.mark.parametrize("classes", [0, 10])
def test_dcgan_shapes(size, channels, classes):
    G = DCGANGenerator(16, (channels, size, size), features=8, num_classes=classes, embed_dim=4)
    D = DCGANDiscriminator((channels, size, size), features=8, num_classes=classes, embed_dim=4)
    labels = torch.arange(5) % 10 if classes else None
    images = G(torch.randn(5, 16), labels)
    assert images.shape == (5, channels, size, size)
    assert images.abs().max() <= 1.0  # tanh output
    assert D(images, labels).shape == (5,)


def test_dcgan_textbook_widths():
    G = DCGANGenerator(100, (3, 64, 64), features=64)
    D = DCGANDiscriminator((3, 64, 64), features=64)
    assert G.project.out_features == 512 * 4 * 4  # the tutorial's 4x4x512 first map
    widths = [m.out_channels for m in D.trunk if isinstance(m, torch.nn.Conv2d)]
    assert widths == [64, 128, 256, 512]


@pytest.mark.parametrize("classes", [0, 10])
def test_mlp_shapes_and_textbook_widths(classes):
    G = MLPGenerator(100, (1, 28, 28), [256, 512, 1024], classes)
    D = MLPDiscriminator((1, 28, 28), [1024, 512, 256], 0.3, classes)
    labels = torch.arange(4) if classes else None
    images = G(torch.randn(4, 100), labels)
    assert images.shape == (4, 1, 28, 28)
    assert D(images, labels).shape == (4,)
    linear = [m for m in D.net if isinstance(m, torch.nn.Linear)]
    assert [m.out_features for m in linear] == [1024, 512, 256, 1]
    assert linear[0].in_features == 784 + (32 if classes else 0)


def test_conditional_generator_uses_the_label():
    G = DCGANGenerator(8, (1, 28, 28), features=8, num_classes=10, embed_dim=4).eval()
    z = torch.randn(1, 8).expand(2, 8)
    out = G(z, torch.tensor([1, 7]))
    assert not torch.allclose(out[0], out[1])
    with pytest.raises(ValueError, match="conditional"):
        G(z)


def test_conditional_discriminator_can_tell_labels_apart():
    # The head's hidden layer lets the score depend on the (image, label) pair, not just a sum of the two.
    D = DCGANDiscriminator((1, 28, 28), features=8, num_classes=2, embed_dim=4)
    x = torch.randn(2, 1, 28, 28)
    same = D(x, torch.tensor([0, 0]))
    swapped = D(x, torch.tensor([1, 1]))
    assert not torch.allclose(same[0] - same[1], swapped[0] - swapped[1])


@pytest.mark.parametrize("classes, planes, distinct", [(2, 2, 2), ([2, 5], 7, 4)])
def test_input_conditioning_joins_one_hot_label_planes_to_the_image(classes, planes, distinct):
    D = DCGANDiscriminator((3, 32, 32), features=8, num_classes=classes, conditioning="input").eval()
    assert D.trunk[0].in_channels == 3 + planes
    x = torch.randn(1, 3, 32, 32).expand(4, -1, -1, -1)  # one image, four labels
    scores = D(x, torch.arange(4))
    assert len(set(scores.round(decimals=5).tolist())) == distinct
    with pytest.raises(ValueError, match="conditional"):
        D(x)


def test_label_planes_are_constant_one_hot_planes_per_attribute():
    planes = label_planes(torch.tensor([0, 7]), [2, 5], torch.zeros(2, 3, 4, 4))
    assert planes.shape == (2, 7, 4, 4)
    assert planes[1, :, 0, 0].tolist() == [0, 1, 0, 0, 1, 0, 0]  # label 7 = second gender, third age group
    assert planes[0, :, 0, 0].tolist() == [1, 0, 1, 0, 0, 0, 0]
    assert (planes == planes[:, :, :1, :1]).all()


@pytest.mark.parametrize("size", [30, 48, 100])
def test_unsupported_sizes_are_refused(size):
    with pytest.raises(ValueError, match="DCGAN supports"):
        dcgan_layout(size)
