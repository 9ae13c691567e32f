"""The unit of work of every experiment: a chunk of consecutive runs of one scenario, as an Arrow table.

:func:`chunk_table` is what a worker runs (a plain module-level function, so it pickles for local
processes and for Dask). :func:`run_points` runs the same run indices for several scenarios (design
points, or the arms of a comparison) on an executor and gives back each point's rows in run order:
every point sees the same seed and run indices, i.e. common random numbers. With a posterior, a chunk
also carries the parameter sets of its runs (:class:`~sim.experiments.posterior.ParticleDraws`), the
same for every point: run i of every point uses the same parameter set and the same dice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa

from sim.engines import check_engine
from sim.experiments.executors import Executor, SerialExecutor
from sim.experiments.monte_carlo import chunk_runs, run_chunk
from sim.experiments.posterior import ParticleDraws, PosteriorRuns, run_draws
from sim.experiments.storage import _schema, frame_to_outcomes, outcomes_to_frame
from sim.scenario.schema import Scenario
from sim.vocabulary import RunOutcome

__all__ = [
    "DEFAULT_ENGINE",
    "check_engine",
    "chunk_table",
    "default_chunk_size",
    "run_outcomes",
    "run_points",
    "run_schema",
    "table_outcomes",
]

DEFAULT_ENGINE = "compiled"
"""Engine used when none is named: the Numba twin of the reference model (equal outcomes, much faster)."""

ProgressCallback = Callable[[int, int], None]


def run_outcomes(scenario: Scenario, seed: int, runs: Sequence[int], engine: str = DEFAULT_ENGINE) -> list[RunOutcome]:
    """Run the given replications with the named engine (equal outcomes from either engine).

    Raises:
        ValueError: If no engine has that name.
    """
    return run_chunk(scenario, seed, runs, engine=check_engine(engine))


def default_chunk_size(engine: str) -> int:
    """Runs per chunk unless told otherwise: about a second of work for one core."""
    return 1000 if engine == "compiled" else 250


def run_schema(trajectory: bool = True) -> pa.Schema:
    """Arrow schema of per-run rows: ``point`` then the outcome columns of :mod:`sim.experiments.storage`."""
    base = _schema(trajectory)
    return pa.schema([pa.field("point", pa.int64()), *base])


def chunk_table(
    scenario: Scenario,
    seed: int,
    point: int,
    runs: Sequence[int],
    engine: str = DEFAULT_ENGINE,
    draws: ParticleDraws | None = None,
    fixed_paths: Sequence[tuple[Any, ...]] = (),
) -> pa.Table:
    """Run one chunk and return its rows (trajectories included), with ``point`` as the first column.

    With ``draws`` each run uses its parameter set from a posterior, under the paths the point sets
    itself (``fixed_paths``: a sweep's parameters, an arm's overrides), which keep the point's values.
    """
    if draws is None:
        outcomes = run_outcomes(scenario, seed, runs, engine)
    else:
        if tuple(runs) != draws.runs:
            raise ValueError("the parameter sets belong to other runs")
        outcomes = run_draws(scenario, seed, draws, check_engine(engine), None, fixed_paths, point)
    frame = outcomes_to_frame(outcomes, trajectory=True)
    frame.insert(0, "point", point)
    return pa.Table.from_pandas(frame, schema=run_schema(True), preserve_index=False)


def table_outcomes(table: pa.Table) -> list[RunOutcome]:
    """Rebuild :class:`RunOutcome` records from per-run rows (with trajectories)."""
    frame = table.drop_columns(["point"]).to_pandas() if "point" in table.column_names else table.to_pandas()
    return frame_to_outcomes(frame)


def run_points(
    scenarios: Sequence[Scenario],
    seed: int,
    runs: range,
    executor: Executor | None = None,
    chunk_size: int = 250,
    engine: str = DEFAULT_ENGINE,
    progress: ProgressCallback | None = None,
    posterior: PosteriorRuns | None = None,
    fixed_paths: Sequence[Sequence[tuple[Any, ...]]] | None = None,
) -> list[pa.Table]:
    """Run ``runs`` of every scenario on common random numbers; rows per scenario, in run order.

    Args:
        scenarios: One validated scenario per point (point ``i`` is ``scenarios[i]``).
        seed: Master seed, the same for every point.
        runs: Run indices, the same for every point.
        executor: Where to compute (default: this process).
        chunk_size: Runs per unit of work.
        engine: Engine name.
        progress: Called with (runs done, runs in all) as chunks finish.
        posterior: If the runs draw their parameters from a posterior: the posterior applied to the
            base scenario (each run uses the same parameter set at every point).
        fixed_paths: Per point, the paths it sets itself, which keep its values over the posterior's.

    Returns:
        One table per point (``point`` column, outcome columns, trajectories), rows in run order;
        identical for any executor and number of workers.

    Raises:
        ScenarioError: If a parameter set the runs use is invalid (before any run).
    """
    check_engine(engine)
    executor = executor or SerialExecutor()
    chunks = chunk_runs(runs.start, len(runs), chunk_size) if len(runs) else []
    draws = [posterior.draws(chunk) for chunk in chunks] if posterior is not None else [None] * len(chunks)
    fixed = fixed_paths or [()] * len(scenarios)
    tasks = (
        ((i, c), (scenario, seed, i, list(chunk), engine, draws[c], tuple(fixed[i])))
        for i, scenario in enumerate(scenarios)
        for c, chunk in enumerate(chunks)
    )
    parts: dict[tuple[int, int], pa.Table] = {}
    total, done = len(scenarios) * len(runs), 0
    for key, table in executor.run(chunk_table, tasks):
        parts[key] = table  # type: ignore[index]
        done += table.num_rows
        if progress:
            progress(done, total)
    return [
        pa.concat_tables([parts[(i, c)] for c in range(len(chunks))]) if chunks else run_schema().empty_table()
        for i in range(len(scenarios))
    ]
