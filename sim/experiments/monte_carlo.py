"""Monte Carlo over either engine, on a local process pool.

Runs are split into chunks of consecutive run indices; each chunk is a plain function call
(:func:`sim.engines.run_many` on either engine), and outcomes are put back in run order, so the
results do not depend on the engine, the number of workers or threads, or which worker finished first.

With a posterior (``posterior=``), each run draws its parameter set from it by its run index
(:mod:`sim.experiments.posterior`); a chunk then carries the sets its runs use, and the result records
the posterior in its summary.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim import engines
from sim.experiments.display import parameter_note, summary_html, summary_line
from sim.experiments.executors import ProcessExecutor
from sim.experiments.limits import check_workers
from sim.experiments.posterior import Posterior, PosteriorRuns, as_posterior, run_draws
from sim.experiments.stats import check_interval
from sim.experiments.storage import outcomes_to_frame
from sim.experiments.summary import MonteCarloSummary, summarize, trajectory_grid
from sim.experiments.summary_spread import with_parameter_spread
from sim.scenario.schema import Scenario
from sim.vocabulary import RunOutcome

if TYPE_CHECKING:
    import xarray

ProgressCallback = Callable[[int, int], None]
"""Called with (runs done, runs in all) as chunks finish."""


@dataclass(frozen=True, repr=False)
class MonteCarloResult:
    """Per-run outcomes (in run order) and their summary.

    In a notebook: :meth:`frame` gives one row per run (pandas), :meth:`trajectories` the crisis
    level of every run at every tick (an ``xarray.DataArray`` with axes ``run`` × ``tick``), and the
    result shows itself as a short line (``repr``) or an HTML table of its headline numbers.

    Attributes:
        scenario: The scenario that was run (overrides applied).
        seed: Master seed.
        outcomes: One record per run, in run order.
        summary: Their summary.
        posterior: The posterior each run drew its parameters from (``None``: the scenario's own values).
    """

    scenario: Scenario
    seed: int
    outcomes: tuple[RunOutcome, ...]
    summary: MonteCarloSummary
    posterior: Posterior | None = None

    def frame(self, trajectory: bool = False) -> pd.DataFrame:
        """One row per run, one column per field of the outcome record (see :func:`outcomes_to_frame`).

        Args:
            trajectory: Also include each run's per-tick ``crisis_level`` (an array per row).

        Returns:
            The frame, in run order (the ``run`` column holds the run index).
        """
        return outcomes_to_frame(self.outcomes, trajectory=trajectory)

    def trajectories(self) -> xarray.DataArray:
        """Crisis level at the end of every tick of every run: a (run × tick) ``xarray.DataArray``.

        Coordinates: ``run`` (run index), ``tick`` (0-based) and, along ``tick``, ``hours`` (end of the
        tick) and ``day`` (fractional days). A run that stopped early is held at its last level. For
        example ``result.trajectories().sel(run=7)`` is one run, ``(t >= 3).mean("run")`` the share of
        runs at rung 3 or above over time (the fan chart's line for k = 3).

        Returns:
            int8 values named ``crisis_level``, with the scenario, seed and tick length as attributes.
        """
        import xarray

        grid = trajectory_grid(self.outcomes)
        ticks = np.arange(grid.shape[1])
        hours = (ticks + 1.0) * self.scenario.time.tick_hours
        return xarray.DataArray(
            grid,
            dims=("run", "tick"),
            coords={
                "run": [o.run for o in self.outcomes],
                "tick": ticks,
                "hours": ("tick", hours),
                "day": ("tick", hours / 24.0),
            },
            name="crisis_level",
            attrs={
                "long_name": "crisis level (highest rung held) at the end of the tick",
                "scenario": self.scenario.metadata.name,
                "seed": self.seed,
                "tick_hours": self.scenario.time.tick_hours,
            },
        )

    def __repr__(self) -> str:
        name = self.scenario.metadata.name
        tail = f", posterior={self.posterior.name!r} ({self.posterior.size} draws)" if self.posterior else ""
        return f"MonteCarloResult(scenario={name!r}, seed={self.seed}, {summary_line(self.summary)}{tail})"

    def _repr_html_(self) -> str:
        """The scenario, seed and headline probabilities as HTML (Jupyter shows it for a result in a cell)."""
        name = html.escape(self.scenario.metadata.name)
        head = f"<p><b>{name}</b>: Monte Carlo of {self.summary.n_runs} runs, seed {self.seed}</p>"
        if self.summary.posterior:
            head += f"<p>{html.escape(parameter_note(self.summary.posterior))}</p>"
        return head + summary_html(self.summary)


def run_chunk(
    scenario: Scenario,
    seed: int,
    runs: Sequence[int],
    engine: str = "reference",
    threads: int | None = None,
    draws: Any = None,
) -> list[RunOutcome]:
    """Run the given replications (the unit of work sent to a worker).

    Args:
        scenario: A validated scenario.
        seed: Master seed.
        runs: Run indices.
        engine: "reference" (one Mesa model after another) or "compiled" (one parallel batch).
        threads: numba threads for the compiled engine (default: numba's setting).
        draws: The runs' parameter sets (:class:`~sim.experiments.posterior.ParticleDraws`), if they
            draw them from a posterior.

    Returns:
        One outcome per run, in the order of ``runs``.
    """
    if draws is not None:
        if tuple(runs) != draws.runs:
            raise ValueError("the parameter sets belong to other runs")
        return run_draws(scenario, seed, draws, engine, threads)
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
    posterior: Posterior | str | os.PathLike[str] | None = None,
    interval: str = "wilson",
) -> MonteCarloResult:
    """Run replications ``first_run .. first_run+runs-1`` and summarise them.

    Args:
        scenario: A validated scenario (overrides already applied).
        runs: Replications; defaults to ``scenario.monte_carlo.runs``.
        seed: Master seed; defaults to ``scenario.monte_carlo.seed``.
        workers: Worker processes (1 runs in this process).
        first_run: Index of the first replication (for extending a Monte Carlo).
        chunk_size: Runs per unit of work; by default chunks of about half a second each, sized from
            the time the previous ones took (:class:`sim.engines.Pacer`): progress is reported, the app's
            Cancel and Ctrl-C honoured, between them.
        progress: Optional callback (done, total).
        engine: "compiled" (the Numba twin, default) or "reference" (the Mesa + simpy model); both
            give equal outcomes.
        posterior: A :class:`~sim.experiments.posterior.Posterior` (or its file): each run uses the
            parameter set :func:`~sim.experiments.posterior.draw_index` picks for its index, applied
            on top of ``scenario``.
        interval: Binomial interval of the summary's probabilities: ``wilson`` (default), ``jeffreys``
            or ``clopper-pearson`` (:data:`sim.experiments.stats.INTERVALS`).

    Returns:
        Outcomes in run order and their summary; identical for any ``engine``, ``workers`` and
        ``chunk_size``.

    Raises:
        ScenarioError: If the posterior does not fit the scenario (located in its file), before any run.
    """
    runs = scenario.monte_carlo.runs if runs is None else runs
    seed = scenario.monte_carlo.seed if seed is None else seed
    if runs < 1:
        raise ValueError("runs must be at least 1")
    check_workers(workers)
    engines.check_engine(engine)
    check_interval(interval)
    posterior = as_posterior(posterior)
    if posterior is not None:
        posterior.check_scenario(scenario)
    # with a posterior, every run's parameter set is checked here, before any run
    plan = PosteriorRuns(posterior, scenario, seed) if posterior is not None else None
    if plan is not None:
        plan.draws(range(first_run, first_run + runs))
    indices = range(first_run, first_run + runs)
    if workers == 1:
        outcomes = _run_serial(scenario, seed, indices, plan, progress, engine, chunk_size)
    else:
        outcomes = _run_pool(scenario, seed, indices, plan, workers, progress, engine, chunk_size)
    outcomes.sort(key=lambda o: o.run)
    about = posterior.describe() if posterior is not None else None
    horizon, tick = scenario.time.horizon_hours, scenario.time.tick_hours
    summary = summarize(outcomes, horizon, tick, scenario.metadata.name, about, interval)
    if posterior is not None and posterior.size > 1:
        summary = with_parameter_spread(summary, outcomes, posterior.draws_of_runs(seed, [o.run for o in outcomes]))
    return MonteCarloResult(scenario, seed, tuple(outcomes), summary, posterior)


def _first_runs(engine: str) -> int:
    """Runs in the first chunk, before any is timed: a few milliseconds of work on either engine."""
    return engines.FIRST_RUNS if engine == "compiled" else 2


def _run_serial(
    scenario: Scenario,
    seed: int,
    runs: range,
    plan: PosteriorRuns | None,
    progress: ProgressCallback | None,
    engine: str,
    chunk_size: int | None,
) -> list[RunOutcome]:
    """Runs in this process, in chunks of about half a second (:class:`sim.engines.Pacer`) unless a size is given.

    Between chunks, progress is reported (the app's Cancel takes effect there) and Ctrl-C is honoured.
    """
    outcomes: list[RunOutcome] = []
    if engine == "compiled" and plan is None:
        scenario = engines.compile_scenario(scenario)
    if chunk_size:
        chunks = chunk_runs(runs.start, len(runs), chunk_size)
    else:
        chunks = engines.paced(runs, first=_first_runs(engine))
    for chunk in chunks:
        draws = plan.draws(chunk) if plan is not None else None
        outcomes.extend(run_chunk(scenario, seed, chunk, engine, draws=draws))
        if progress:
            progress(len(outcomes), len(runs))
    return outcomes


def timed_chunk(
    scenario: Scenario, seed: int, runs: Sequence[int], engine: str, threads: int | None, draws: Any
) -> tuple[list[RunOutcome], float]:
    """:func:`run_chunk` in a worker, with the seconds it took there (what sizes the next chunks)."""
    started = time.perf_counter()
    outcomes = run_chunk(scenario, seed, runs, engine, threads, draws)
    return outcomes, time.perf_counter() - started


def _run_pool(
    scenario: Scenario,
    seed: int,
    runs: range,
    plan: PosteriorRuns | None,
    workers: int,
    progress: ProgressCallback | None,
    engine: str,
    chunk_size: int | None,
) -> list[RunOutcome]:
    """Chunks on local worker processes (one numba thread each); on Ctrl-C or a Cancel the workers are stopped.

    Unless ``chunk_size`` is given, each chunk is sized, when it is handed out, to about half a second of
    work from the time the workers took for the chunks already back (:class:`sim.engines.Pacer`), so
    progress (and the app's Cancel) comes about twice a second per worker whatever a run costs.
    """
    outcomes: list[RunOutcome] = []
    pacer = None if chunk_size else engines.Pacer(first=_first_runs(engine))

    def tasks():
        start, c = runs.start, 0
        while start < runs.stop:
            n = chunk_size or pacer.size(runs.stop - start)  # type: ignore[union-attr]
            chunk = range(start, min(start + n, runs.stop))
            yield c, (scenario, seed, chunk, engine, 1, plan.draws(chunk) if plan is not None else None)
            start, c = chunk.stop, c + 1

    with ProcessExecutor(min(workers, len(runs))) as pool:
        for _, (chunk_outcomes, seconds) in pool.run(timed_chunk, tasks()):
            if pacer is not None:
                pacer.record(len(chunk_outcomes), seconds)
            outcomes.extend(chunk_outcomes)
            if progress:
                progress(len(outcomes), len(runs))
    return outcomes
