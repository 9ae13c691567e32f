"""Reduce a Monte Carlo (a list of :class:`RunOutcome`) to the numbers a debrief needs (BRIEF §4).

:func:`summarize` builds a :class:`MonteCarloSummary`; :meth:`MonteCarloSummary.to_dict` is its
JSON form (stable key order, NaN written as null) and :func:`summary_table` its text form for the CLI.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.experiments.display import parameter_note, summary_html, summary_line
from sim.experiments.parameter_spread import Spread
from sim.experiments.stats import (
    KMCurve,
    binomial_interval,
    check_interval,
    json_float,
    json_floats,
    kaplan_meier,
    normal_quantile,
)
from sim.vocabulary import INADVERTENT_CAUSES, N_RUNGS, ROOT_CAUSES, RUNG_NAMES, RunOutcome

__all__ = [
    "KM_RUNGS",
    "LOSS_FIELDS",
    "MachineSpeed",
    "MeanEstimate",
    "MonteCarloSummary",
    "Proportion",
    "SeverityDistribution",
    "summarize",
    "summary_table",
    "trajectory_grid",
]

KM_RUNGS = tuple(range(1, N_RUNGS))
"""Rungs with a Kaplan–Meier time-to-rung curve (rung 0 is reached at time 0 by every run)."""

LOSS_FIELDS = ("drones_lost", "ships_lost", "satellites_lost", "debris")
"""RunOutcome fields summarised as per-run means."""

CONFIDENCE = 0.95
MAX_HIST_BINS = 40


# --------------------------------------------------------------------------------------------------
# small result records
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proportion:
    """A binomial proportion ``count / n`` with its 95% interval (Wilson's unless another was asked for).

    Attributes:
        count: Number of runs with the property.
        n: Number of runs.
        p: ``count / n`` (NaN if n = 0).
        lo: Lower bound of the 95% interval (Wilson's unless another was asked for; with ``spread``: of the
            interval that carries parameter uncertainty).
        hi: Upper bound of it.
        spread: With a posterior, what the spread between parameter sets added
            (:mod:`sim.experiments.parameter_spread`); None otherwise.
    """

    count: int
    n: int
    p: float
    lo: float
    hi: float
    spread: Spread | None = None

    @classmethod
    def of(cls, count: int, n: int, confidence: float = CONFIDENCE, interval: str = "wilson") -> Proportion:
        """Build from counts, with the named interval (:func:`~sim.experiments.stats.binomial_interval`)."""
        lo, hi = binomial_interval(int(count), int(n), interval, confidence)
        return cls(int(count), int(n), count / n if n else float("nan"), lo, hi)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: count, n, p, lo, hi (and ``parameter_uncertainty`` with a spread)."""
        out = {"count": self.count, "n": self.n, "p": json_float(self.p), "lo": json_float(self.lo)}
        out["hi"] = json_float(self.hi)
        if self.spread is not None:
            out["parameter_uncertainty"] = self.spread.to_dict()
        return out


@dataclass(frozen=True)
class MeanEstimate:
    """Per-run mean of a count or score with a normal-approximation interval.

    ``mean ± z · sd/sqrt(n)`` (sd with n − 1 denominator; the interval is NaN for n < 2).

    Attributes:
        mean: Mean per run.
        lo: Lower bound of the 95% interval.
        hi: Upper bound of the 95% interval.
        sd: Sample standard deviation across runs.
        total: Sum over runs.
        n: Number of runs.
        spread: With a posterior, what the spread between parameter sets added (``lo`` and ``hi`` then
            bound the interval that carries it); None otherwise.
    """

    mean: float
    lo: float
    hi: float
    sd: float
    total: float
    n: int
    spread: Spread | None = None

    @classmethod
    def of(cls, values: np.ndarray, confidence: float = CONFIDENCE) -> MeanEstimate:
        """Build from one value per run."""
        v = np.asarray(values, dtype=float)
        n = int(v.size)
        mean = float(v.mean()) if n else float("nan")
        if n < 2:
            return cls(mean, float("nan"), float("nan"), float("nan"), float(v.sum()), n)
        sd = float(v.std(ddof=1))
        half = normal_quantile(confidence) * sd / math.sqrt(n)
        return cls(mean, mean - half, mean + half, sd, float(v.sum()), n)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: mean, lo, hi, sd, total, n (and ``parameter_uncertainty`` with a spread)."""
        out = {
            "mean": json_float(self.mean),
            "lo": json_float(self.lo),
            "hi": json_float(self.hi),
            "sd": json_float(self.sd),
            "total": json_float(self.total),
            "n": self.n,
        }
        if self.spread is not None:
            out["parameter_uncertainty"] = self.spread.to_dict()
        return out


@dataclass(frozen=True, eq=False)
class SeverityDistribution:
    """Distribution of the per-run severity score (Rivera et al. 2024 weights).

    Attributes:
        mean: Mean with its normal 95% interval (:class:`MeanEstimate`).
        median: Median across runs.
        p90: 90th percentile (linear interpolation).
        min: Smallest score.
        max: Largest score.
        bin_edges: Histogram bin edges (length ``len(counts) + 1``).
        counts: Runs per bin (the last bin is closed on the right).
    """

    mean: MeanEstimate
    median: float
    p90: float
    min: float
    max: float
    bin_edges: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray) -> SeverityDistribution:
        """Build from one severity score per run (at least one run)."""
        v = np.asarray(values, dtype=float)
        n_bins = int(min(MAX_HIST_BINS, max(1, math.ceil(math.sqrt(v.size)))))
        counts, edges = np.histogram(v, bins=n_bins)
        return cls(
            mean=MeanEstimate.of(v),
            median=float(np.median(v)),
            p90=float(np.percentile(v, 90)),
            min=float(v.min()),
            max=float(v.max()),
            bin_edges=_readonly(edges.astype(float)),
            counts=_readonly(counts.astype(np.int64)),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: mean (a MeanEstimate dict), median, p90, min, max, histogram."""
        return {
            "mean": self.mean.to_dict(),
            "median": json_float(self.median),
            "p90": json_float(self.p90),
            "min": json_float(self.min),
            "max": json_float(self.max),
            "histogram": {"bin_edges": json_floats(self.bin_edges), "counts": [int(c) for c in self.counts]},
        }


@dataclass(frozen=True)
class MachineSpeed:
    """The machine-speed chains of docs/model.md §12.7 across the runs.

    Attributes:
        chains: Chains per run (``flash_chains``).
        any_chain: P(a run had at least one chain).
        chain_climbed: P(one chain by itself raised the crisis level by a rung or more) (``flash_max_rungs >= 1``).
        reached_rung4: P(the crisis level first reached rung 4 after a shot) (``hours_first_shot_to_rung4`` finite).
        shot_to_rung4_hours: Median and quartiles ``(q25, median, q75)`` of the hours from the first shot to
            rung 4, among the runs that got there (NaN if none did).
    """

    chains: MeanEstimate
    any_chain: Proportion
    chain_climbed: Proportion
    reached_rung4: Proportion
    shot_to_rung4_hours: tuple[float, float, float]

    @classmethod
    def of(
        cls, chains: np.ndarray, max_rungs: np.ndarray, shot_to_rung4: np.ndarray, interval: str = "wilson"
    ) -> MachineSpeed:
        """Build from the per-run columns ``flash_chains``, ``flash_max_rungs``, ``hours_first_shot_to_rung4``.

        The probabilities get the binomial ``interval`` of the rest of the summary.
        """
        n = int(chains.size)
        reached = shot_to_rung4[np.isfinite(shot_to_rung4)]
        quartiles = tuple(float(q) for q in np.percentile(reached, (25, 50, 75))) if reached.size else (math.nan,) * 3
        return cls(
            chains=MeanEstimate.of(chains),
            any_chain=Proportion.of(int(np.sum(chains > 0)), n, CONFIDENCE, interval),
            chain_climbed=Proportion.of(int(np.sum(max_rungs >= 1)), n, CONFIDENCE, interval),
            reached_rung4=Proportion.of(int(reached.size), n, CONFIDENCE, interval),
            shot_to_rung4_hours=quartiles,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict (NaN written as None)."""
        q25, median, q75 = self.shot_to_rung4_hours
        return {
            "chains_per_run": self.chains.to_dict(),
            "any_chain": self.any_chain.to_dict(),
            "chain_climbed": self.chain_climbed.to_dict(),
            "reached_rung4_after_a_shot": self.reached_rung4.to_dict(),
            "hours_first_shot_to_rung4": {"q25": json_float(q25), "median": json_float(median), "q75": json_float(q75)},
        }


# --------------------------------------------------------------------------------------------------
# the summary
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class MonteCarloSummary:
    """Everything BRIEF §4 asks of a Monte Carlo, with 95% intervals.

    Equality compares :meth:`to_dict` forms, so two summaries of the same runs are equal.

    Attributes:
        n_runs: Number of replications.
        horizon_hours: Simulated horizon, hours (censoring time of the time-to-rung curves).
        tick_hours: Length of one tick, hours.
        max_rung_at_least: ``P(max rung >= k)`` for k = 0..7.
        max_rung_exactly: ``P(max rung == k)`` for k = 0..7.
        inadvertent: P(inadvertent escalation to rung >= 3) (the ``inadvertent`` flag of a run).
        root_causes: Share of runs by root cause of the step that first reached their max rung,
            keyed and ordered as ``ROOT_CAUSES``.
        time_to_rung: Kaplan–Meier curve of the first time the crisis level was >= k, censored at
            the horizon, for k in ``KM_RUNGS``.
        fan_time_hours: End time of each tick, hours, shape (n_ticks,).
        fan_p: ``P(crisis level >= k)`` at the end of each tick, shape (8, n_ticks).
        fan_lo: Lower bounds of the 95% intervals of ``fan_p``.
        fan_hi: Upper bounds of the 95% intervals of ``fan_p``.
        engagements_true: Engagements of truly hostile contacts per run.
        engagements_false: Engagements of non-hostile contacts (false positives) per run.
        false_positive_share: Pooled share ``Σ false / Σ (true + false)`` of all engagements, with a
            run-clustered (delta-method) normal interval; NaN if there was no engagement.
        losses: Per-run means of ``LOSS_FIELDS`` (drones, ships, satellites lost; debris fragments).
        severity: Severity-score distribution.
        machine_speed: The machine-speed chains (docs/model.md §12.7).
        scenario: Name of the scenario the runs came from (for titles; "" if not given).
        posterior: If each run drew its parameters from a posterior sample (``--posterior``), what
            :meth:`sim.experiments.posterior.Posterior.describe` says of it: the probabilities and means
            then average over the posterior and their intervals include parameter uncertainty.
        interval: The binomial interval of every probability (:data:`~sim.experiments.stats.INTERVALS`).
    """

    n_runs: int
    horizon_hours: float
    tick_hours: float
    max_rung_at_least: tuple[Proportion, ...]
    max_rung_exactly: tuple[Proportion, ...]
    inadvertent: Proportion
    root_causes: dict[str, Proportion]
    time_to_rung: dict[int, KMCurve]
    fan_time_hours: np.ndarray
    fan_p: np.ndarray
    fan_lo: np.ndarray
    fan_hi: np.ndarray
    engagements_true: MeanEstimate
    engagements_false: MeanEstimate
    false_positive_share: tuple[float, float, float]
    losses: dict[str, MeanEstimate]
    severity: SeverityDistribution
    machine_speed: MachineSpeed
    scenario: str = ""
    posterior: dict[str, Any] | None = None
    interval: str = "wilson"

    @property
    def n_ticks(self) -> int:
        """Number of ticks in the fan chart."""
        return int(self.fan_time_hours.size)

    def p_at_least(self, k: int) -> Proportion:
        """``P(max rung >= k)``."""
        return self.max_rung_at_least[k]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict with a fixed key order (NaN written as None).

        Keys: ``scenario, n_runs, horizon_hours, tick_hours, n_ticks, confidence, interval, rung_names,
        max_rung {at_least, exactly}, inadvertent, root_causes, time_to_rung, fan, engagements,
        losses, severity, machine_speed`` and, with a posterior, ``parameter_uncertainty`` (the posterior's description
        and the note the table prints). Lists indexed by rung run k = 0..7; ``time_to_rung`` is keyed by
        ``str(k)``.
        """
        fp, fp_lo, fp_hi = self.false_positive_share
        extra = {}
        if self.posterior:
            extra["parameter_uncertainty"] = {**self.posterior, "note": parameter_note(self.posterior)}
        return {
            "scenario": self.scenario,
            "n_runs": self.n_runs,
            "horizon_hours": self.horizon_hours,
            "tick_hours": self.tick_hours,
            "n_ticks": self.n_ticks,
            "confidence": CONFIDENCE,
            "interval": self.interval,
            "rung_names": list(RUNG_NAMES),
            "max_rung": {
                "at_least": [p.to_dict() for p in self.max_rung_at_least],
                "exactly": [p.to_dict() for p in self.max_rung_exactly],
            },
            "inadvertent": self.inadvertent.to_dict(),
            "root_causes": {cause: self.root_causes[cause].to_dict() for cause in ROOT_CAUSES},
            "time_to_rung": {str(k): curve.to_dict() for k, curve in sorted(self.time_to_rung.items())},
            "fan": {
                "time_hours": json_floats(self.fan_time_hours),
                "p_at_least": [json_floats(row) for row in self.fan_p],
                "lo": [json_floats(row) for row in self.fan_lo],
                "hi": [json_floats(row) for row in self.fan_hi],
            },
            "engagements": {
                "true": self.engagements_true.to_dict(),
                "false": self.engagements_false.to_dict(),
                "false_positive_share": {"p": json_float(fp), "lo": json_float(fp_lo), "hi": json_float(fp_hi)},
            },
            "losses": {name: self.losses[name].to_dict() for name in LOSS_FIELDS},
            "severity": self.severity.to_dict(),
            "machine_speed": self.machine_speed.to_dict(),
            **extra,
        }

    def __repr__(self) -> str:
        return f"MonteCarloSummary({summary_line(self)})"

    def _repr_html_(self) -> str:
        """The headline probabilities as an HTML table (Jupyter shows it for a summary in a cell)."""
        return summary_html(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MonteCarloSummary):
            return NotImplemented
        return self.to_dict() == other.to_dict()


def summarize(
    outcomes: Sequence[RunOutcome],
    horizon_hours: float,
    tick_hours: float,
    scenario: str = "",
    posterior: dict[str, Any] | None = None,
    interval: str = "wilson",
) -> MonteCarloSummary:
    """Summarise the replications of one Monte Carlo.

    Trajectories (``crisis_level``) may differ in length if a run stopped early: a shorter one is
    held at its last level up to the longest, which sets the number of ticks of the fan chart.

    Args:
        outcomes: One :class:`RunOutcome` per replication (at least one).
        horizon_hours: Simulated horizon, hours; runs that never reached a rung are censored here.
        tick_hours: Tick length, hours; tick i (0-based) ends at ``(i + 1) · tick_hours``.
        scenario: Name of the scenario (kept for the titles of figures).
        posterior: The description of the posterior the runs drew their parameters from, if any.
        interval: Binomial interval of the probabilities: ``wilson`` (default), ``jeffreys`` or
            ``clopper-pearson`` (:data:`~sim.experiments.stats.INTERVALS`).

    Returns:
        The :class:`MonteCarloSummary`.

    Raises:
        ValueError: If ``outcomes`` is empty, a root cause is unknown, a max rung is out of range,
            a first-passage time exceeds the horizon, or a trajectory is empty.
    """
    if len(outcomes) == 0:
        raise ValueError("summarize needs at least one run")
    if not (horizon_hours > 0 and tick_hours > 0):
        raise ValueError(f"horizon_hours and tick_hours must be positive, got {horizon_hours}, {tick_hours}")
    check_interval(interval)
    n = len(outcomes)
    max_rung = np.array([o.max_rung for o in outcomes], dtype=np.int64)
    if np.any((max_rung < 0) | (max_rung >= N_RUNGS)):
        raise ValueError(f"max_rung out of range 0..{N_RUNGS - 1}")
    fan_time, fan_p, fan_lo, fan_hi = _fan(outcomes, tick_hours, interval)
    eng_true = _column(outcomes, "engagements_true")
    eng_false = _column(outcomes, "engagements_false")
    return MonteCarloSummary(
        n_runs=n,
        horizon_hours=float(horizon_hours),
        tick_hours=float(tick_hours),
        max_rung_at_least=tuple(_share(int(np.sum(max_rung >= k)), n, interval) for k in range(N_RUNGS)),
        max_rung_exactly=tuple(_share(int(np.sum(max_rung == k)), n, interval) for k in range(N_RUNGS)),
        inadvertent=_share(sum(bool(o.inadvertent) for o in outcomes), n, interval),
        root_causes=_root_causes(outcomes, interval),
        time_to_rung=_time_to_rung(outcomes, float(horizon_hours)),
        fan_time_hours=fan_time,
        fan_p=fan_p,
        fan_lo=fan_lo,
        fan_hi=fan_hi,
        engagements_true=MeanEstimate.of(eng_true),
        engagements_false=MeanEstimate.of(eng_false),
        false_positive_share=_ratio_interval(eng_false, eng_true + eng_false),
        losses={name: MeanEstimate.of(_column(outcomes, name)) for name in LOSS_FIELDS},
        severity=SeverityDistribution.of(_column(outcomes, "severity")),
        machine_speed=MachineSpeed.of(
            _column(outcomes, "flash_chains"),
            _column(outcomes, "flash_max_rungs"),
            _column(outcomes, "hours_first_shot_to_rung4"),
            interval,
        ),
        scenario=str(scenario),
        posterior=dict(posterior) if posterior else None,
        interval=interval,
    )


def _share(count: int, n: int, interval: str) -> Proportion:
    return Proportion.of(count, n, CONFIDENCE, interval)


def _column(outcomes: Sequence[RunOutcome], name: str) -> np.ndarray:
    return np.array([getattr(o, name) for o in outcomes], dtype=float)


def _root_causes(outcomes: Sequence[RunOutcome], interval: str = "wilson") -> dict[str, Proportion]:
    counts = dict.fromkeys(ROOT_CAUSES, 0)
    for o in outcomes:
        if o.root_cause not in counts:
            raise ValueError(f"run {o.run}: unknown root cause {o.root_cause!r} (expected one of {ROOT_CAUSES})")
        counts[o.root_cause] += 1
    return {cause: _share(c, len(outcomes), interval) for cause, c in counts.items()}


def _time_to_rung(outcomes: Sequence[RunOutcome], horizon: float) -> dict[int, KMCurve]:
    first = np.array([o.first_hours for o in outcomes], dtype=float)
    if first.ndim != 2 or first.shape[1] != N_RUNGS:
        raise ValueError(f"first_hours must hold {N_RUNGS} values per run")
    if np.any(first[np.isfinite(first)] > horizon * (1 + 1e-9)):
        raise ValueError(f"a first_hours value exceeds the horizon {horizon} h")
    curves = {}
    for k in KM_RUNGS:
        observed = np.isfinite(first[:, k])
        times = np.where(observed, first[:, k], horizon)
        curves[k] = kaplan_meier(times, observed, CONFIDENCE)
    return curves


def trajectory_grid(outcomes: Sequence[RunOutcome]) -> np.ndarray:
    """Crisis level at the end of each tick, shape (runs, ticks), int8.

    A run that stopped early is held at its last level up to the longest run.

    Raises:
        ValueError: If a run has an empty trajectory.
    """
    levels = [np.asarray(o.crisis_level, dtype=np.int8).ravel() for o in outcomes]
    if any(lv.size == 0 for lv in levels):
        raise ValueError("every run needs a non-empty crisis_level trajectory")
    n_ticks = max((lv.size for lv in levels), default=0)
    grid = np.empty((len(levels), n_ticks), dtype=np.int8)
    for i, lv in enumerate(levels):
        grid[i, : lv.size] = lv
        grid[i, lv.size :] = lv[-1]
    return grid


def _fan(outcomes: Sequence[RunOutcome], tick_hours: float, interval: str = "wilson") -> tuple[np.ndarray, ...]:
    """``P(crisis level >= k)`` at each tick end, shape (8, n_ticks), with the bounds of the named interval."""
    grid = trajectory_grid(outcomes)
    n_ticks = grid.shape[1]
    counts = np.stack([(grid >= k).sum(axis=0) for k in range(N_RUNGS)])
    n = len(outcomes)
    lo, hi = binomial_interval(counts, n, interval, CONFIDENCE)
    time = (np.arange(n_ticks, dtype=float) + 1.0) * tick_hours
    return _readonly(time), _readonly(counts / n), _readonly(lo), _readonly(hi)


def _ratio_interval(num: np.ndarray, den: np.ndarray) -> tuple[float, float, float]:
    """Ratio ``R = Σ num / Σ den`` with a run-clustered delta-method interval.

    Runs are the independent units, engagements within a run are not::

        R  = Σ x_i / Σ y_i,   u_i = x_i − R · y_i
        se = sqrt(Σ u_i² / (n (n − 1))) / ȳ
        [lo, hi] = clip(R ∓ z · se, 0, 1)
    """
    total = float(den.sum())
    if total <= 0:
        return float("nan"), float("nan"), float("nan")
    r = float(num.sum()) / total
    n = den.size
    if n < 2:
        return r, float("nan"), float("nan")
    u = num - r * den
    se = math.sqrt(float(np.sum(u * u)) / (n * (n - 1))) / float(den.mean())
    half = normal_quantile(CONFIDENCE) * se
    return r, max(0.0, r - half), min(1.0, r + half)


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr = np.ascontiguousarray(arr)
    arr.setflags(write=False)
    return arr


# --------------------------------------------------------------------------------------------------
# text table
# --------------------------------------------------------------------------------------------------

_LABEL_W = 46


def _row(label: str, value: str, interval: str = "", extra: str = "") -> str:
    return f"  {label:<{_LABEL_W}} {value:>9}  {interval:<16} {extra}".rstrip()


def _fmt_p(p: Proportion) -> tuple[str, str]:
    if not (math.isfinite(p.lo) and math.isfinite(p.hi)):
        return _fmt(p.p, 3), "n/a" if p.spread is not None else ""
    return (_fmt(p.p, 3), f"[{p.lo:.3f}, {p.hi:.3f}]")


def _fmt(v: float, digits: int) -> str:
    return "n/a" if not math.isfinite(v) else f"{v:.{digits}f}"


def _fmt_hours(hours: float) -> str:
    return f"{hours:>9.1f} h" if math.isfinite(hours) else f"{'—':>9}  "


def _fmt_mean(m: MeanEstimate, digits: int = 2) -> tuple[str, str]:
    if not math.isfinite(m.lo):
        return _fmt(m.mean, digits), ""
    return _fmt(m.mean, digits), f"[{m.lo:.{digits}f}, {m.hi:.{digits}f}]"


def _interval_name(interval: str) -> str:
    """`` (Jeffreys)`` after the interval header unless it is the default Wilson interval."""
    return "" if interval == "wilson" else f" ({interval.replace('clopper-pearson', 'Clopper–Pearson').title()})"


def summary_table(summary: MonteCarloSummary) -> str:
    """Fixed-width text table of the main results with 95% intervals (for the CLI).

    Args:
        summary: The Monte Carlo summary.

    Returns:
        Multi-line text, no trailing newline.
    """
    s = summary
    days = s.horizon_hours / 24.0
    lines = [
        f"Monte Carlo summary: {s.n_runs} runs, horizon {s.horizon_hours:g} h ({days:g} days), tick {s.tick_hours:g} h",
        f"  {'':<{_LABEL_W}} {'estimate':>9}  95% interval" + _interval_name(s.interval),
        "Escalation",
    ]
    if s.posterior:
        lines.insert(1, parameter_note(s.posterior))
        lines[2] += " (dice and parameters)"
        if not math.isfinite(s.max_rung_at_least[1].hi):
            per = s.posterior.get("runs_per_draw", 1)
            lines.insert(
                2, f"  n/a: every run drew the same parameter set ({per} runs per set): run more to see the spread"
            )
    for k in range(N_RUNGS):
        lines.append(_row(f"P(max rung ≥ {k})  {RUNG_NAMES[k]}", *_fmt_p(s.max_rung_at_least[k])))
    lines.append(_row("P(inadvertent escalation to ≥ 3)", *_fmt_p(s.inadvertent)))

    lines.append("Time to rung (Kaplan–Meier): time by which 10% / 25% / 50% of runs reached it")
    for k in (3, 4, 5):
        curve = s.time_to_rung[k]
        times = "  ".join(_fmt_hours(curve.quantile(q)) for q in (0.10, 0.25, 0.50))
        lines.append(f"  {f'rung ≥ {k}  {RUNG_NAMES[k]}':<{_LABEL_W}} {times}".rstrip())

    lines.append("Root cause of the step to the max rung (share of runs)")
    for cause in ROOT_CAUSES:
        tag = "  (inadvertent)" if cause in INADVERTENT_CAUSES else ""
        lines.append(_row(f"{cause}{tag}", *_fmt_p(s.root_causes[cause])))

    fp, fp_lo, fp_hi = s.false_positive_share
    fp_iv = f"[{fp_lo:.3f}, {fp_hi:.3f}]" if math.isfinite(fp_lo) else ""
    lines += [
        "Engagements per run",
        _row("true positives", *_fmt_mean(s.engagements_true), f"total {s.engagements_true.total:g}"),
        _row("false positives", *_fmt_mean(s.engagements_false), f"total {s.engagements_false.total:g}"),
        _row("false-positive share of engagements", _fmt(fp, 3), fp_iv),
        "Losses per run",
    ]
    labels = {"drones_lost": "drones lost", "ships_lost": "ships lost", "satellites_lost": "satellites lost"}
    labels["debris"] = "debris fragments"
    for name in LOSS_FIELDS:
        lines.append(_row(labels[name], *_fmt_mean(s.losses[name])))

    sev = s.severity
    lines += [
        "Severity score per run",
        _row("mean", *_fmt_mean(sev.mean, 1)),
        _row("median", _fmt(sev.median, 1)),
        _row("90th percentile", _fmt(sev.p90, 1)),
    ]
    return "\n".join(lines + _machine_speed_rows(s.machine_speed))


def _machine_speed_rows(speed: MachineSpeed) -> list[str]:
    q25, median, q75 = speed.shot_to_rung4_hours
    spread = f"[{q25:.1f}, {q75:.1f}] quartiles" if math.isfinite(median) else ""
    return [
        "Machine speed (chains of automated answers, docs/model.md §12.7)",
        _row("chains per run", *_fmt_mean(speed.chains)),
        _row("P(at least one chain)", *_fmt_p(speed.any_chain)),
        _row("P(a chain climbed a rung by itself)", *_fmt_p(speed.chain_climbed)),
        _row("P(rung 4 reached after a shot)", *_fmt_p(speed.reached_rung4)),
        _row("hours from first shot to rung 4 (median)", _fmt(median, 1), spread),
    ]
