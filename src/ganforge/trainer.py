"""The one training loop for every method: budgets, logging, sample grids, checkpoints, exact resume, DDP."""
import math
import os
import random
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import torch

from . import __version__
from .allocator import reuse_freed_memory
from .checkpoint import load_checkpoint, remove_stale_temporaries, rng_state, save_checkpoint, set_rng_state
from .config import RunConfig, config_to_dict, config_to_yaml, load_config
from .data import BatchStream, load_dataset
from .data.image_data import first_images
from .distributed import (DistContext, any_rank, broadcast_object, gather_objects, init_distributed, shutdown,
                          wrapper)
from .errors import GanforgeError
from .methods.base import DataInfo, Method
from .progress_lines import progress
from .registry import method_entry
from .resume_checks import check_resume_config
from .run_log import RunLog, check_run_name, new_run_dir, read_metrics, scalars_from
from .run_mark import RunningMark
from .stop_signal import StopRequest, stop_on_signals
from .viz import plot_loss_curves, save_grid
from .viz.run_pictures import write_run_end, write_run_start


def total_steps(cfg: RunConfig, steps_per_epoch: int) -> float:
    """The step budget: the smaller of steps and epochs; one epoch when no budget at all is set."""
    limits = []
    if cfg.train.steps > 0:
        limits.append(cfg.train.steps)
    if cfg.train.epochs > 0:
        limits.append(math.ceil(cfg.train.epochs * steps_per_epoch))
    if not limits and cfg.train.minutes <= 0 and cfg.train.cpu_minutes <= 0:
        limits.append(steps_per_epoch)
    return min(limits) if limits else math.inf


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def build_method(cfg: RunConfig, info: DataInfo, device: torch.device, wrap=None) -> Method:
    entry = method_entry(cfg.method)
    return entry.cls(cfg, info, device, **({"wrap": wrap} if wrap else {}))


