"""Progress on stderr: batch's tqdm bar on a terminal, plain lines in CI logs (batch and score).

Plain lines (when the stream is not a TTY, or ``CI`` is set) come every ``every`` pairs or every
``interval`` seconds, whichever is first, and say done/total, failures, rate and ETA.  The stream
is handed in by the command line, so library code itself never writes to the terminal.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TextIO


def _fmt_eta(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):
        return "?"
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class LineProgress:
    """Plain progress lines for logs."""

    def __init__(self, stream: TextIO, *, every: int = 50, interval: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.every = max(1, every)
        self.interval = interval
        self.clock = clock
        self.total = self.done = self.failed = self.before = 0
        self._t0 = self._last_t = 0.0
        self._last_n = 0

    def start(self, total: int, already_done: int) -> None:
        self.total, self.before, self.done = total, already_done, already_done
        self._t0 = self._last_t = self.clock()
        self._last_n = already_done
        todo = total - already_done
        resumed = f" ({already_done} already done)" if already_done else ""
        self._write(f"batch: {todo} pair{'' if todo == 1 else 's'} to score of {total}{resumed}")

    def advance(self, ok: bool) -> None:
        self.done += 1
        self.failed += 0 if ok else 1
        now = self.clock()
        if self.done - self._last_n >= self.every or now - self._last_t >= self.interval:
            self._report(now)

    def finish(self) -> None:
        if self.done != self._last_n or self.done == self.before:
            self._report(self.clock())

    def line(self, now: float) -> str:
        scored = self.done - self.before
        elapsed = max(now - self._t0, 1e-9)
        rate = scored / elapsed
        left = self.total - self.done
        eta = left / rate if rate > 0 else float("inf")
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return (f"batch: {self.done}/{self.total} ({pct:.0f}%), {self.failed} failed, "
                f"{rate:.2f} pairs/s, ETA {_fmt_eta(eta)}")

    def _report(self, now: float) -> None:
        self._last_n, self._last_t = self.done, now
        self._write(self.line(now))

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


class ScoreLineProgress(LineProgress):
    """``evaluator score``'s plain progress lines for logs (stderr not a TTY): the set advances a chunk at
    a time (``update(done, total)``, the ``score_systems`` progress callback), and a line comes when
    ``share`` of the set (default a tenth) was scored since the last one, or ``interval`` seconds
    (default 30) passed, and at the end: lines done/total, rate and ETA, one plain line each (no
    carriage return), so a long run shows it is alive in a CI log."""

    def __init__(self, stream: TextIO, total: int, *, chunks: int | None = None, share: float = 0.1,
                 interval: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(stream, every=int(total * share + 0.999999), interval=interval, clock=clock)  # rounded up
        self.total = total
        self._t0 = self._last_t = clock()
        in_chunks = f" in {chunks} chunks" if chunks else ""
        self._write(f"score: {total} line{'' if total == 1 else 's'} to score{in_chunks}")

    def update(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = self.clock()
        if done >= total or done - self._last_n >= self.every or now - self._last_t >= self.interval:
            self._report(now)

    def line(self, now: float) -> str:
        elapsed = max(now - self._t0, 1e-9)
        rate = self.done / elapsed
        left = self.total - self.done
        pct = 100.0 * self.done / self.total if self.total else 100.0
        if left <= 0:
            return f"score: {self.done}/{self.total} lines (100%), {rate:.1f} lines/s, took {_fmt_eta(elapsed)}"
        eta = left / rate if rate > 0 else float("inf")
        return f"score: {self.done}/{self.total} lines ({pct:.0f}%), {rate:.1f} lines/s, ETA {_fmt_eta(eta)}"


class BarProgress:
    """A tqdm bar (rate and ETA) for an interactive terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._bar: Any = None
        self.failed = 0

    def start(self, total: int, already_done: int) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, initial=already_done, file=self.stream, unit="pair",
                         dynamic_ncols=True, desc="batch", smoothing=0.1)

    def advance(self, ok: bool) -> None:
        if not ok:
            self.failed += 1
            self._bar.set_postfix(failed=self.failed, refresh=False)
        self._bar.update(1)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()


class NoProgress:
    def start(self, total: int, already_done: int) -> None:
        pass

    def advance(self, ok: bool) -> None:
        pass

    def finish(self) -> None:
        pass


def make_progress(stream: TextIO, mode: str = "auto", *, every: int = 50, interval: float = 10.0
                  ) -> LineProgress | BarProgress | NoProgress:
    """``auto``: a bar on a terminal outside CI, else lines; or force ``bar`` / ``lines`` / ``none``."""
    if mode == "none":
        return NoProgress()
    if mode == "auto":
        tty = hasattr(stream, "isatty") and stream.isatty()
        mode = "bar" if tty and not os.environ.get("CI") else "lines"
    if mode == "bar":
        return BarProgress(stream)
    return LineProgress(stream, every=every, interval=interval)
