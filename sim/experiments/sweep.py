"""Parameter sweeps: a Monte Carlo at every point of a design, on common random numbers, saved as Parquet.

Experimentation is separate from analysis (EMA Workbench style): :func:`sweep` runs the design and
writes

* the **point table** (``out``): one row per design point — the parameter values, the number of runs,
  ``P(max rung >= k)`` for k = 1..7 and ``P(inadvertent)`` with 95% Wilson intervals, root-cause
  shares, mean engagements, losses and severity, and Kaplan–Meier median times to rungs 3–5;
* optionally the **run table** (``per_run_out``): one row per (point, run), one row group per chunk.

Both are zstd Parquet files whose schema metadata (key ``b"flashpoint"``) holds the provenance:
scenario SHA-256, package version, seed, design, overrides, engine. :func:`read_sweep` reads them back
for analysis and figures.

Every design point runs the same run indices with the same seed (common random numbers), so
differences between points are not blurred by different random draws. The work is split into chunks
of runs of one point; each finished chunk is written atomically to a chunk store
(:mod:`sim.experiments.chunks_store`) before the final files are assembled point by point, so a sweep
never holds more than one point's runs in memory, and a sweep killed at any moment resumes
(``resume=True``) by computing only the missing chunks. The final files do not depend on the
executor, the number of workers, or on interruptions.

With a posterior (``posterior=``) run i of every point also uses the same parameter set, drawn by its
run index (:mod:`sim.experiments.posterior`), under the point's own values: a swept path keeps the
design's value. Each chunk carries the parameter sets of its runs to the worker (local or Dask).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim import __version__
from sim.experiments.batches import (
    DEFAULT_ENGINE,
    check_engine,
    chunk_table,
    default_chunk_size,
    run_schema,
    table_outcomes,
)
from sim.experiments.chunks_store import ChunkStore, atomic_path
from sim.experiments.designs import (
    Design,
    Parameter,
    make_design,
    parse_parameters,
    typed_parameters,
    validate_parameters,
)
from sim.experiments.executors import Executor, make_executor
from sim.experiments.limits import MAX_SWEEP_RUNS, check_runs
from sim.experiments.locks import OutputLock
from sim.experiments.monte_carlo import chunk_runs
from sim.experiments.posterior import DrawError, ParticleDraws, Posterior, PosteriorRuns, as_posterior
from sim.experiments.provenance import scenario_sha256
from sim.experiments.storage import METADATA_KEY, _dumps
from sim.experiments.summary import LOSS_FIELDS, MonteCarloSummary, summarize
from sim.experiments.summary_spread import with_parameter_spread
from sim.scenario.errors import ScenarioError, format_path
from sim.scenario.loader import load_scenario, load_scenario_data
from sim.scenario.overrides import Override
from sim.scenario.schema import Scenario
from sim.vocabulary import N_RUNGS, ROOT_CAUSES

__all__ = [
    "SweepResult",
    "prepare_scenario",
    "read_sweep",
    "summary_row",
    "sweep",
]

METRIC_RUNGS = tuple(range(1, N_RUNGS))
TTR_RUNGS = (3, 4, 5)

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepResult:
    """What a sweep produced.

    Attributes:
        design: The design that was run.
        points: The point table (one row per design point; see :func:`summary_row`).
        metadata: Provenance stored with the files.
        out: Path of the point table, if written.
        per_run_out: Path of the run table, if written.
        chunks_reused: Chunks taken from an interrupted run (``resume``) instead of computed.
        chunks_computed: Chunks computed by this call.
        summaries: Each point's full Monte Carlo summary, only with ``keep_summaries=True``.
    """

    design: Design
    points: pd.DataFrame
    metadata: dict[str, Any]
    out: Path | None = None
    per_run_out: Path | None = None
    chunks_reused: int = 0
    chunks_computed: int = 0
    summaries: list[MonteCarloSummary] = field(default_factory=list, repr=False)

    def salib_problem(self) -> dict[str, Any]:
        """SALib's problem dict of the design's ranges (:func:`sim.experiments.interop.salib_problem`).

        Raises:
            ScenarioError: If a parameter is a list of values (no bounds), located at its ``--param``.
        """
        from sim.experiments.interop import salib_problem

        return salib_problem(self.design.parameters)


def summary_row(summary: MonteCarloSummary) -> dict[str, Any]:
    """Flatten a Monte Carlo summary into one row of the point table.

    Columns: ``n_runs``; ``p_ge_k``, ``p_ge_k_lo``, ``p_ge_k_hi`` for k = 1..7; ``p_inadvertent`` with
    ``_lo``/``_hi`` (with a posterior, intervals that carry the spread between parameter sets, and
    ``p_ge_k_between_sd``, ``p_inadvertent_between_sd``: that spread); ``share_<cause>`` for every root
    cause; ``engagements_true``, ``engagements_false``, the loss means, ``severity_mean``;
    ``t50_rung_k_hours`` (Kaplan–Meier median time to rung k, NaN if fewer than half the runs got there)
    for k = 3, 4, 5.
    """
    row: dict[str, Any] = {"n_runs": summary.n_runs}
    for k in METRIC_RUNGS:
        p = summary.max_rung_at_least[k]
        row[f"p_ge_{k}"], row[f"p_ge_{k}_lo"], row[f"p_ge_{k}_hi"] = p.p, p.lo, p.hi
        if p.spread is not None:
            row[f"p_ge_{k}_between_sd"] = p.spread.between_sd
    p = summary.inadvertent
    row["p_inadvertent"], row["p_inadvertent_lo"], row["p_inadvertent_hi"] = p.p, p.lo, p.hi
    if p.spread is not None:
        row["p_inadvertent_between_sd"] = p.spread.between_sd
    for cause in ROOT_CAUSES:
        row[f"share_{cause}"] = summary.root_causes[cause].p
    row["engagements_true"] = summary.engagements_true.mean
    row["engagements_false"] = summary.engagements_false.mean
    for name in LOSS_FIELDS:
        row[name] = summary.losses[name].mean
    row["severity_mean"] = summary.severity.mean.mean
    for k in TTR_RUNGS:
        row[f"t50_rung_{k}_hours"] = summary.time_to_rung[k].median
    return row


def prepare_scenario(
    scenario: Scenario | str | os.PathLike[str], overrides: Sequence[Override] = ()
) -> tuple[Scenario, dict[str, Any]]:
    """The base scenario (``overrides`` applied) and its plain-data document for per-point overrides.

    Raises:
        ScenarioError: If the file or an override is invalid.
    """
    if isinstance(scenario, Scenario):
        base = load_scenario_data(scenario.model_dump(mode="json"), overrides) if overrides else scenario
    else:
        base = load_scenario(scenario, overrides)
    return base, base.model_dump(mode="json")


def _point_scenarios(design: Design, document: Mapping[str, Any]) -> list[str]:
    """Validate every point (errors at ``--param:N:COL``) and return each point's scenario SHA-256."""
    return [scenario_sha256(design.scenario(document, i)) for i in range(len(design))]


