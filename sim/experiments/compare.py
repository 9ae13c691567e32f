"""Paired comparisons of policy options on common random numbers.

Each arm is the scenario with some overrides (``--arm NAME:PATH=VALUE[,PATH=VALUE]``). All arms run
the same run indices with the same seed, and the engine's draws are counter-based (a hash of seed,
run, entity, purpose, counter), so run i of arm A and run i of arm B face the same encounters and
the same dice wherever their histories agree. Each difference ``arm − baseline`` (the first arm) is
then estimated pair by pair (:func:`paired_estimate`): a probability by Tango's paired score interval
(:mod:`sim.experiments.paired_proportions`), which stays sound when only a few runs differ and all
one way, a per-run mean (severity, counts) by the paired t interval
(:func:`sim.experiments.stats.paired_difference`). The paired 95% interval is reported beside the
unpaired one the same runs would give had the arms been run independently (Newcombe's hybrid score
interval for probabilities, Welch's for means), and the ratio of the two widths says how much the
pairing bought.

With ``precision`` the arms are run in batches until the paired half-width of the chosen metric is
at most the target for every arm (:func:`sim.experiments.precision.grow_runs`).

With a posterior (``posterior=``) run i of every arm also uses the same parameter set, drawn by its run
index (:mod:`sim.experiments.posterior`); each arm's own overrides are applied on top of it. The
differences then average over the posterior, and their intervals include parameter uncertainty.
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

from sim import __version__
from sim.experiments.batches import DEFAULT_ENGINE, run_points
from sim.experiments.designs import _about_path, _split_values
from sim.experiments.display import html_table, interval_text, parameter_note
from sim.experiments.executors import Executor, make_executor
from sim.experiments.limits import MAX_COMPARE_RUNS, check_arms, check_runs
from sim.experiments.metrics import COMPARE_METRICS, check_metric, is_probability, metric_label, metric_values
from sim.experiments.paired_proportions import paired_proportion_difference
from sim.experiments.posterior import DrawError, Posterior, PosteriorRuns, as_posterior, override_paths
from sim.experiments.precision import DEFAULT_MAX_RUNS, far_side, grow_runs
from sim.experiments.provenance import scenario_sha256
from sim.experiments.stats import PairedDifference, check_interval, paired_difference
from sim.experiments.summary import MeanEstimate, Proportion
from sim.experiments.summary_spread import difference_with_spread, estimate_with_spread
from sim.scenario.errors import LocatedError, ScenarioError, format_path
from sim.scenario.loader import load_scenario, load_scenario_data
from sim.scenario.overrides import Override, OverrideError, parse_override
from sim.scenario.printable import first_unsafe
from sim.scenario.schema import Scenario

__all__ = [
    "ARM_SOURCE",
    "Arm",
    "ComparisonResult",
    "Difference",
    "compare",
    "comparison_table",
    "paired_estimate",
    "parse_arms",
]

ARM_SOURCE = "--arm"
"""File name used for errors located in an ``--arm`` option."""

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Arm:
    """One option of a comparison.

    Attributes:
        name: Its name in tables and figures.
        overrides: ``(path, value)`` pairs applied on top of the scenario (may be empty: the baseline).
        index: 1-based position among the ``--arm`` options.
        cols: Column of each override in the option text.
    """

    name: str
    overrides: tuple[tuple[tuple[str | int, ...], Any], ...] = ()
    index: int = 1
    cols: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {"name": self.name, "overrides": {format_path(p): v for p, v in self.overrides}}


def parse_arm(text: str, index: int = 1) -> Arm:
    """Parse ``NAME`` or ``NAME:PATH=VALUE[,PATH=VALUE...]``.

    Raises:
        ScenarioError: With an error located at ``--arm:N:COL``.
    """
    name, colon, rest = text.partition(":")
    name = name.strip()
    if not name or "=" in name:
        raise ScenarioError([LocatedError(ARM_SOURCE, index, 1, "", f"expected NAME:PATH=VALUE[,...], got {text!r}")])
    if code := first_unsafe(name):
        raise ScenarioError([LocatedError(ARM_SOURCE, index, 1, "", f"the name holds the control character {code}")])
    overrides, cols = [], []
    base = len(text) - len(rest) + 1 if colon else len(text) + 1
    if rest.strip():
        for token, offset in _split_values(rest):
            col = base + offset
            try:
                path, value = parse_override(token.strip())
            except OverrideError as exc:
                label = token.partition("=")[0].strip()
                raise ScenarioError([LocatedError(ARM_SOURCE, index, col + exc.col - 1, label, exc.message)]) from None
            overrides.append((path, value))
            cols.append(col)
    return Arm(name, tuple(overrides), index, tuple(cols))


def parse_arms(texts: Sequence[str | Arm]) -> list[Arm]:
    """Parse every ``--arm`` option (at least two, distinct names).

    Raises:
        ScenarioError: With every problem, located at ``--arm:N:COL``.
    """
    arms, errors = [], []
    for index, text in enumerate(texts, start=1):
        if isinstance(text, Arm):
            arms.append(text)
            continue
        try:
            arms.append(parse_arm(text, index))
        except ScenarioError as exc:
            errors.extend(exc.errors)
    seen: set[str] = set()
    for arm in arms:
        if arm.name in seen:
            errors.append(LocatedError(ARM_SOURCE, arm.index, 1, "", f"arm name {arm.name!r} is used twice"))
        seen.add(arm.name)
    if not errors and len(arms) < 2:
        errors.append(LocatedError(ARM_SOURCE, len(arms) + 1, 1, "", "a comparison needs at least two --arm options"))
    if errors:
        raise ScenarioError(errors)
    return arms


def arm_scenario(document: dict[str, Any], arm: Arm, fixed: Sequence[Override] = ()) -> Scenario:
    """The validated scenario of an arm; errors in its overrides are located at ``--arm:N:COL``."""
    try:
        return load_scenario_data(document, [*fixed, *arm.overrides])
    except ScenarioError as exc:
        errors = []
        for e in exc.errors:
            if e.file == "--set" and e.line > len(fixed):
                j = e.line - len(fixed) - 1
                col = arm.cols[j] if arm.cols else 1
                if arm.cols and not _about_path(e.message):  # point at the value, not the path
                    col += len(format_path(arm.overrides[j][0])) + 1
                errors.append(LocatedError(ARM_SOURCE, arm.index, col, e.path, e.message))
            else:
                errors.append(e)
        raise ScenarioError(errors) from None


@dataclass(frozen=True)
class Difference:
    """``arm − baseline`` for one metric, paired and unpaired.

    Attributes:
        arm: Name of the arm.
        baseline: Name of the baseline arm.
        metric: Metric name (see :mod:`sim.experiments.metrics`).
        paired: The paired difference, with the unpaired interval alongside.
    """

    arm: str
    baseline: str
    metric: str
    paired: PairedDifference

    @property
    def half_width(self) -> float:
        """Half-width of the paired 95% interval."""
        return self.paired.width / 2

    @property
    def narrower(self) -> float:
        """Unpaired width / paired width (how many times narrower pairing made the interval; NaN if undefined)."""
        w = self.paired.width
        return self.paired.unpaired_width / w if w > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        d = self.paired.to_dict()
        narrower = self.narrower
        return {
            "arm": self.arm,
            "baseline": self.baseline,
            "metric": self.metric,
            "label": metric_label(self.metric),
            **d,
            "paired_width": d["hi"] - d["lo"] if d["hi"] is not None else None,
            "unpaired_width": (d["unpaired_hi"] - d["unpaired_lo"] if d["unpaired_hi"] is not None else None),
            "narrower": narrower if math.isfinite(narrower) else None,
        }


@dataclass(frozen=True, repr=False)
class ComparisonResult:
    """Arms, their estimates, and every difference against the baseline.

    Attributes:
        arms: The arms; the first is the baseline.
        runs: Runs per arm (the same indices for every arm).
        seed: Master seed.
        estimates: ``{arm: {metric: Proportion | MeanEstimate}}``.
        differences: One :class:`Difference` per (non-baseline arm, metric).
        rows: Per-run rows of every arm (``point`` = arm position), for saving and figures.
        metadata: Provenance.
        precision: What precision on demand did (target, metric, reached, history), if asked.
    """

    arms: list[Arm]
    runs: int
    seed: int
    estimates: dict[str, dict[str, Proportion | MeanEstimate]]
    differences: list[Difference]
    rows: list[pa.Table] = field(repr=False)
    metadata: dict[str, Any] = field(default_factory=dict)
    precision: dict[str, Any] | None = None

    def difference(self, arm: str, metric: str) -> Difference:
        """The difference of ``arm`` against the baseline for ``metric``."""
        return next(d for d in self.differences if d.arm == arm and d.metric == metric)

    def values(self, arm: str, metric: str) -> np.ndarray:
        """Per-run values of ``metric`` in ``arm``, in run order (the same runs in every arm: differences of
        paired differences are paired too)."""
        index = next(i for i, a in enumerate(self.arms) if a.name == arm)
        return metric_values(self.rows[index], metric)

    def frame(self) -> pd.DataFrame:
        """Differences as a frame (one row per arm and metric)."""
        return pd.DataFrame([d.to_dict() for d in self.differences])

    def __repr__(self) -> str:
        shown = [d for d in self.differences if d.metric == "p_ge_3"]
        headline = "; ".join(
            f"{d.arm} − {d.baseline}: {metric_label(d.metric)} "
            + interval_text(d.paired.diff, d.paired.lo, d.paired.hi, signed=True)
            for d in shown
        )
        arms = ", ".join(a.name for a in self.arms)
        tail = f", {headline}" if headline else ""
        return f"ComparisonResult(arms=[{arms}], runs={self.runs}, seed={self.seed}{tail})"

    def _repr_html_(self) -> str:
        """Every difference against the baseline, paired and unpaired, as an HTML table."""
        rows = []
        for d in self.differences:
            p = d.paired
            rows.append(
                [
                    f"{d.arm} − {d.baseline}",
                    metric_label(d.metric),
                    interval_text(p.diff, p.lo, p.hi, signed=True),
                    interval_text(p.diff, p.unpaired_lo, p.unpaired_hi, signed=True),
                    f"{d.narrower:.1f}×" if math.isfinite(d.narrower) else "—",
                    "" if p.a_only is None else f"{p.a_only} / {p.b_only}",
                ]
            )
        name = self.metadata.get("scenario", "")
        caption = f"{name}: paired comparison, {self.runs} runs per arm, seed {self.seed}, common random numbers"
        if self.metadata.get("posterior"):
            caption += f" ({parameter_note(self.metadata['posterior'])})"
        header = ["difference", "metric", "paired 95%", "unpaired 95%", "narrower", "runs: arm only / baseline only"]
        return html_table(caption, header, rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "provenance": self.metadata,
            "runs": self.runs,
            "seed": self.seed,
            "arms": [a.to_dict() for a in self.arms],
            "estimates": {a: {m: e.to_dict() for m, e in est.items()} for a, est in self.estimates.items()},
            "differences": [d.to_dict() for d in self.differences],
            "precision": self.precision,
        }


def paired_estimate(arm: np.ndarray, baseline: np.ndarray, metric: str) -> PairedDifference:
    """``arm − baseline`` for one metric, pair by pair: Tango's score interval for a probability, t for a mean.

    Args:
        arm: Per-run values of the arm, in run order.
        baseline: Per-run values of the baseline, the same runs.
        metric: The metric's name (see :mod:`sim.experiments.metrics`).

    Returns:
        The :class:`PairedDifference`.
    """
    if is_probability(metric):
        return paired_proportion_difference(arm, baseline)
    return paired_difference(arm, baseline)


def _estimate(
    rows: pa.Table, metric: str, draws: np.ndarray | None = None, interval: str = "wilson"
) -> Proportion | MeanEstimate:
    x = metric_values(rows, metric)
    if is_probability(metric):
        estimate = Proportion.of(int(x.sum()), int(x.size), interval=interval)
    else:
        estimate = MeanEstimate.of(x)
    return estimate if draws is None else estimate_with_spread(estimate, x, draws)


def _draws(posterior: Posterior | None, seed: int, rows: pa.Table) -> np.ndarray | None:
    """The parameter set of each run (rows in run order), or None without a posterior or with a single set."""
    if posterior is None or posterior.size < 2:
        return None
    return posterior.draws_of_runs(seed, rows.column("run").to_numpy())


def compare(
    scenario: Scenario | str | os.PathLike[str],
    arms: Sequence[str | Arm],
    *,
    runs: int | None = None,
    seed: int | None = None,
    overrides: Sequence[Override] = (),
    metrics: Sequence[str] = COMPARE_METRICS,
    precision: float | None = None,
    precision_metric: str = "p_ge_3",
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
) -> ComparisonResult:
    """Run every arm on common random numbers and estimate each difference against the first arm.

    Args:
        scenario: The validated base scenario, or a scenario file.
        arms: ``NAME:PATH=VALUE[,PATH=VALUE]`` texts or :class:`Arm` records; the first is the baseline.
        runs: Runs per arm (default: the scenario's ``monte_carlo.runs``); ignored with ``precision``.
        seed: Master seed (default: the scenario's).
        overrides: Overrides applied to every arm before its own.
        metrics: Metrics to compare.
        precision: If given, run batches until every paired interval of ``precision_metric`` lies within
            ``± precision`` of its difference (judged on the interval's far side).
        precision_metric: Metric watched by ``precision``.
        batch: Batch granularity with ``precision``.
        max_runs: Cap on runs per arm with ``precision``.
        workers: Local worker processes.
        scheduler: Dask scheduler address or client.
        executor: A ready executor (not closed here).
        chunk_size: Runs per unit of work.
        engine: Engine name.
        progress: Called with (runs done over all arms, runs planned over all arms).
        posterior: A :class:`~sim.experiments.posterior.Posterior` (or its file): run i of every arm
            uses the parameter set drawn for run index i, applied on top of the scenario and
            ``overrides``; each arm's overrides are applied on top of it.
        interval: Binomial interval of each arm's own probabilities: ``wilson`` (default), ``jeffreys``
            or ``clopper-pearson``. The differences keep their paired score intervals.

    Returns:
        The :class:`ComparisonResult`.

    Raises:
        ScenarioError: On a bad arm (located at ``--arm:N:COL``), a posterior that does not fit the
            scenario (located in its file), or an ``overrides`` path the posterior draws.
        LimitError: On more arms, or more runs over all arms, than the limits of
            :mod:`sim.experiments.limits`, before anything runs.
        LostWorkersError: If the workers went away.
    """
    check_arms(len(arms))
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    parsed = parse_arms(arms)
    if precision is None:
        check_runs(scenario.monte_carlo.runs if runs is None else int(runs), len(parsed), "arms", MAX_COMPARE_RUNS)
    else:
        check_runs(max_runs, len(parsed), "arms", MAX_COMPARE_RUNS, "--max-runs")
    for m in (*metrics, precision_metric):
        check_metric(m)
    check_interval(interval)
    document = scenario.model_dump(mode="json")
    scenarios = [arm_scenario(document, arm, overrides) for arm in parsed]
    seed = scenario.monte_carlo.seed if seed is None else int(seed)
    posterior = as_posterior(posterior)
    plan = None
    if posterior is not None:
        if conflicts := posterior.conflicts(overrides):
            raise ScenarioError(conflicts)
        posterior.check_scenario(scenario)
        base = load_scenario_data(document, overrides) if overrides else scenario
        plan = PosteriorRuns(posterior, base, seed)
    fixed_paths = [override_paths(arm.overrides) for arm in parsed]
    tables: list[list[pa.Table]] = [[] for _ in parsed]
    owned = executor is None
    ex = executor or make_executor(workers, scheduler)

    def run_batch(batch_runs: range) -> None:
        size = chunk_size or max(1, min(250, -(-len(batch_runs) // (2 * ex.workers))))
        start = sum(t.num_rows for t in tables[0]) * len(parsed)

        def report(done: int, _total: int) -> None:
            if progress:
                progress(start + done, batch_runs.stop * len(parsed))

        try:
            batch_tables = run_points(scenarios, seed, batch_runs, ex, size, engine, report, plan, fixed_paths)
        except DrawError as exc:
            assert posterior is not None
            raise posterior.draw_error(exc, f"arm '{parsed[exc.point].name}'") from None
        for i, table in enumerate(batch_tables):
            tables[i].append(table)

    def worst_half_width() -> float:
        base = np.concatenate([metric_values(t, precision_metric) for t in tables[0]])
        draws = _draws(posterior, seed, pa.concat_tables(tables[0]))
        widths = []
        for i in range(1, len(parsed)):
            other = np.concatenate([metric_values(t, precision_metric) for t in tables[i]])
            d = paired_estimate(other, base, precision_metric)
            if draws is not None:  # more runs narrow the average over the posterior, not the spread between sets
                d = difference_with_spread(d, other, base, draws, is_probability(precision_metric))
                widths.append(d.spread.average_half_width if d.spread else math.nan)
            else:
                widths.append(far_side(d.diff, d.lo, d.hi))
        return max(widths)

    info = None
    try:
        if precision is None:
            n = scenario.monte_carlo.runs if runs is None else int(runs)
            if n < 2:
                raise ValueError(f"a comparison needs at least 2 runs (got {n})")
            run_batch(range(n))
        else:
            n, reached, history = grow_runs(run_batch, worst_half_width, precision, batch, max_runs)
            info = {
                "target_half_width": precision,
                "metric": precision_metric,
                "runs": n,
                "reached": reached,
                "history": [{"runs": r, "half_width": h} for r, h in history],
            }
    finally:
        if owned:
            ex.close()

    rows = [pa.concat_tables(t) for t in tables]
    draws = _draws(posterior, seed, rows[0])
    estimates = {arm.name: {m: _estimate(rows[i], m, draws, interval) for m in metrics} for i, arm in enumerate(parsed)}
    differences = []
    for i in range(1, len(parsed)):
        for m in metrics:
            arm_values, base_values = metric_values(rows[i], m), metric_values(rows[0], m)
            d = paired_estimate(arm_values, base_values, m)
            if draws is not None:
                d = difference_with_spread(d, arm_values, base_values, draws, is_probability(m))
            differences.append(Difference(parsed[i].name, parsed[0].name, m, d))
    metadata = {
        "kind": "compare",
        "scenario": scenario.metadata.name,
        "scenario_sha256": scenario_sha256(scenario),
        "arm_scenario_sha256": {arm.name: scenario_sha256(s) for arm, s in zip(parsed, scenarios, strict=True)},
        "package_version": __version__,
        "engine": engine,
        "seed": seed,
        "runs": n,
        "interval": interval,
        "overrides": [o if isinstance(o, str) else f"{format_path(tuple(o[0]))}={o[1]!r}" for o in overrides],
        "arms": [a.to_dict() for a in parsed],
    }
    if posterior is not None:
        metadata["posterior"] = posterior.describe()
    return ComparisonResult(parsed, n, seed, estimates, differences, rows, metadata, info)


def _fmt(v: float, digits: int = 3) -> str:
    return f"{v:+.{digits}f}" if math.isfinite(v) else "n/a"


def _discordance(p: PairedDifference) -> str:
    """The discordant runs of a probability (arm only / baseline only); nothing for a mean."""
    return "" if p.a_only is None else f"  {p.a_only:>13} / {p.b_only}"


def comparison_table(result: ComparisonResult) -> str:
    """Text table: each arm's estimates, then each difference with paired and unpaired intervals."""
    lines = [f"Paired comparison: {result.runs} runs per arm, seed {result.seed}, common random numbers"]
    if result.metadata.get("posterior"):
        lines.append(parameter_note(result.metadata["posterior"]))
        lines.append(
            "intervals: the dice and the spread between parameter sets (paired: the same set for every arm; "
            "unpaired: independent sets)"
        )
    if result.metadata.get("interval", "wilson") != "wilson":
        lines.append(f"each arm's probabilities with the {result.metadata['interval']} 95% interval")
    metrics = list(next(iter(result.estimates.values())))
    width = max(len(metric_label(m)) for m in metrics) + 2
    lines.append(f"  {'':<{width}}" + "".join(f"{a.name:>26}" for a in result.arms))
    for m in metrics:
        cells = []
        for a in result.arms:
            e = result.estimates[a.name][m]
            v = e.p if isinstance(e, Proportion) else e.mean
            cells.append(f"{v:.3f} [{e.lo:.3f}, {e.hi:.3f}]" if math.isfinite(e.lo) else f"{v:.3f} [n/a]")
        lines.append(f"  {metric_label(m):<{width}}" + "".join(f"{c:>26}" for c in cells))
    for arm in result.arms[1:]:
        lines.append(f"Difference {arm.name} − {result.arms[0].name}")
        lines.append(
            f"  {'':<{width}} {'diff':>7}  {'paired 95%':<16}  {'unpaired 95%':<16}  {'narrower':>8}  "
            "runs: arm only / baseline only"
        )
        for m in metrics:
            d = result.difference(arm.name, m)
            p = d.paired
            narrower = f"{d.narrower:.1f}×" if math.isfinite(d.narrower) else "—"
            lines.append(
                f"  {metric_label(m):<{width}} {_fmt(p.diff):>7}  [{_fmt(p.lo)}, {_fmt(p.hi)}]  "
                f"[{_fmt(p.unpaired_lo)}, {_fmt(p.unpaired_hi)}]  {narrower:>8}{_discordance(p)}"
            )
    if result.precision:
        info = result.precision
        verb = "reached" if info["reached"] else "NOT reached (max runs)"
        lines.append(
            f"Precision: ±{info['target_half_width']:g} on {metric_label(info['metric'])} differences {verb} "
            f"after {info['runs']} runs per arm"
        )
    return "\n".join(lines)
