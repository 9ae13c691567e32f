"""Monte Carlo over either engine, on a local process pool.

Runs are split into chunks of consecutive run indices; each chunk is a plain function call
(:func:`sim.engines.run_many` on either engine), and outcomes are put back in run order, so the
results do not depend on the engine, the number of workers or threads, or which worker finished first.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from sim import engines
from sim.experiments.executors import LostWorkersError, start_worker
from sim.experiments.limits import check_workers
from sim.experiments.summary import MonteCarloSummary, summarize
from sim.scenario.schema import Scenario
from sim.vocabulary import RunOutcome

ProgressCallback = Callable[[int, int], None]
"""Called with (runs done, runs in all) as chunks finish."""


@dataclass(frozen=True)
class MonteCarloResult:
    """Per-run outcomes (in run order) and their summary."""

    scenario: Scenario
    seed: int
    outcomes: tuple[RunOutcome, ...]
    summary: MonteCarloSummary


def run_chunk(
    scenario: Scenario, seed: int, runs: Sequence[int], engine: str = "reference", threads: int | None = None
) -> list[RunOutcome]:
    """Run the given replications (the unit of work sent to a worker).

    Args:
        scenario: A validated scenario.
        seed: Master seed.
        runs: Run indices.
        engine: "reference" (one Mesa model after another) or "compiled" (one parallel batch).
        threads: numba threads for the compiled engine (default: numba's setting).

    Returns:
        One outcome per run, in the order of ``runs``.
    """
    return engines.run_many(scenario, seed, list(runs), engine=engine, threads=threads)


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
    engine: str = "compiled",
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
        engine: "compiled" (the Numba twin, default) or "reference" (the Mesa + simpy model); both
            give equal outcomes.

    Returns:
        Outcomes in run order and their summary; identical for any ``engine``, ``workers`` and
        ``chunk_size``.
    """
    runs = scenario.monte_carlo.runs if runs is None else runs
    seed = scenario.monte_carlo.seed if seed is None else seed
    if runs < 1:
        raise ValueError("runs must be at least 1")
    check_workers(workers)
    engines.check_engine(engine)
    largest = 250 if engine == "reference" else 20_000
    chunk_size = chunk_size or max(1, min(largest, -(-runs // (4 * workers))))
    chunks = chunk_runs(first_run, runs, chunk_size)
    if workers == 1:
        outcomes = _run_serial(scenario, seed, chunks, runs, progress, engine)
    else:
        outcomes = _run_pool(scenario, seed, chunks, runs, workers, progress, engine)
    outcomes.sort(key=lambda o: o.run)
    summary = summarize(outcomes, scenario.time.horizon_hours, scenario.time.tick_hours)
    return MonteCarloResult(scenario, seed, tuple(outcomes), summary)


def _run_serial(scenario, seed, chunks, total, progress, engine) -> list[RunOutcome]:
    outcomes: list[RunOutcome] = []
    if engine == "compiled":
        scenario = engines.compile_scenario(scenario)
    for chunk in chunks:
        outcomes.extend(run_chunk(scenario, seed, chunk, engine))
        if progress:
            progress(len(outcomes), total)
    return outcomes


def _run_pool(scenario, seed, chunks, total, workers, progress, engine) -> list[RunOutcome]:
    outcomes: list[RunOutcome] = []
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)), mp_context=context, initializer=start_worker, initargs=({},)
    )
    try:
        # one numba thread per worker process: the workers are the parallelism
        futures = [pool.submit(run_chunk, scenario, seed, chunk, engine, 1) for chunk in chunks]
        for future in as_completed(futures):
            outcomes.extend(future.result())
            if progress:
                progress(len(outcomes), total)
    except BrokenProcessPool as exc:
        where = f"local processes ({workers} workers)"
        raise LostWorkersError(where, "a worker process died (killed, or out of memory)") from exc
    finally:  # on an error or Ctrl-C, wait only for the chunks already running
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes
