"""Graceful stops: Ctrl-C and SIGTERM set a flag the training loop reads between steps.

Raising KeyboardInterrupt wherever Python happens to be would save a half-done step (data one batch ahead,
BatchNorm one forward pass ahead), so the first signal only asks; the loop finishes its step, saves and
stops, and that checkpoint resumes bit-identically. A second signal stops at once and saves nothing.
"""
import signal
import threading
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """Set by the first SIGINT/SIGTERM; `requested` names the signal (None while nobody asked to stop)."""

    def __init__(self):
        self.requested: str | None = None
        self.previous: dict = {}

    def __bool__(self) -> bool:
        return self.requested is not None

    def handle(self, signum, frame) -> None:
        if self.requested is not None:
            self.restore()
            raise KeyboardInterrupt  # the second signal: stop now, the step in progress is lost, not saved
        self.requested = signal.Signals(signum).name

    def install(self) -> None:
        for sig in SIGNALS:
            self.previous[sig] = signal.signal(sig, self.handle)

    def restore(self) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        self.previous = {}


@contextmanager
def stop_on_signals():
    """Yields a StopRequest that SIGINT and SIGTERM set while the block runs (main thread only: signal
    handlers can be set nowhere else; elsewhere the flag simply never gets set)."""
    stop = StopRequest()
    if threading.current_thread() is threading.main_thread():
        stop.install()
    try:
        yield stop
    finally:
        stop.restore()
