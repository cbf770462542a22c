"""Methods are built from their own model config, a description of the data and the runtime options (never the
run config); image-to-image previews come from held-out data handed in, not from evaluating; the held-out split
and the held-out log each have one definition."""
import json
from dataclasses import replace

import pytest
import torch

from ganforge.config import load_config
from ganforge.data import ImageData
from ganforge.data.held_out import held_out_split
from ganforge.errors import GanforgeError
from ganforge.methods.base import DataInfo, Method, Runtime
from ganforge.methods.factory import build_method, create_method
from ganforge.methods.registry import available_methods, method_entry
from ganforge.run_log import held_out_rows

PAIRS = DataInfo((6, 32, 32), [], kind="paired", image_size=32)
INFOS = {"gan": DataInfo((1, 28, 28), []), "vae": DataInfo((1, 28, 28), []), "pix2pix": PAIRS,
         "cyclegan": replace(PAIRS, kind="unpaired"), "fast-style": DataInfo((3, 32, 32), [])}


@pytest.mark.parametrize("name", sorted(INFOS))
def test_every_method_builds_from_its_own_config_without_a_run_config(name):
    method = create_method(name, method_entry(name).config_cls(), INFOS[name], Runtime())
    assert method.name == name and not hasattr(method, "cfg")
    assert isinstance(method.conditional, bool) and isinstance(method.scores_held_out, bool)


def test_every_registered_method_is_covered():
    assert set(available_methods()) == set(INFOS)


def test_the_factory_hands_a_method_the_runs_data_and_runtime_settings():
    cfg = load_config("facades-pix2pix", ["data.image_size=32", "data.direction=BtoA", "data.jitter=false",
                                          "model.generator_features=8", "model.discriminator_features=8",
                                          "train.sample_count=5", "train.precision=fp32"])
    method = build_method(cfg, DataInfo((6, 32, 32), []), torch.device("cpu"))
    assert (method.info.kind, method.info.image_size, method.info.direction, method.info.jitter) == \
        ("paired", 32, "BtoA", False)
    assert method.runtime == Runtime(torch.device("cpu"), "fp32", cfg.train.channels_last, 5)
    assert method.info.saved() == {"image_shape": (6, 32, 32), "class_names": []}  # checkpoints' data_info
    with pytest.raises(GanforgeError, match="learned BtoA only"):
        method.translate(torch.zeros(1, 3, 32, 32), "AtoB")


def test_image_to_image_previews_come_from_held_out_data_not_from_evaluating():
    cfg = load_config("facades-pix2pix", ["data.image_size=32", "model.generator_features=8",
                                          "model.discriminator_features=8", "model.preview_count=2",
                                          "train.precision=fp32"])
    method = build_method(cfg, DataInfo((6, 32, 32), []), torch.device("cpu"))
    pairs = ImageData(torch.randint(0, 256, (5, 6, 32, 32), dtype=torch.uint8), None, [], "pairs")
    assert method.wants_held_out_previews and method.evaluate_at_start and method.scores_held_out
    method.evaluate(pairs)
    assert method.wants_held_out_previews  # scoring leaves the progress grid's inputs alone
    method.keep_held_out_previews(pairs)
    assert not method.wants_held_out_previews and torch.equal(method.previews, pairs.images[:2])


def test_a_gan_declares_what_the_loop_asks():
    gan = build_method(load_config("mnist-cgan", ["model.features=8"]), DataInfo((1, 28, 28), list("0123456789")),
                       torch.device("cpu"))
    assert gan.conditional and not gan.scores_held_out and not gan.wants_held_out_previews
    assert not Method.evaluate_at_start and Method.batches_per_step == 1


@pytest.mark.parametrize("split,other", [("train", "test"), ("test", "train")])
def test_the_held_out_split_is_the_other_one(split, other):
    assert held_out_split(split) == other


def test_held_out_rows_read_metrics_jsonl_and_older_runs_eval_jsonl(tmp_path):
    new, old = tmp_path / "new", tmp_path / "old"
    new.mkdir()
    old.mkdir()
    records = [{"metric": m, "value": v, "step": s, "epoch": 1.0, "data": d, "eval_s": 0.1, "n_generated": 0}
               for s, d in ((3, "test, first 2"), (3, "test")) for m, v in (("l1", 0.5), ("psnr", 12.0))]
    records.append({"metric": "fid", "value": 80.0, "step": 3, "n_generated": 2000, "real_data": "test"})
    (new / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert held_out_rows(new) == [{"step": 3, "epoch": 1.0, "data": d, "eval_s": 0.1, "l1": 0.5, "psnr": 12.0}
                                  for d in ("test, first 2", "test")]
    (old / "eval.jsonl").write_text(json.dumps({"step": 3, "l1": 0.5}) + "\n")
    assert held_out_rows(old) == [{"step": 3, "l1": 0.5}]
