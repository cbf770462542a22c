"""The one training loop for every method: budgets, logging, checkpoints, exact resume, DDP. Scores and pictures
come in through the hooks of loop_hooks.py; launch.py wires them and starts a run (`ganforge.train`)."""
import contextlib
import math
import random
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from .allocator import reuse_freed_memory
from .checkpoint import remove_stale_temporaries, rng_state, save_checkpoint, set_rng_state
from .config_io import config_to_dict, config_to_yaml
from .data import BatchStream, load_dataset
from .data.held_out import held_out_split
from .distributed import (DistContext, any_rank, broadcast_object, gather_objects, init_distributed, shutdown,
                          wrapper)
from .errors import GanforgeError
from .loop_hooks import Evaluator, Pictures
from .methods.base import DataInfo
from .methods.factory import build_method
from .progress_lines import progress
from .run_log import RunLog, new_run_dir, scalars_from
from .stop_signal import StopRequest
from .version import __version__


def total_steps(cfg, steps_per_epoch: int) -> float:
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


class Trainer:
    """Owns one run: its method, data stream, run folder and logs. `run()` trains until a budget is met.

    `cfg` is the run config (ganforge.config.RunConfig); `evaluator` and `pictures` are the hooks of loop_hooks.py.
    """

    def __init__(self, cfg, run_dir: Path | None = None, checkpoint: dict | None = None, announce=print,
                 evaluator: Evaluator | None = None, pictures: Pictures | None = None):
        self.cfg = cfg
        self.evaluator, self.pictures = evaluator or Evaluator(), pictures or Pictures()
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
        self.held_out = None  # the data the run does not train on, loaded when first needed
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
            self.pictures.start(self, data)
        metric_tags = self.evaluator.attach(self)
        if self.log is not None and checkpoint is None:
            self.log.hparams(config_to_dict(cfg), metric_tags)
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
            save_checkpoint(self.run_dir / name, config=config_to_dict(self.cfg), data_info=self.info.saved(),
                            method=self.method.state_dict(), step=self.step, elapsed_s=self.elapsed_s(),
                            cpu_s=self.cpu_s(),
                            stream=streams, rng=rngs, versions={"ganforge": __version__, "torch": str(torch.__version__)})
        self.saved_step, self.saved_at = self.step, time.monotonic()

    def checkpoint_due(self) -> bool:
        """The wall-clock cadence (train.checkpoint_minutes): a killed run loses minutes, not an hour of steps."""
        minutes = self.cfg.train.checkpoint_minutes
        return minutes > 0 and any_rank(time.monotonic() - self.saved_at >= minutes * 60, self.ctx)

    def save_samples(self) -> None:
        if self.ctx.is_main:
            self.pictures.samples(self)

    def epoch(self) -> float:
        """Epochs trained, counted in the loop's steps."""
        return round(self.step / self.steps_per_epoch, 3)

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
        if self.ctx.is_main and self.method.wants_held_out_previews:  # image-to-image grids show held-out inputs
            with self.not_training_time():  # loading held-out data is evaluation time
                self.method.keep_held_out_previews(self.held_out_data())
        if self.step == 0 and self.method.evaluate_at_start:
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
                if self.evaluator.samples_due(self.step):
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
        self.budget_reached = not self.stop  # steps, minutes or CPU-minutes: the run ends "finished"
        if self.stop:
            self.save()
            self.announce(f"\n{self.stop.requested}: stopped after step {self.step}, saved {self.run_dir / 'last.pt'}; "
                          f"continue with `ganforge train --resume {self.run_dir}`")
            raise KeyboardInterrupt
        self.save()
        scores = self.evaluate(final=True)
        self.save_samples()  # after the final scores, so the curves include them
        if self.ctx.is_main:
            self.pictures.end(self)
        if scores:
            listed = ", ".join(f"{k} {v:.4g}" for k, v in scores.items())
            self.announce(f"held-out ({self.held_out.source}): {listed}")
        if self.evaluator.samples_due(self.step, final=True):
            self.evaluate_samples()
        self.announce(f"done: step {self.step}, samples {self.run_dir / 'samples.png'}, "
                      f"checkpoint {self.run_dir / 'last.pt'}")
        return self.run_dir

    def held_out_data(self):
        """The data the run does not train on (data/held_out.py), loaded once."""
        if self.held_out is None:
            self.held_out = load_dataset(replace(self.cfg.data, split=held_out_split(self.cfg.data.split)),
                                         lambda *a: None)
        return self.held_out

    def evaluate(self, final: bool = False) -> dict[str, float]:
        """The method's held-out scores (the evaluator writes them), after every epoch and at the end; methods
        without any cost nothing. Scoring is not training time: budgets exclude it."""
        if not self.ctx.is_main or not self.method.scores_held_out:
            return {}
        with self.not_training_time():
            return self.evaluator.held_out(self, self.held_out_data(), final)

    def evaluate_samples(self) -> None:
        """Sample-quality metrics (the evaluator writes them); best.pt when they improved. The time it takes is not
        training time, and it draws from private seeded RNGs only, so resume stays exact."""
        with self.not_training_time():
            improved = self.evaluator.samples(self) if self.ctx.is_main else False
            if broadcast_object(improved, self.ctx):
                self.save("best.pt")
                self.announce(f"best.pt: step {self.step}")

    @contextlib.contextmanager
    def not_training_time(self):
        """Evaluation does not count against the budgets (or time_s): its wall and CPU time are set apart."""
        start, cpu_start = time.monotonic(), time.process_time()
        try:
            yield
        finally:
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