class Trainer:
    """Owns one run: its method, data stream, run folder and logs. `run()` trains until a budget is met."""

    def __init__(self, cfg: RunConfig, run_dir: Path | None = None, checkpoint: dict | None = None, announce=print):
        self.cfg = cfg
        self.ctx: DistContext = init_distributed(cfg.train.device)
        self.announce = announce if self.ctx.is_main else (lambda *a, **k: None)
        if cfg.train.threads > 0:
            torch.set_num_threads(cfg.train.threads)
        if cfg.train.tune_malloc:
            reuse_freed_memory()
        seed_everything(cfg.train.seed + self.ctx.rank)
        data = load_dataset(cfg.data, self.announce)
        self.info = DataInfo(tuple(data.shape), list(data.class_names))
        self.method = build_method(cfg, self.info, self.ctx.device, wrapper(self.ctx, cfg.train.compile))
        if cfg.train.batch_size % self.ctx.world_size:
            raise GanforgeError(f"train.batch_size={cfg.train.batch_size} does not split over "
                                f"{self.ctx.world_size} processes; use a multiple of {self.ctx.world_size}")
        self.stream = BatchStream(data, cfg.train.batch_size // self.ctx.world_size, cfg.train.seed, self.ctx.rank,
                                  self.ctx.world_size, self.ctx.device, cfg.train.channels_last)
        self.steps_per_epoch = max(1, self.stream.steps_per_epoch // self.method.batches_per_step)
        self.step, self.elapsed_before, self.session_start = 0, 0.0, time.monotonic()
        self.cpu_before, self.cpu_start = 0.0, time.process_time()
        self.eval_s = self.eval_cpu = 0.0  # evaluation time this session (held-out and sample scores): not counted against budgets
        self.held_out, self.last_scores = None, (-1, {})
        self.stop = StopRequest()  # train() hands in one that Ctrl-C and SIGTERM set
        self.saved_step, self.saved_at = None, time.monotonic()
        if checkpoint is not None:
            self.restore(checkpoint)
        if self.ctx.is_main and run_dir is None:
            run_dir = new_run_dir(cfg.train.out_dir, cfg.recipe, cfg.train.name)
        self.run_dir = Path(broadcast_object(str(run_dir) if run_dir else None, self.ctx))
        self.log = None
        if self.ctx.is_main:
            remove_stale_temporaries(self.run_dir)  # torn leftovers of a run killed while saving
            (self.run_dir / "config.yaml").write_text(config_to_yaml(cfg))
            self.log = RunLog(self.run_dir, self.step if checkpoint else None, cfg.train.tensorboard)
            write_run_start(self.method, data, self.run_dir, self.log, self.announce, cfg.train.sample_count,
                            cfg.train.seed)
        self.metric_history = [r for r in read_metrics(self.run_dir / "metrics.jsonl") if r.get("source") == "train"]
        self.eval_names = self.sample_metrics() if cfg.eval.every > 0 else []
        if self.log is not None and checkpoint is None:
            self.log.hparams(config_to_dict(cfg), [f"metrics/{name}" for name in self.eval_names])
        self.announce(f"{cfg.recipe}: {data.source}, {len(data):,} images {tuple(data.shape)}, "
                      f"device {self.ctx.device}, {self.ctx.world_size} process(es), run folder {self.run_dir}")

    def restore(self, checkpoint: dict) -> None:
        self.method.load_state_dict(checkpoint["method"])
        self.stream.load_state_dict(checkpoint["stream"][min(self.ctx.rank, len(checkpoint["stream"]) - 1)])
        set_rng_state(checkpoint["rng"][min(self.ctx.rank, len(checkpoint["rng"]) - 1)])
        self.step, self.elapsed_before = int(checkpoint["step"]), float(checkpoint.get("elapsed_s", 0.0))
        self.cpu_before = float(checkpoint.get("cpu_s", 0.0))

    def elapsed_s(self) -> float:
        """Training wall time over all sessions of this run (evaluation excluded)."""
        return self.elapsed_before + time.monotonic() - self.session_start - self.eval_s

    def cpu_s(self) -> float:
        """Training CPU time of this process over all sessions of this run (evaluation excluded)."""
        return self.cpu_before + time.process_time() - self.cpu_start - self.eval_cpu

    def save(self, name: str = "last.pt") -> None:
        # Every rank has its own RNG and data position: gather them so resume is exact for each rank.
        rngs, streams = gather_objects(rng_state(), self.ctx), gather_objects(self.stream.state_dict(), self.ctx)
        if self.ctx.is_main:
            (self.run_dir / name).parent.mkdir(exist_ok=True)
            save_checkpoint(self.run_dir / name, config=config_to_dict(self.cfg), data_info=asdict(self.info),
                            method=self.method.state_dict(), step=self.step, elapsed_s=self.elapsed_s(),
                            cpu_s=self.cpu_s(),
                            stream=streams, rng=rngs, versions={"ganforge": __version__, "torch": str(torch.__version__)})
        self.saved_step, self.saved_at = self.step, time.monotonic()

    def checkpoint_due(self) -> bool:
        """The wall-clock cadence (train.checkpoint_minutes): a killed run loses minutes, not an hour of steps."""
        minutes = self.cfg.train.checkpoint_minutes
        return minutes > 0 and any_rank(time.monotonic() - self.saved_at >= minutes * 60, self.ctx)

    def save_samples(self) -> None:
        if not self.ctx.is_main:
            return
        images, nrow = self.method.fixed_grid(self.cfg.train.sample_count, self.cfg.train.seed)
        path = save_grid(images, self.run_dir / "samples" / f"step_{self.step:07d}.png", nrow=nrow)
        save_grid(images, self.run_dir / "samples.png", nrow=nrow)
        self.log.image("samples", path, self.step)
        plot_loss_curves(self.run_dir / "metrics.csv", self.run_dir / "losses.png", self.cfg.recipe)

    def run(self) -> Path:
        t = self.cfg.train
        budget = total_steps(self.cfg, self.steps_per_epoch)
        if self.step >= budget:
            self.announce(f"run is already at step {self.step} of {budget}; pass --steps N (a total) to train further")
            return self.run_dir
        deadline = time.monotonic() + t.minutes * 60 if t.minutes > 0 else math.inf
        images_per_step = t.batch_size * self.method.batches_per_step
        bar = progress(budget, self.step, self.ctx.is_main and t.progress, images_per_step, t.progress_every, deadline)
        self.budget, self.deadline = budget, deadline  # read by the run's running mark (run_mark.py)
        self.session_start, self.eval_s, self.saved_at = time.monotonic(), 0.0, time.monotonic()
        self.cpu_start, self.eval_cpu = time.process_time(), 0.0
        cpu_end = self.cpu_start + t.cpu_minutes * 60 if t.cpu_minutes > 0 else math.inf
        window = {"start": time.perf_counter(), "steps": 0, "sums": None}
        if self.step == 0 and getattr(self.method, "evaluate_at_start", False):
            self.evaluate()  # the untrained model's held-out scores: the baseline of the curves
        try:
            while self.step < budget and not any_rank(bool(self.stop), self.ctx):
                batches = self.method.batches_for_next_step()
                logs = self.method.train_step(self.stream.next(batches=batches))
                self.step += 1
                bar.update(1)
                self.accumulate(window, logs)
                if self.step % t.log_every == 0:
                    self.write_log(window, images_per_step, bar)
                if self.step % t.sample_every == 0:
                    self.save_samples()
                if self.step % t.checkpoint_every == 0 or self.checkpoint_due():
                    self.save()
                if t.keep_every > 0 and self.step % t.keep_every == 0:
                    self.save(f"checkpoints/step_{self.step:07d}.pt")
                if self.step % self.steps_per_epoch == 0:
                    self.evaluate()
                if self.cfg.eval.every > 0 and self.step % self.cfg.eval.every == 0:
                    self.evaluate_samples()
                if t.minutes > 0 and any_rank(time.monotonic() - self.eval_s >= deadline, self.ctx):
                    break
                if t.cpu_minutes > 0 and any_rank(time.process_time() - self.eval_cpu >= cpu_end, self.ctx):
                    break
        except KeyboardInterrupt:  # a second Ctrl-C: the step in progress is half done, so nothing is saved
            bar.close()
            kept = f"last.pt holds step {self.saved_step}" if self.saved_step is not None else "no checkpoint yet"
            self.announce(f"\nstopped at once during step {self.step + 1}, nothing saved ({kept})")
            raise
        bar.close()
        if self.stop:
            self.save()
            self.announce(f"\n{self.stop.requested}: stopped after step {self.step}, saved {self.run_dir / 'last.pt'}; "
                          f"continue with `ganforge train --resume {self.run_dir}`")
            raise KeyboardInterrupt
        self.save()
        scores = self.evaluate(final=True)
        self.save_samples()  # after the final scores, so the curves include them
        if self.ctx.is_main:
            write_run_end(self.method, self.run_dir, self.step, seed=t.seed)
        if scores:
            listed = ", ".join(f"{k} {v:.4g}" for k, v in scores.items())
            self.announce(f"held-out ({self.held_out.source}): {listed}")
        if self.cfg.eval.every > 0 and self.step % self.cfg.eval.every:  # the last step, unless just evaluated
            self.evaluate_samples()
        self.announce(f"done: step {self.step}, samples {self.run_dir / 'samples.png'}, "
                      f"checkpoint {self.run_dir / 'last.pt'}")
        return self.run_dir

    def evaluate(self, final: bool = False) -> dict[str, float]:
        """The method's held-out scores, logged to eval.jsonl: the other split (MNIST's test set); a folder has
        no splits, so there it is its own images. Methods without `evaluate` cost nothing. Image-to-image
        methods score a fixed subset during training (eval.held_out_pairs) and the whole split when `final`."""
        if not self.ctx.is_main or type(self.method).evaluate is Method.evaluate:
            return {}
        start, cpu_start = time.monotonic(), time.process_time()
        if self.held_out is None:
            split = "test" if self.cfg.data.split == "train" else "train"
            self.held_out = load_dataset(replace(self.cfg.data, split=split), lambda *a: None)
        data, subset = self.held_out, self.cfg.eval.held_out_pairs
        if not final and self.method.scores_subset_in_training and 0 < subset < len(data):
            data = first_images(data, subset)
        if self.last_scores[0] != (self.step, len(data)):
            scores = self.method.evaluate(data)
            seconds = time.monotonic() - start
            context = {"epoch": round(self.step / self.steps_per_epoch, 3), "time_s": round(self.elapsed_s(), 2),
                       "data": data.source, "eval_s": round(seconds, 2)}
            if self.last_scores[0] == -1:
                self.announce(f"held-out scores on {len(data)} of {len(self.held_out)} images took {seconds:.1f} s"
                              + (" (eval.held_out_pairs; all of them at the end)" if len(data) < len(self.held_out)
                                 else ""))
            self.log.write_eval(self.step, scores, context)
            # The same scores in the one provenance-carrying log (eval.jsonl keeps its per-epoch rows).
            self.log.write_metrics([{"metric": name, "value": value, "step": self.step, **context,
                                     "n_real": len(data), "n_generated": 0, "source": "train",
                                     "ganforge": __version__, "torch": str(torch.__version__)}
                                    for name, value in scores.items()])
            self.last_scores = ((self.step, len(data)), scores)
            self.eval_s += time.monotonic() - start  # scoring is not training time: budgets exclude it
            self.eval_cpu += time.process_time() - cpu_start
        return self.last_scores[1]

    def sample_metrics(self) -> list[str]:
        """eval.metrics resolved for this run, checked before any training (eval.best must be one of them)."""
        from .metrics import resolve_metrics
        e = self.cfg.eval
        names = resolve_metrics(e.metrics, bool(getattr(self.method, "conditional", False)), self.cfg.data,
                                during_training=True)
        if e.best and e.best not in names:
            raise GanforgeError(f"eval.best={e.best} is not among the evaluated metrics ({', '.join(names)}); "
                                "add it to eval.metrics or pick one of them")
        return names

    def evaluate_samples(self) -> None:
        """Sample-quality metrics (cfg.eval) into metrics.jsonl; best.pt follows the chosen metric. The time it
        takes is not training time, and it draws from private seeded RNGs only, so resume stays exact."""
        start, cpu_start = time.monotonic(), time.process_time()
        improved = False
        if self.ctx.is_main:
            from .metrics import best_of, evaluate_method, format_record, is_improvement
            from .metrics.collapse import collapse_warnings
            e = self.cfg.eval
            records = evaluate_method(self.method, self.cfg.data, e, self.step, "train", self.eval_names,
                                      self.announce)
            self.log.write_metrics(records)
            for warning in collapse_warnings(self.metric_history, records):
                self.announce(f"\nwarning: {warning}")
            chosen = e.best or records[0]["metric"]
            record = next(r for r in records if r["metric"] == chosen)
            earlier = [r["value"] for r in self.metric_history if r["metric"] == chosen
                       and r.get("n_generated") == record["n_generated"]]
            improved = is_improvement(chosen, record["value"], best_of(chosen, earlier))
            self.metric_history.extend(records)
            self.announce("\n" + "\n".join(format_record(r) for r in records))
        if broadcast_object(improved, self.ctx):
            self.save("best.pt")
            self.announce(f"best.pt: step {self.step}")
        self.eval_s += time.monotonic() - start
        self.eval_cpu += time.process_time() - cpu_start

    @staticmethod
    def accumulate(window: dict, logs: dict) -> None:
        """Sum the step's tensors without reading them: no sync and no Python floats per step."""
        window["steps"] += 1
        sums = window["sums"]
        window["sums"] = dict(logs) if sums is None else {k: sums[k] + v for k, v in logs.items()}

    def write_log(self, window: dict, images_per_step: int, bar) -> None:
        """Log the window's means (smoother curves than single steps), then start a new window."""
        now = time.perf_counter()
        if self.log is not None:
            scalars = {k: v / window["steps"] for k, v in scalars_from(window["sums"]).items()}
            speed = images_per_step * window["steps"] / (now - window["start"])
            self.log.write(self.step, {"epoch": self.stream.epoch, "time_s": round(self.elapsed_s(), 2),
                                       "images_per_s": round(speed, 1), **scalars})
            bar.set_postfix({k: f"{v:.3f}" for k, v in scalars.items()}, refresh=False)
        window.update(start=now, steps=0, sums=None)

    def close(self) -> None:
        if self.log is not None:
            self.log.close()
        shutdown(self.ctx)


def train(recipe: str | None = None, overrides=(), resume: str | Path | None = None, announce=print,
          **budget) -> Path:
    """Train a recipe (or resume a run) and return its run folder.

    `budget` may hold steps, epochs, minutes, cpu_minutes; any of them replaces the recipe's budget as a whole. On resume
    the saved config is used, with `overrides` and `budget` on top; steps and epochs are totals for the run,
    minutes count from now.
    """
    checkpoint, run_dir = None, None
    given = {k: v for k, v in budget.items() if v is not None}
    unknown = set(given) - {"steps", "epochs", "minutes", "cpu_minutes"}
    if unknown:
        raise TypeError(f"unknown budget {', '.join(sorted(unknown))}: use steps, epochs, minutes or cpu_minutes")
    # A budget given here replaces the recipe's whole budget: `--minutes 10` trains for ten minutes.
    extra = [f"train.{k}={given.get(k, 0)}" for k in ("steps", "epochs", "minutes", "cpu_minutes")] if given else []
    if resume is not None:
        checkpoint = load_checkpoint(resume)
        run_dir = Path(resume) if Path(resume).is_dir() else Path(resume).parent
        cfg = load_config(None, [*overrides, *extra], base=checkpoint["config"])
        check_resume_config(checkpoint["config"], cfg, recipe, run_dir)
    else:
        cfg = load_config(recipe or "mnist-dcgan", [*overrides, *extra])
        if cfg.train.name and os.environ.get("RANK", "0") == "0":
            check_run_name(cfg.train.out_dir, cfg.train.name)  # before loading any data: fail at once
    with stop_on_signals() as stop:
        trainer = Trainer(cfg, run_dir, checkpoint, announce)
        trainer.stop = stop
        try:
            with RunningMark(trainer):  # running.json while it trains (run_mark.py)
                return trainer.run()
        finally:
            trainer.close()
