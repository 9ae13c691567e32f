"""Explicit bounds on the size of an experiment: a typo must not eat the machine.

A grid of three ranges at 100,000 levels is 10¹⁵ points; 5,000 options of 100,000 runs each is half a
billion runs; 64 worker processes on two cores spend a minute and gigabytes starting up. Each bound
here is checked before any work starts and raises :class:`LimitError`, which names the option that
set the value; the CLI reports it as ``--OPTION:1:1: name: message`` with exit code 2 (the bounds on a
posterior file are reported in the file, by :mod:`sim.experiments.posterior`). The bounds are
listed in docs/cli.md ("Limits"); the scenario's own limits are in :mod:`sim.scenario.limits`.
"""

from __future__ import annotations

import os

from sim.scenario.limits import MAX_RUNS

__all__ = [
    "MAX_ARMS",
    "MAX_COMPARE_RUNS",
    "MAX_DESIGN_POINTS",
    "MAX_POSTERIOR_BYTES",
    "MAX_POSTERIOR_DRAWS",
    "MAX_POSTERIOR_PARAMETERS",
    "MAX_SWEEP_RUNS",
    "LimitError",
    "available_cores",
    "check_arms",
    "check_design_size",
    "check_runs",
    "check_workers",
]

MAX_DESIGN_POINTS = 100_000
"""Most points in one design (a grid's full factorial, an LHS or Sobol' sample, a Saltelli design)."""

MAX_ARMS = 50
"""Most options in one comparison; beyond a few dozen a comparison is a sweep."""

MAX_COMPARE_RUNS = MAX_RUNS
"""Most runs over all arms of one comparison (runs per arm × arms): a comparison keeps every run in memory."""

MAX_SWEEP_RUNS = 100_000_000
"""Most runs over all points of one sweep (runs per point × points); a sweep streams its runs to disk."""

MAX_POSTERIOR_DRAWS = 100_000
"""Most parameter sets in one posterior file (``--posterior``); with 64 parameters, about 51 MB in memory."""

MAX_POSTERIOR_PARAMETERS = 64
"""Most parameters (scenario paths) in one posterior file."""

MAX_POSTERIOR_BYTES = 256_000_000
"""Largest posterior file read (checked before parsing): room for the most draws of the most parameters."""


class LimitError(ValueError):
    """An experiment larger than a documented bound, or an option it cannot take (a malformed scheduler address).

    Attributes:
        option: The command-line option that sets the value (``--points``, ``--arm``, ``--workers``, ...).
        message: What is too large, and the limit.
    """

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.message = message


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def check_design_size(points: int, what: str = "the design", option: str = "--points") -> None:
    """Refuse a design of more than :data:`MAX_DESIGN_POINTS` points (counted before it is built)."""
    if points > MAX_DESIGN_POINTS:
        raise LimitError(option, f"{what} has {points:,} points, more than the limit of {MAX_DESIGN_POINTS:,}")


def check_arms(arms: int) -> None:
    """Refuse a comparison of more than :data:`MAX_ARMS` options."""
    if arms > MAX_ARMS:
        raise LimitError("--arm", f"{arms:,} options, more than the limit of {MAX_ARMS}")


def check_runs(runs: int, count: int, unit: str, limit: int, option: str = "--runs") -> None:
    """Refuse ``runs`` per point or arm × ``count`` points or arms above ``limit``."""
    if runs * count > limit:
        raise LimitError(
            option, f"{runs:,} runs × {count:,} {unit} = {runs * count:,} runs, more than the limit of {limit:,}"
        )


def check_workers(workers: int) -> None:
    """Refuse fewer than one worker process, or more than the CPU cores this process may use."""
    cores = available_cores()
    if not 1 <= workers <= cores:
        raise LimitError("--workers", f"must be between 1 and {cores} (the CPU cores available here), got {workers}")
