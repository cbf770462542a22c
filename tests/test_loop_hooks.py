"""The loop scores and draws only through its hooks (loop_hooks.py): with the defaults it trains and saves, and
scores and draws nothing; an evaluator is asked at the points the loop defines and decides best.pt."""
from ganforge.config import load_config
from ganforge.loop_hooks import Evaluator
from ganforge.trainer import Trainer
from test_vae import VAE_TINY


class Recording(Evaluator):
    def __init__(self):
        self.calls = []

    def attach(self, trainer):
        self.calls.append("attach")
        return ["metrics/x"]

    def held_out(self, trainer, data, final):
        self.calls.append(("held_out", trainer.step, final, len(data)))
        return {"x": 1.0}

    def samples_due(self, step, final=False):
        return step == 2 and not final

    def samples(self, trainer):
        self.calls.append(("samples", trainer.step))
        return True


def tiny_vae_run(image_folder, tmp_path, evaluator=None):
    # 24 images in batches of 8: 3 steps an epoch
    cfg = load_config("mnist-vae", [*VAE_TINY, "data.name=folder", f"data.root={image_folder}",
                                    f"train.out_dir={tmp_path}", "train.steps=7", "train.log_every=1"])
    trainer = Trainer(cfg, announce=lambda *a: None, evaluator=evaluator)
    try:
        return trainer.run()
    finally:
        trainer.close()


def test_the_loop_asks_its_evaluator_after_each_epoch_at_the_end_and_when_due(image_folder, tmp_path):
    evaluator = Recording()
    run_dir = tiny_vae_run(image_folder, tmp_path, evaluator)
    assert evaluator.calls == ["attach", ("samples", 2), ("held_out", 3, False, 24), ("held_out", 6, False, 24),
                               ("held_out", 7, True, 24)]
    assert (run_dir / "best.pt").is_file()  # the evaluator said the scores improved


def test_without_hooks_the_loop_trains_and_saves_but_scores_and_draws_nothing(image_folder, tmp_path):
    run_dir = tiny_vae_run(image_folder, tmp_path)
    assert (run_dir / "last.pt").is_file() and (run_dir / "metrics.csv").is_file()
    assert not any((run_dir / name).exists() for name in ("metrics.jsonl", "samples.png", "model.txt", "best.pt"))
