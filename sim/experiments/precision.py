"""Precision on demand: add runs in batches until a 95% interval is as narrow as asked.

"As narrow as asked" means the whole interval lies within ``±target`` of the estimate: the precision of
an estimate is judged on the far side of its interval, ``max(p̂ − lo, hi − p̂)`` (:func:`far_side`), not
on half its width. Near 0 (or 1) a binomial interval is lopsided — 0 of 100 runs gives p̂ = 0 with the
Wilson interval [0, 0.037], whose half-width 0.018 would wrongly pass a target of ±0.02.

:func:`grow_runs` is the stopping rule, shared by :func:`run_to_precision` (one scenario, the binomial
interval of a probability: Wilson's by default, or Jeffreys' or Clopper–Pearson's) and
:func:`sim.experiments.compare.compare` (paired interval of a difference). After each batch it
predicts the runs needed from ``half-width ∝ 1/sqrt(n)``::

    n_next = min(max_runs, max(n + batch, min(4 n, ceil(1.1 · n · (h / target)²))))

rounded up to a multiple of ``batch``. Runs are always indices ``0 .. n-1`` of the same seed, so the
numbers at a given n do not depend on how the batches fell, and the whole procedure is reproducible.

A zero-width (or NaN) interval never counts as reached: it says that nothing was learned, not that
everything was. The intervals that feed the rule — Wilson's, Jeffreys' or Clopper–Pearson's for a
probability, Tango's for a paired difference of probabilities (:mod:`sim.experiments.paired_proportions`)
— have a positive width at any finite n even when no run (or no pair of runs) differs, so the rule adds
runs until the evidence, not the lack of it, makes the interval narrow.

:func:`convergence` gives the estimate and its interval at every n (the convergence figure).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.experiments.batches import DEFAULT_ENGINE, run_points, table_outcomes
from sim.experiments.executors import Executor, make_executor
from sim.experiments.metrics import check_metric, is_probability, metric_label, metric_values
from sim.experiments.parameter_spread import widen
from sim.experiments.posterior import Posterior, PosteriorRuns, as_posterior
from sim.experiments.stats import binomial_interval, check_interval
from sim.experiments.summary import MonteCarloSummary, Proportion, summarize
from sim.experiments.summary_spread import estimate_with_spread, with_parameter_spread
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.vocabulary import RunOutcome

__all__ = [
    "PrecisionResult",
    "convergence",
    "far_side",
    "grow_runs",
    "next_total",
    "run_to_precision",
    "target_reached",
]

DEFAULT_MAX_RUNS = 100_000
ProgressCallback = Callable[[int, int], None]


def next_total(n: int, half_width: float, target: float, batch: int, max_runs: int) -> int:
    """Runs to have after the next batch (see the module docstring)."""
    if not math.isfinite(half_width) or half_width <= 0:
        want = 2 * n
    else:
        want = math.ceil(1.1 * n * (half_width / target) ** 2)
    total = max(n + batch, min(4 * n, want))
    total = batch * math.ceil(total / batch)
    return min(max_runs, total)


def far_side(estimate: float, lo: float, hi: float) -> float:
    """How far the interval reaches from the estimate: ``max(estimate − lo, hi − estimate)``.

    The precision an estimate is known to: the true value lies within ``± far_side`` of it (at the
    interval's confidence). Equal to the half-width only for an interval centred on the estimate; NaN
    if any of the three is not a number.
    """
    reach = max(estimate - lo, hi - estimate)
    return reach if math.isfinite(estimate) and math.isfinite(lo) and math.isfinite(hi) else math.nan


def target_reached(half_width: float, target: float) -> bool:
    """Whether a half-width meets the target: positive, finite and at most ``target``."""
    return math.isfinite(half_width) and 0.0 < half_width <= target


def grow_runs(
    run_batch: Callable[[range], None],
    half_width: Callable[[], float],
    target: float,
    batch: int,
    max_runs: int,
    first: int | None = None,
) -> tuple[int, bool, list[tuple[int, float]]]:
    """Run batches until ``0 < half_width() <= target`` or ``max_runs`` runs.

    A half-width of 0 or NaN is never taken as reached (see the module docstring).

    Args:
        run_batch: Runs the given run indices (and records them).
        half_width: Current half-width, given everything recorded so far.
        target: Half-width to reach.
        batch: Granularity of the batches (and the first batch unless ``first`` is given).
        max_runs: Cap on the number of runs.
        first: Size of the first batch.

    Returns:
        ``(runs, reached, history)`` where history holds ``(runs, half-width)`` after each batch.

    Raises:
        ValueError: On a non-positive target, batch or cap.
    """
    if not target > 0:
        raise ValueError(f"the precision target must be > 0 (got {target})")
    if batch < 1 or max_runs < 1:
        raise ValueError("batch and max_runs must be at least 1")
    n, history = 0, []
    total = min(max_runs, first or batch)
    while True:
        run_batch(range(n, total))
        n = total
        h = half_width()
        history.append((n, h))
        if target_reached(h, target):
            return n, True, history
        if n >= max_runs:
            return n, False, history
        total = next_total(n, h, target, batch, max_runs)


def convergence(values: Sequence[float] | np.ndarray, points: int = 200, interval: str = "wilson") -> pd.DataFrame:
    """Running estimate of a probability and its 95% interval as runs accumulate.

    Args:
        values: Per-run indicator (0/1), in run order.
        points: Number of n at which to report (log-spaced, always including the last).
        interval: The binomial interval (``wilson``, ``jeffreys`` or ``clopper-pearson``).

    Returns:
        Frame with columns ``n, p, lo, hi, half_width``; ``half_width`` is the far side of the interval,
        ``max(p − lo, hi − p)`` (:func:`far_side`), what precision on demand compares with its target.
    """
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return pd.DataFrame({"n": [], "p": [], "lo": [], "hi": [], "half_width": []})
    ns = np.unique(np.geomspace(1, x.size, num=min(points, x.size)).round().astype(np.int64))
    counts = np.cumsum(x)[ns - 1]
    lo, hi = binomial_interval(counts, ns, interval)
    lo, hi = np.atleast_1d(lo), np.atleast_1d(hi)
    p = counts / ns
    return pd.DataFrame({"n": ns, "p": p, "lo": lo, "hi": hi, "half_width": np.maximum(p - lo, hi - p)})


@dataclass(frozen=True)
class PrecisionResult:
    """A Monte Carlo run until a probability was known to the asked precision.

    Attributes:
        metric: The probability watched (e.g. ``p_ge_3``).
        target: Asked precision: the 95% interval within ``± target`` of the estimate.
        runs: Runs it took.
        reached: Whether the target was reached (else ``max_runs`` stopped it).
        estimate: The probability with its interval.
        half_width: The precision reached: the far side of the interval, ``max(p − lo, hi − p)`` (with a
            posterior: the half-width of the interval of the average over the posterior, which more runs
            narrow; ``estimate``'s interval also carries the spread between parameter sets, which they do not).
        history: ``(runs, precision)`` after each batch.
        summary: Full Monte Carlo summary of all the runs.
        values: Per-run indicator of the metric, in run order (for :func:`convergence`).
        seed: Master seed.
        outcomes: Every run's outcome, in run order (what ``flashpoint run --out`` writes).
        interval: The binomial interval used (``wilson``, ``jeffreys`` or ``clopper-pearson``).
    """

    metric: str
    target: float
    runs: int
    reached: bool
    estimate: Proportion
    half_width: float
    history: list[tuple[int, float]]
    summary: MonteCarloSummary
    values: np.ndarray = field(repr=False)
    seed: int = 0
    outcomes: tuple[RunOutcome, ...] = field(default=(), repr=False)
    interval: str = "wilson"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the summary under ``summary``)."""
        return {
            "metric": self.metric,
            "label": metric_label(self.metric),
            "target_half_width": self.target,
            "interval": self.interval,
            "runs": self.runs,
            "reached": self.reached,
            "estimate": self.estimate.to_dict(),
            "half_width": self.half_width,
            "history": [{"runs": n, "half_width": h} for n, h in self.history],
            "seed": self.seed,
            "summary": self.summary.to_dict(),
        }


def run_to_precision(
    scenario: Scenario | str | os.PathLike[str],
    target: float,
    metric: str = "p_ge_3",
    *,
    seed: int | None = None,
    batch: int = 200,
    max_runs: int = DEFAULT_MAX_RUNS,
    workers: int = 1,
    scheduler: Any = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    engine: str = DEFAULT_ENGINE,
    progress: ProgressCallback | None = None,
    posterior: Posterior | str | os.PathLike[str] | None = None,
    interval: str = "wilson",
) -> PrecisionResult:
    """Run batches of the scenario until the 95% interval of ``metric`` lies within ``± target`` of its estimate.

    The precision is judged on the far side of the interval (:func:`far_side`), so a lopsided interval
    near 0 or 1 is not taken as narrower than it is.

    Args:
        scenario: A validated scenario, or a scenario file.
        target: Half-width to reach, e.g. 0.005.
        metric: A probability metric (``p_ge_1`` .. ``p_ge_7``, ``p_inadvertent``).
        seed: Master seed (default: the scenario's).
        batch: Batch granularity and first batch size.
        max_runs: Cap on the number of runs.
        workers: Local worker processes.
        scheduler: Dask scheduler address or client.
        executor: A ready executor (not closed here).
        chunk_size: Runs per unit of work (default: ``batch`` split over the workers).
        engine: Engine name.
        progress: Called with (runs done, current planned total).
        posterior: A :class:`~sim.experiments.posterior.Posterior` (or its file) each run draws its
            parameter set from, by its run index (the estimate then averages over the posterior).
        interval: The binomial interval: ``wilson`` (default), ``jeffreys`` or ``clopper-pearson``
            (for rare events: docs/experiments.md says when to switch).

    Returns:
        The :class:`PrecisionResult`.

    Raises:
        ScenarioError: If the posterior does not fit the scenario (located in its file), before any run.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    check_metric(metric)
    check_interval(interval)
    if not is_probability(metric):
        raise ValueError(f"precision needs a probability metric, not {metric!r}")
    seed = scenario.monte_carlo.seed if seed is None else int(seed)
    posterior = as_posterior(posterior)
    if posterior is not None:
        posterior.check_scenario(scenario)
    plan = PosteriorRuns(posterior, scenario, seed) if posterior is not None else None
    tables: list[pa.Table] = []
    owned = executor is None
    ex = executor or make_executor(workers, scheduler)
    size = chunk_size or max(1, min(250, -(-batch // (2 * ex.workers))))

    def run_batch(runs: range) -> None:
        base = sum(t.num_rows for t in tables)

        def report(done: int, _total: int) -> None:
            if progress:
                progress(base + done, runs.stop)

        tables.append(run_points([scenario], seed, runs, ex, size, engine, report, plan)[0])

    def half_width() -> float:
        x = np.concatenate([metric_values(t, metric) for t in tables])
        lo, hi = binomial_interval(int(x.sum()), x.size, interval)
        if posterior is not None and posterior.size > 1:  # more runs narrow the average, not the spread
            runs = np.concatenate([t.column("run").to_numpy() for t in tables])
            _, _, spread = widen(x, posterior.draws_of_runs(seed, runs), (lo, hi), (0.0, 1.0))
            return spread.average_half_width
        return far_side(float(x.mean()), lo, hi)

    try:
        n, reached, history = grow_runs(run_batch, half_width, target, batch, max_runs)
    finally:
        if owned:
            ex.close()
    table = pa.concat_tables(tables)
    values = metric_values(table, metric)
    outcomes = table_outcomes(table)
    about = posterior.describe() if posterior is not None else None
    timing = scenario.time
    summary = summarize(outcomes, timing.horizon_hours, timing.tick_hours, scenario.metadata.name, about, interval)
    estimate = Proportion.of(int(values.sum()), int(values.size), interval=interval)
    half = far_side(estimate.p, estimate.lo, estimate.hi)
    if posterior is not None and posterior.size > 1:
        draws = posterior.draws_of_runs(seed, [o.run for o in outcomes])
        summary = with_parameter_spread(summary, outcomes, draws)
        estimate = estimate_with_spread(estimate, values, draws)
        half = estimate.spread.average_half_width if estimate.spread else math.nan
    return PrecisionResult(
        metric=metric,
        target=float(target),
        runs=n,
        reached=reached,
        estimate=estimate,
        half_width=half,
        history=history,
        summary=summary,
        values=values,
        seed=seed,
        outcomes=tuple(outcomes),
        interval=interval,
    )