def sweep(
    scenario: Scenario | str | os.PathLike[str],
    parameters: Sequence[Parameter | str] | Design,
    *,
    design: str = "grid",
    points: int = 5,
    runs: int = 100,
    seed: int | None = None,
    design_seed: int | None = None,
    overrides: Sequence[Override] = (),
    out: str | os.PathLike[str] | None = None,
    per_run_out: str | os.PathLike[str] | None = None,
    trajectories: bool = False,
    chunk_size: int | None = None,
    workers: int = 1,
    scheduler: Any = None,
    executor: Executor | None = None,
    resume: bool = False,
    restart: bool = False,
    keep_chunks: bool = False,
    engine: str = DEFAULT_ENGINE,
    progress: ProgressCallback | None = None,
    keep_summaries: bool = False,
    posterior: Posterior | str | os.PathLike[str] | None = None,
) -> SweepResult:
    """Run a Monte Carlo of ``runs`` replications at every point of a design.

    Args:
        scenario: A validated scenario or a scenario file.
        parameters: ``PATH=VALUES``/``PATH=LOW:HIGH`` texts or parsed parameters, or a ready design.
        design: ``grid``, ``lhs`` or ``sobol`` (ignored when ``parameters`` is a design).
        points: Levels per range (grid) or number of points (lhs, sobol).
        runs: Replications per point; every point runs indices ``0 .. runs-1``.
        seed: Master seed (default: the scenario's ``monte_carlo.seed``), the same at every point.
        design_seed: Seed of the design sampler (default: ``seed``).
        overrides: ``--set`` overrides applied to the scenario before the design's values.
        out: Point table Parquet file; its chunk store is ``<out>.chunks/``. ``None`` keeps
            everything in a temporary directory.
        per_run_out: Optional run table Parquet file.
        trajectories: Keep each run's per-tick crisis level in the run table.
        chunk_size: Runs per chunk, the unit of work, of resume and a row group (default
            ``min(runs, 1000)`` for the compiled engine, ``min(runs, 250)`` for the reference one).
        workers: Local worker processes (1 computes here).
        scheduler: Dask scheduler address (``tcp://HOST:PORT``) or ``distributed.Client``.
        executor: A ready executor (overrides ``workers`` and ``scheduler``; not closed here).
        resume: Finish an interrupted sweep of the same experiment from its chunk store.
        restart: Discard an existing chunk store and start over.
        keep_chunks: Keep the chunk store after the final files are written.
        engine: Engine name, passed to every chunk.
        progress: Called with (runs done, runs in all); reused chunks count as done.
        keep_summaries: Also return each point's full :class:`MonteCarloSummary` (fan chart and
            time-to-rung curves; a few hundred kB per point, so off by default).
        posterior: A :class:`~sim.experiments.posterior.Posterior` (or its file): run i of every point
            uses the parameter set drawn for run index i, applied on top of the scenario and
            ``overrides``, under the point's values. Recorded in the metadata (and the manifest, so
            ``resume`` needs the same posterior).

    Returns:
        The :class:`SweepResult`.

    Raises:
        ScenarioError: On a bad scenario, override or parameter (located errors), or a posterior that
            does not fit the scenario (located in its file).
        ResumeError: If the chunk store belongs to another experiment, or exists without ``resume``.
        ValueError: On bad counts or an unavailable engine.
    """
    base, document = prepare_scenario(scenario, overrides)
    seed = base.monte_carlo.seed if seed is None else int(seed)
    if isinstance(parameters, Design):
        the_design = parameters
    else:
        params = [p for p in parameters if isinstance(p, Parameter)]
        texts = [p for p in parameters if isinstance(p, str)]
        params = typed_parameters(document, params + parse_parameters(texts) if texts else params)
        validate_parameters(document, params)
        the_design = make_design(params, design, points, seed if design_seed is None else design_seed)
    if runs < 1:
        raise ValueError(f"runs must be at least 1 (got {runs})")
    check_runs(runs, len(the_design), "design points", MAX_SWEEP_RUNS)
    check_engine(engine)
    chunk_size = int(chunk_size or min(runs, default_chunk_size(engine)))
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1 (got {chunk_size})")
    point_sha = _point_scenarios(the_design, document)
    posterior = as_posterior(posterior)
    chunks = chunk_runs(0, runs, chunk_size)
    chunk_draws: list[ParticleDraws | None] = [None] * len(chunks)
    if posterior is not None:
        if conflicts := posterior.conflicts(overrides):
            raise ScenarioError(conflicts)
        if not posterior.any_scenario:
            posterior.check_scenario(scenario if isinstance(scenario, Scenario) else load_scenario(scenario))
        plan = PosteriorRuns(posterior, base, seed)
        chunk_draws = [plan.draws(chunk) for chunk in chunks]  # the same at every point

    metadata = {
        "kind": "sweep",
        "scenario": base.metadata.name,
        "scenario_sha256": scenario_sha256(base),
        "package_version": __version__,
        "engine": engine,
        "seed": seed,
        "runs": runs,
        "chunk_size": chunk_size,
        "overrides": [_override_text(o) for o in overrides],
        "design": the_design.to_dict(),
        "design_points_sha256": _hash_json([list(p) for p in the_design.points]),
        "trajectories": bool(trajectories),
    }
    if posterior is not None:
        metadata["posterior"] = posterior.describe()
    # The lock keeps a second sweep away from this output; the executor is made before the chunk store
    # is opened, so a bad worker count or an unreachable scheduler leaves nothing behind.
    lock = OutputLock(out) if out is not None else nullcontext()
    with tempfile.TemporaryDirectory(prefix="flashpoint-sweep-") as scratch, lock:
        store = ChunkStore(Path(f"{os.fspath(out)}.chunks") if out is not None else Path(scratch) / "chunks")
        owned = executor is None
        ex = executor or make_executor(workers, scheduler)
        try:
            reused = store.open(metadata, resume=resume, restart=restart)
            todo = _run_chunks(ex, store, the_design, document, seed, chunks, engine, progress, chunk_draws)
        except DrawError as exc:
            assert posterior is not None
            raise posterior.draw_error(exc, f"design point {exc.point}") from None
        finally:
            if owned:
                ex.close()
        frame, summaries = _assemble(
            store,
            the_design,
            len(chunks),
            base,
            metadata,
            point_sha,
            out,
            per_run_out,
            trajectories,
            keep_summaries,
            _run_draws(posterior, seed),
        )
        if out is not None and not keep_chunks:
            store.remove()
    return SweepResult(
        design=the_design,
        points=frame,
        metadata=metadata,
        out=Path(out) if out is not None else None,
        per_run_out=Path(per_run_out) if per_run_out is not None else None,
        chunks_reused=reused,
        chunks_computed=len(todo),
        summaries=summaries,
    )


