"""Batches of runs sized by time, so that control comes back to Python about twice a second.

Compiled code cannot be interrupted: Python raises ``KeyboardInterrupt`` (Ctrl-C), and the app notices a
Cancel, only between calls into it. A fixed batch size is either too small for a fast scenario (call
overhead) or far too long for a slow one (a minute before Ctrl-C is honoured). A :class:`Pacer` sizes
each batch from the time the previous ones took: the first batch is small (:data:`FIRST_RUNS`), each
next one aims at :data:`PACE_SECONDS` of work, growing at most :data:`GROWTH` times per batch (a lucky
fast first batch cannot make the second one long), so a Ctrl-C or a Cancel is honoured within about
half a second whatever the scenario costs per run.

Runs are independent (each one's draws depend only on the seed and its index), so how the runs are
split never changes an outcome.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

__all__ = ["FIRST_RUNS", "GROWTH", "PACE_SECONDS", "Pacer", "paced"]

PACE_SECONDS = 0.5
"""Work per batch that a :class:`Pacer` aims at, seconds."""

FIRST_RUNS = 64
"""Runs in the first batch, before anything is measured."""

GROWTH = 16
"""A batch is at most this many times larger than the previous one."""


class Pacer:
    """Chooses batch sizes from the measured time per run.

    Args:
        seconds: Work per batch to aim at.
        first: Runs in the first batch.
        largest: Never more runs than this in one batch.
    """

    def __init__(self, seconds: float = PACE_SECONDS, first: int = FIRST_RUNS, largest: int | None = None) -> None:
        if not seconds > 0 or first < 1:
            raise ValueError("a pacer needs seconds > 0 and a first batch of at least 1 run")
        self.seconds = seconds
        self.first = first
        self.largest = largest
        self.seconds_per_run: float | None = None
        self._last = 0

    def size(self, left: int) -> int:
        """Runs in the next batch, given ``left`` runs still to do."""
        if self.seconds_per_run is None:
            n = self.first
        else:
            n = int(self.seconds / max(self.seconds_per_run, 1e-9))
            n = min(n, GROWTH * max(self._last, 1))
        if self.largest is not None:
            n = min(n, self.largest)
        return max(1, min(n, left))

    def record(self, runs: int, seconds: float) -> None:
        """Note that a batch of ``runs`` took ``seconds`` (wall clock)."""
        if runs > 0:
            self.seconds_per_run = max(seconds, 0.0) / runs
            self._last = runs

    def batches[T](self, runs: Sequence[T]) -> Iterator[Sequence[T]]:
        """Slices of ``runs``, in order; each one's size follows the time the previous ones took.

        The time of a batch runs from when it is handed out to when the next one is asked for, so it
        includes whatever the caller does with the batch (running it, converting its outcomes, reporting).
        """
        start = 0
        while start < len(runs):
            n = self.size(len(runs) - start)
            began = time.perf_counter()
            yield runs[start : start + n]
            self.record(n, time.perf_counter() - began)
            start += n


def paced[T](runs: Sequence[T], seconds: float = PACE_SECONDS, first: int = FIRST_RUNS) -> Iterator[Sequence[T]]:
    """``Pacer(seconds, first).batches(runs)``: slices of ``runs`` of about ``seconds`` of work each."""
    return Pacer(seconds, first).batches(runs)
