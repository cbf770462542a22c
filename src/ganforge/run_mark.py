"""A run folder says itself whether it is training: running.json while it trains, ended.json once it stopped.

running.json holds the process (PID, host), a heartbeat rewritten every few seconds, the step, the step budget
and the time left. A clean end or Ctrl-C replaces it by ended.json (finished / interrupted / failed). A process
killed outright (SIGKILL, power loss) leaves running.json behind: its PID is gone or its heartbeat is old, and
readers call the run stopped.
"""
import json
import math
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .progress_lines import duration, time_left

RUNNING = "running.json"
ENDED = "ended.json"
HEARTBEAT_S = 5.0
STALE_S = 30.0  # a heartbeat older than this (six missed beats) means the process is gone or hung


def write_json(path: Path, record: dict) -> None:
    """Atomic, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(record))
    os.replace(tmp, path)


class RunningMark:
    """Context manager around `trainer.run()`: marks the run folder running, beats, and records how it ended.

    Reads trainer.step, trainer.budget and trainer.deadline (set by `run()`) from a daemon thread; writes only
    on the main process of a distributed run.
    """

    def __init__(self, trainer, every_s: float = HEARTBEAT_S):
        self.trainer, self.every_s = trainer, every_s
        self.enabled = trainer.ctx.is_main
        self.path = Path(trainer.run_dir) / RUNNING
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.beat_forever, name="ganforge-heartbeat", daemon=True)
        self.start_time, self.start_step = time.monotonic(), trainer.step

    def __enter__(self):
        if self.enabled:
            (self.path.parent / ENDED).unlink(missing_ok=True)
            self.beat()
            self.thread.start()
        return self

    def record(self) -> dict:
        t = self.trainer
        total = getattr(t, "budget", math.inf)
        rate = (t.step - self.start_step) / max(time.monotonic() - self.start_time, 1e-9)
        left = time_left(t.step, total, rate, getattr(t, "deadline", math.inf)) if t.step > self.start_step else None
        return {"pid": os.getpid(), "host": socket.gethostname(), "heartbeat": time.time(), "step": t.step,
                "total": total if math.isfinite(total) else None, "time_left_s": left}

    def beat(self) -> None:
        write_json(self.path, self.record())

    def beat_forever(self) -> None:
        while not self.stop.wait(self.every_s):
            try:
                self.beat()
            except OSError:  # the folder vanished or the disk is full: training goes on without a heartbeat
                pass

    def __exit__(self, exc_type, exc, tb):
        if not self.enabled:
            return False
        self.stop.set()
        self.thread.join()
        t = self.trainer
        # No budget set: run() returned before training (the run was already at its budget).
        reached = not hasattr(t, "budget") or t.step >= t.budget or getattr(t, "budget_reached", False)
        state = ("interrupted" if exc_type is KeyboardInterrupt or (exc_type is None and not reached)
                 else "failed" if exc_type is not None else "finished")
        record = self.record()
        write_json(self.path.parent / ENDED, {"state": state, "step": record["step"], "total": record["total"],
                                              "ended": record["heartbeat"]})
        self.path.unlink(missing_ok=True)
        return False


@dataclass
class RunState:
    state: str  # training | stopped (killed: a stale mark) | finished | interrupted | failed | unknown
    step: int | None = None
    total: int | None = None
    time_left_s: float | None = None
    age_s: float | None = None  # seconds since the last heartbeat or the end

    @property
    def text(self) -> str:
        """'training, step 120/3,000, 4m10s left', 'stopped (killed at step 120; no heartbeat for 2m)', ..."""
        where = "" if self.step is None else f"step {self.step:,}" + (f"/{self.total:,}" if self.total else "")
        if self.state == "training":
            left = f", {duration(self.time_left_s)} left" if self.time_left_s is not None else ""
            return f"training, {where}{left}"
        if self.state == "stopped":
            return f"stopped (killed at {where or 'an unknown step'}; no heartbeat for {duration(self.age_s or 0)})"
        return f"{self.state} at {where}" if where else self.state


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    try:  # a killed child not yet reaped by its parent is a zombie: gone for our purposes
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def read_state(run_dir: str | Path) -> RunState:
    """How the run stands, from its marks alone (no checkpoint loaded)."""
    run_dir = Path(run_dir)
    now = time.time()
    for name in (RUNNING, ENDED):
        try:
            record = json.loads((run_dir / name).read_text())
        except (OSError, ValueError):
            continue
        if name == ENDED:
            return RunState(record.get("state", "unknown"), record.get("step"), record.get("total"),
                            age_s=now - record.get("ended", now))
        age = now - float(record.get("heartbeat", 0))
        local = record.get("host") == socket.gethostname()
        alive = age < STALE_S and (not local or process_alive(int(record.get("pid", -1))))
        return RunState("training" if alive else "stopped", record.get("step"), record.get("total"),
                        record.get("time_left_s") if alive else None, age)
    return RunState("unknown")
