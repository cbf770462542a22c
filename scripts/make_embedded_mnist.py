"""Build src/ganforge/data/embedded/mnist_subset.npz from a full MNIST copy (torchvision layout).

    python scripts/make_embedded_mnist.py ../shared/data

Takes the first 2,000 training images of each digit (20,000) and the first 200 test images of each digit
(2,000), so the subset is class-balanced and reproducible.
"""
import sys
from pathlib import Path

import numpy as np
import torchvision


def balanced(ds, per_class):
    labels = ds.targets.numpy()
    idx = np.concatenate([np.flatnonzero(labels == k)[:per_class] for k in range(10)])
    idx.sort()
    return ds.data.numpy()[idx], labels[idx].astype(np.uint8)


def main(root):
    train = torchvision.datasets.MNIST(root, train=True, download=False)
    test = torchvision.datasets.MNIST(root, train=False, download=False)
    train_x, train_y = balanced(train, 2000)
    test_x, test_y = balanced(test, 200)
    out = Path(__file__).resolve().parents[1] / "src/ganforge/data/embedded/mnist_subset.npz"
    np.savez_compressed(out, train_images=train_x, train_labels=train_y, test_images=test_x, test_labels=test_y)
    print(out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main(sys.argv[1])
