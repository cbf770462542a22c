"""How well the folder label classifier (the reader of conditional accuracy) reads *real* faces: on the training
split it was fitted to, on the held-out split, and per age group. It bounds what conditional accuracy can mean: a
generator that drew exactly the data's faces would score about the held-out figure. Prints JSON.

    GANFORGE_DATA=../shared/data python benchmarks/label_reader_accuracy.py --root ../shared/data/utkface/images
"""
import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ganforge.data import DataConfig, load_dataset  # noqa: E402
from ganforge.metrics.label_classifier import classify_labels, input_size, load_or_train_labels  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the UTKFace images folder")
    parser.add_argument("--pattern", default="utkface-gender", help="the labels read (data.label_pattern)")
    parser.add_argument("--by", default="utkface-age", help="a second labelling to break held-out accuracy down by")
    args = parser.parse_args()
    torch.set_num_threads(1)
    base = dict(name="folder", root=args.root, image_size=64, channels=3, holdout=0.1, labels="filename",
                label_pattern=args.pattern)
    quiet = lambda *a: None  # noqa: E731
    train, test = (load_dataset(DataConfig(**base, split=s), announce=quiet) for s in ("train", "test"))
    net, provenance = load_or_train_labels(train, test, announce=quiet)
    result = {"classifier": provenance["classifier"], "classifier_sha256": provenance["classifier_sha256"]}
    for name, data in (("train", train), ("held_out", test)):
        predicted = classify_labels(net, data.images, input_size(64))[0].argmax(1)
        result[f"{name}_accuracy"] = round(float((predicted == data.labels).float().mean()), 4)
        result[f"{name}_images"] = len(data)
        if name == "held_out":
            groups = load_dataset(DataConfig(**{**base, "label_pattern": args.by}, split="test"), announce=quiet)
            right = predicted == data.labels
            result[f"held_out_accuracy_by_{args.by}"] = {
                group: round(float(right[groups.labels == k].float().mean()), 4)
                for k, group in enumerate(groups.class_names)}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
