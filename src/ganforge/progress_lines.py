"""Training progress for a terminal (tqdm's bar) or for a file (plain lines at a fixed interval).

A bar redrawn with carriage returns is one endless line in a log file (CI, `nohup`, a cluster job), so when
the output is not a terminal the loop prints one self-contained line every `every_s` seconds instead.
"""
import math
import sys
import time


def is_terminal() -> bool:
    """The bar when both streams are terminals (tqdm draws on stderr, the run's messages go to stdout) or in a
    notebook (tqdm.auto draws a widget there)."""
    return "ipykernel" in sys.modules or all(getattr(s, "isatty", lambda: False)() for s in (sys.stdout, sys.stderr))


def duration(seconds: float) -> str:
    """'42s', '3m05s', '1h02m'."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def time_left(step: int, total: float, steps_per_s: float, deadline: float = math.inf) -> float | None:
    """Seconds until the first budget is met: the step budget at the current speed, or the minutes deadline."""
    left = [deadline - time.monotonic()] if math.isfinite(deadline) else []
    if math.isfinite(total) and steps_per_s > 0:
        left.append((total - step) / steps_per_s)
    return max(0.0, min(left)) if left else None


class ProgressLines:
    """tqdm's small interface (update, set_postfix, close) printing plain lines: step/total, images/s, losses,
    elapsed and time left. `every_s=0` prints a line at every step."""

    def __init__(self, total: float, initial: int = 0, images_per_step: int = 1, every_s: float = 30.0,
                 deadline: float = math.inf, stream=None):
        self.total, self.step, self.images_per_step, self.every_s = total, initial, images_per_step, every_s
        self.deadline, self.stream = deadline, stream or sys.stdout
        self.start = self.last_time = time.monotonic()
        self.start_step = self.last_step = initial
        self.postfix: dict = {}

    def update(self, n: int = 1) -> None:
        self.step += n
        if time.monotonic() - self.last_time >= self.every_s:
            self.print_line()

    def set_postfix(self, values: dict, refresh: bool = True) -> None:
        self.postfix = dict(values)

    def close(self) -> None:
        if self.step != self.last_step:
            self.print_line()

    def print_line(self) -> None:
        now = time.monotonic()
        rate = (self.step - self.last_step) / max(now - self.last_time, 1e-9)
        overall = (self.step - self.start_step) / max(now - self.start, 1e-9)
        total = f"/{int(self.total):,}" if math.isfinite(self.total) else ""
        parts = [f"step {self.step:,}{total}", f"{rate * self.images_per_step:,.0f} images/s",
                 *(f"{k} {v}" for k, v in self.postfix.items()), f"elapsed {duration(now - self.start)}"]
        left = time_left(self.step, self.total, overall, self.deadline)
        if left is not None:
            parts.append(f"left {duration(left)}")
        print(", ".join(parts), file=self.stream, flush=True)
        self.last_time, self.last_step = now, self.step


def progress(total: float, initial: int, enabled: bool, images_per_step: int, every_s: float = 30.0,
             deadline: float = math.inf):
    """The bar on a terminal, plain lines otherwise; silent when disabled (train.progress=false)."""
    if enabled and not is_terminal():
        return ProgressLines(total, initial, images_per_step, every_s, deadline)
    from tqdm.auto import tqdm
    return tqdm(total=None if math.isinf(total) else int(total), initial=initial, unit="step", disable=not enabled,
                dynamic_ncols=True)