def _run_chunks(
    ex: Executor,
    store: ChunkStore,
    design: Design,
    document: Mapping[str, Any],
    seed: int,
    chunks: list[range],
    engine: str,
    progress: ProgressCallback | None,
    chunk_draws: Sequence[ParticleDraws | None],
) -> list[tuple[int, int]]:
    """Compute every chunk the store does not hold yet, writing each as it arrives; returns those computed."""
    finished = store.finished()
    todo = [(i, c) for i in range(len(design)) for c in range(len(chunks)) if (i, c) not in finished]
    total = len(design) * sum(len(chunk) for chunk in chunks)
    done = sum(len(chunks[c]) for _, c in finished)
    if progress:
        progress(done, total)

    fixed_paths = tuple(p.path for p in design.parameters)  # the design's values win over a posterior's

    def tasks():
        cache: dict[int, Scenario] = {}
        for i, c in todo:
            if i not in cache:
                cache.clear()
                cache[i] = design.scenario(document, i)
            yield (i, c), (cache[i], seed, i, list(chunks[c]), engine, chunk_draws[c], fixed_paths)

    for (i, c), table in ex.run(chunk_table, tasks()):  # type: ignore[misc]
        store.write(i, c, table)
        done += table.num_rows
        if progress:
            progress(done, total)
    return todo


