"""Monte Carlo over the reference engine, on a local process pool.

Runs are split into chunks of consecutive run indices; each chunk is a plain function call
(:func:`sim.experiments.run.run_once` per run), and outcomes are put back in run order, so the
results do not depend on the number of workers or on which worker finished first.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from sim.experiments.outcome import RunOutcome
from sim.experiments.run import run_once
from sim.experiments.summary import MonteCarloSummary, summarize
from sim.scenario.schema import Scenario

ProgressCallback = Callable[[int, int], None]
"""Called with (runs done, runs in all) as chunks finish."""


@dataclass(frozen=True)
class MonteCarloResult:
    """Per-run outcomes (in run order) and their summary."""

    scenario: Scenario
    seed: int
    outcomes: tuple[RunOutcome, ...]
    summary: MonteCarloSummary


def run_chunk(scenario: Scenario, seed: int, runs: Sequence[int]) -> list[RunOutcome]:
    """Run the given replications one after another (the unit of work sent to a worker)."""
    return [run_once(scenario, seed, run) for run in runs]


def chunk_runs(first: int, count: int, chunk_size: int) -> list[range]:
    """Split run indices ``first .. first+count-1`` into consecutive chunks."""
    return [range(start, min(start + chunk_size, first + count)) for start in range(first, first + count, chunk_size)]


def run_monte_carlo(
    scenario: Scenario,
    runs: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    first_run: int = 0,
    chunk_size: int | None = None,
    progress: ProgressCallback | None = None,
) -> MonteCarloResult:
    """Run replications ``first_run .. first_run+runs-1`` and summarise them.

    Args:
        scenario: A validated scenario (overrides already applied).
        runs: Replications; defaults to ``scenario.monte_carlo.runs``.
        seed: Master seed; defaults to ``scenario.monte_carlo.seed``.
        workers: Worker processes (1 runs in this process).
        first_run: Index of the first replication (for extending a Monte Carlo).
        chunk_size: Runs per unit of work; defaults to about four chunks per worker.
        progress: Optional callback (done, total).

    Returns:
        Outcomes in run order and their summary; identical for any ``workers`` and ``chunk_size``.
    """
    runs = scenario.monte_carlo.runs if runs is None else runs
    seed = scenario.monte_carlo.seed if seed is None else seed
    if runs < 1 or workers < 1:
        raise ValueError("runs and workers must be at least 1")
    chunk_size = chunk_size or max(1, min(250, -(-runs // (4 * workers))))
    chunks = chunk_runs(first_run, runs, chunk_size)
    if workers == 1:
        outcomes = _run_serial(scenario, seed, chunks, runs, progress)
    else:
        outcomes = _run_pool(scenario, seed, chunks, runs, workers, progress)
    outcomes.sort(key=lambda o: o.run)
    summary = summarize(outcomes, scenario.time.horizon_hours, scenario.time.tick_hours)
    return MonteCarloResult(scenario, seed, tuple(outcomes), summary)


def _run_serial(scenario, seed, chunks, total, progress) -> list[RunOutcome]:
    outcomes: list[RunOutcome] = []
    for chunk in chunks:
        outcomes.extend(run_chunk(scenario, seed, chunk))
        if progress:
            progress(len(outcomes), total)
    return outcomes


def _run_pool(scenario, seed, chunks, total, workers, progress) -> list[RunOutcome]:
    outcomes: list[RunOutcome] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(run_chunk, scenario, seed, chunk) for chunk in chunks]
        for future in as_completed(futures):
            outcomes.extend(future.result())
            if progress:
                progress(len(outcomes), total)
    return outcomes
