"""Scores during training, for the loop (its Evaluator hook, wired by launch.py): the method's held-out scores
after every epoch and at the end, the sample metrics every eval.every steps, which of them picks best.pt, and
the collapse warnings. Each score is written once, as a provenance-carrying line of RUN/metrics.jsonl (the
held-out ones also as val_* columns of metrics.csv, for the loss curves)."""
import time

import torch

from ..data_config import DataConfig
from ..data.image_data import first_images
from ..errors import GanforgeError
from ..eval_config import EvalConfig
from ..loop_hooks import Evaluator
from ..run_log import read_metrics
from ..version import __version__
from .collapse import collapse_warnings
from .evaluate import evaluate_method, format_record, resolve_metrics
from .registry import best_of, is_improvement


class TrainingEvaluator(Evaluator):
    def __init__(self, data_cfg: DataConfig, settings: EvalConfig):
        self.data_cfg, self.settings = data_cfg, settings
        self.names: list[str] = []
        self.history: list[dict] = []  # this run's earlier records: best.pt and the collapse warnings compare with them
        self.last_scores: tuple = (-1, {})  # ((step, images), scores): the end of an epoch and of the run may coincide

    def attach(self, trainer) -> list[str]:
        """eval.metrics resolved for this run, checked before any training (eval.best must be one of them)."""
        self.history = [r for r in read_metrics(trainer.run_dir / "metrics.jsonl") if r.get("source") == "train"]
        e = self.settings
        if e.every <= 0:
            return []
        self.names = resolve_metrics(e.metrics, trainer.method.conditional, self.data_cfg, during_training=True)
        if e.best and e.best not in self.names:
            raise GanforgeError(f"eval.best={e.best} is not among the evaluated metrics ({', '.join(self.names)}); "
                                "add it to eval.metrics or pick one of them")
        return [f"metrics/{name}" for name in self.names]

    def held_out(self, trainer, data, final: bool) -> dict[str, float]:
        """Image-to-image methods score a fixed subset during training (eval.held_out_pairs) and the whole split at
        the end."""
        method, full, subset = trainer.method, data, self.settings.held_out_pairs
        if not final and method.scores_subset_in_training and 0 < subset < len(data):
            data = first_images(data, subset)
        if self.last_scores[0] == (trainer.step, len(data)):
            return self.last_scores[1]
        start = time.monotonic()
        scores = method.evaluate(data)
        seconds = time.monotonic() - start
        context = {"epoch": trainer.epoch(), "time_s": round(trainer.elapsed_s(), 2), "data": data.source,
                   "eval_s": round(seconds, 2)}
        if self.last_scores[0] == -1:
            trainer.announce(f"held-out scores on {len(data)} of {len(full)} images took {seconds:.1f} s"
                             + (" (eval.held_out_pairs; all of them at the end)" if len(data) < len(full) else ""))
        trainer.log.write(trainer.step, {f"val_{key}": value for key, value in scores.items()}, tensorboard=False)
        trainer.log.write_metrics([{"metric": name, "value": value, "step": trainer.step, **context,
                                    "n_real": len(data), "n_generated": 0, "source": "train",
                                    "ganforge": __version__, "torch": str(torch.__version__)}
                                   for name, value in scores.items()])
        self.last_scores = ((trainer.step, len(data)), scores)
        return scores

    def samples_due(self, step: int, final: bool = False) -> bool:
        every = self.settings.every
        return every > 0 and (step % every != 0 if final else step % every == 0)

    def samples(self, trainer) -> bool:
        records = evaluate_method(trainer.method, self.data_cfg, self.settings, trainer.step, "train", self.names,
                                  trainer.announce)
        trainer.log.write_metrics(records)
        for warning in collapse_warnings(self.history, records):
            trainer.announce(f"\nwarning: {warning}")
        chosen = self.settings.best or records[0]["metric"]
        record = next(r for r in records if r["metric"] == chosen)
        earlier = [r["value"] for r in self.history if r["metric"] == chosen
                   and r.get("n_generated") == record["n_generated"]]
        improved = is_improvement(chosen, record["value"], best_of(chosen, earlier))
        self.history.extend(records)
        trainer.announce("\n" + "\n".join(format_record(r) for r in records))
        return improved