def _assemble(
    store: ChunkStore,
    design: Design,
    n_chunks: int,
    base: Scenario,
    metadata: dict[str, Any],
    point_sha: list[str],
    out: str | os.PathLike[str] | None,
    per_run_out: str | os.PathLike[str] | None,
    trajectories: bool,
    keep_summaries: bool,
    run_draws: Callable[[Sequence[int]], Any] | None = None,
) -> tuple[pd.DataFrame, list[MonteCarloSummary]]:
    """Read the chunks point by point: summarise each point, stream its rows to the run table.

    Both files are written to temporary names in the chunk store and renamed into place together at
    the end, so a failure (a full disk) or a kill leaves the previous files, and no temporary file
    beside them.
    """
    meta_bytes = _dumps(metadata).encode("utf-8")
    schema = run_schema(trajectories).with_metadata({METADATA_KEY: meta_bytes})
    rows, summaries = [], []
    names = [p.name for p in design.parameters]
    writer = None
    scratch = store.directory
    with ExitStack() as files:
        run_tmp = files.enter_context(atomic_path(Path(per_run_out), scratch)) if per_run_out is not None else None
        out_tmp = files.enter_context(atomic_path(Path(out), scratch)) if out is not None else None
        if run_tmp is not None:
            writer = pq.ParquetWriter(run_tmp, schema, compression="zstd")
        try:
            for i in range(len(design)):
                tables = [store.read(i, c) for c in range(n_chunks)]
                outcomes = table_outcomes(pa.concat_tables(tables))
                timing, about = base.time, metadata.get("posterior")
                summary = summarize(outcomes, timing.horizon_hours, timing.tick_hours, base.metadata.name, about)
                if run_draws is not None:
                    summary = with_parameter_spread(summary, outcomes, run_draws([o.run for o in outcomes]))
                if keep_summaries:
                    summaries.append(summary)
                rows.append({"point": i, **dict(zip(names, design.points[i], strict=True))})
                rows[-1].update(summary_row(summary))
                rows[-1]["scenario_sha256"] = point_sha[i]
                if writer is not None:
                    for table in tables:
                        if not trajectories:
                            table = table.drop_columns(["crisis_level"])
                        writer.write_table(table.cast(schema.remove_metadata()), row_group_size=table.num_rows)
        finally:
            if writer is not None:
                writer.close()
        frame = pd.DataFrame(rows)
        if out_tmp is not None:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            table = table.replace_schema_metadata({METADATA_KEY: meta_bytes})
            pq.write_table(table, out_tmp, compression="zstd")
    return frame, summaries


def _run_draws(posterior: Posterior | None, seed: int) -> Callable[[Sequence[int]], Any] | None:
    """The parameter set of each run, for summaries that carry the spread between sets (None without one)."""
    if posterior is None or posterior.size < 2:
        return None
    return lambda runs: posterior.draws_of_runs(seed, runs)


def _override_text(override: Override) -> str:
    if isinstance(override, str):
        return override
    path, value = override
    return f"{format_path(tuple(path))}={json.dumps(value)}"


def _hash_json(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def read_sweep(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a point table (or a run table) written by :func:`sweep`.

    Returns:
        ``(frame, metadata)``.
    """
    table = pq.read_table(Path(path))
    raw = (table.schema.metadata or {}).get(METADATA_KEY)
    return table.to_pandas(), json.loads(raw.decode("utf-8")) if raw else {}
