"""A Monte Carlo summary whose intervals carry parameter uncertainty (``--posterior``).

:func:`with_parameter_spread` takes the summary :func:`~sim.experiments.summary.summarize` made of runs
that drew their parameters from a posterior, and the parameter set of each run, and widens every
interval of a probability or a mean by the between-draw spread (:mod:`sim.experiments.parameter_spread`):
P(max rung ≥ k) and = k, P(inadvertent), the root-cause shares, the per-run means (engagements, losses,
severity), the false-positive share, the fan chart's band and the Kaplan–Meier bands of the time to each
rung. Each estimate keeps its point value (the average over the runs, i.e. over the posterior) and records
what the spread added (:class:`~sim.experiments.parameter_spread.Spread`: the number of parameter sets,
the between-draw SD, the interval of the posterior average and the dice-only interval).

The fan chart and the Kaplan–Meier bands are evaluated at up to :data:`BAND_POINTS` times (evenly spaced
ticks, or event times) and interpolated linearly between them: a figure's band, not a table's number.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from sim.experiments.parameter_spread import GroupedValues, spread_intervals, widen, widen_many
from sim.experiments.stats import KMCurve, PairedDifference, normal_quantile
from sim.experiments.summary import MachineSpeed, MeanEstimate, MonteCarloSummary, Proportion, trajectory_grid
from sim.vocabulary import N_RUNGS, ROOT_CAUSES, RunOutcome

__all__ = ["BAND_POINTS", "difference_with_spread", "estimate_with_spread", "with_parameter_spread"]

BAND_POINTS = 256
"""Times at which a fan chart's or a Kaplan–Meier curve's band is computed (interpolated between them)."""

PROBABILITY = (0.0, 1.0)
NON_NEGATIVE = (0.0, math.inf)


def with_parameter_spread(
    summary: MonteCarloSummary, outcomes: Sequence[RunOutcome], draws: np.ndarray
) -> MonteCarloSummary:
    """The summary with every probability's and mean's interval widened by the spread between parameter sets.

    Args:
        summary: The summary of ``outcomes`` (from :func:`~sim.experiments.summary.summarize`).
        outcomes: The runs, in the summary's order.
        draws: The parameter set each run drew (same order).

    Returns:
        A new summary; the point estimates are unchanged.
    """
    draws = np.asarray(draws).ravel()
    if draws.size != len(outcomes):
        raise ValueError(f"{draws.size} parameter sets for {len(outcomes)} runs")
    max_rung = np.array([o.max_rung for o in outcomes], dtype=np.int64)
    at_least = [_proportion(p, (max_rung >= k).astype(float), draws) for k, p in enumerate(summary.max_rung_at_least)]
    exactly = [_proportion(p, (max_rung == k).astype(float), draws) for k, p in enumerate(summary.max_rung_exactly)]
    inadvertent = np.array([bool(o.inadvertent) for o in outcomes], dtype=float)
    causes = np.array([o.root_cause for o in outcomes])
    eng_true, eng_false = _column(outcomes, "engagements_true"), _column(outcomes, "engagements_false")
    fan_lo, fan_hi = _fan_band(summary, outcomes, draws)
    return dataclasses.replace(
        summary,
        max_rung_at_least=tuple(at_least),
        max_rung_exactly=tuple(exactly),
        inadvertent=_proportion(summary.inadvertent, inadvertent, draws),
        root_causes={c: _proportion(summary.root_causes[c], (causes == c).astype(float), draws) for c in ROOT_CAUSES},
        time_to_rung={k: _km_band(curve, outcomes, k, draws) for k, curve in summary.time_to_rung.items()},
        fan_lo=_readonly(fan_lo),
        fan_hi=_readonly(fan_hi),
        engagements_true=_mean(summary.engagements_true, eng_true, draws),
        engagements_false=_mean(summary.engagements_false, eng_false, draws),
        false_positive_share=_ratio(summary.false_positive_share, eng_false, eng_true + eng_false, draws),
        losses={name: _mean(m, _column(outcomes, name), draws) for name, m in summary.losses.items()},
        severity=dataclasses.replace(
            summary.severity, mean=_mean(summary.severity.mean, _column(outcomes, "severity"), draws)
        ),
        machine_speed=_machine_speed(summary.machine_speed, outcomes, draws),
    )


def _machine_speed(speed: MachineSpeed, outcomes: Sequence[RunOutcome], draws: np.ndarray) -> MachineSpeed:
    """The machine-speed section's probabilities and mean, widened (the quartiles of hours are descriptive)."""
    chains, rise = _column(outcomes, "flash_chains"), _column(outcomes, "flash_max_rungs")
    reached = np.isfinite(_column(outcomes, "hours_first_shot_to_rung4")).astype(float)
    return dataclasses.replace(
        speed,
        chains=_mean(speed.chains, chains, draws),
        any_chain=_proportion(speed.any_chain, (chains > 0).astype(float), draws),
        chain_climbed=_proportion(speed.chain_climbed, (rise >= 1).astype(float), draws),
        reached_rung4=_proportion(speed.reached_rung4, reached, draws),
    )


def estimate_with_spread(
    estimate: Proportion | MeanEstimate, values: np.ndarray, draws: np.ndarray
) -> Proportion | MeanEstimate:
    """One arm's estimate of a comparison with its interval widened by the parameter spread."""
    if isinstance(estimate, Proportion):
        return _proportion(estimate, np.asarray(values, dtype=float), draws)
    return _mean(estimate, np.asarray(values, dtype=float), draws)


def difference_with_spread(
    d: PairedDifference, arm: np.ndarray, baseline: np.ndarray, draws: np.ndarray, probability: bool
) -> PairedDifference:
    """A paired difference whose intervals carry the parameter spread.

    The paired interval is that of d(θ*) = q_arm(θ*) − q_baseline(θ*) for one parameter set drawn from the
    posterior (the model of :mod:`sim.experiments.parameter_spread` on the per-run differences), joined with
    the paired dice-only interval. The unpaired one is what independent parameter draws for the two arms
    would give: the difference ± z·sqrt(v_arm + v_baseline) of the two arms' predictive variances, joined
    with the unpaired dice-only interval.
    """
    arm, baseline = np.asarray(arm, dtype=float), np.asarray(baseline, dtype=float)
    bounds = (-1.0, 1.0) if probability else (-math.inf, math.inf)
    lo, hi, spread = widen(arm - baseline, draws, (d.lo, d.hi), bounds)
    fit = spread_intervals(GroupedValues.of(np.column_stack([arm, baseline]), draws), d.confidence, average=False)
    half = normal_quantile(d.confidence) * math.sqrt(float(fit.predictive_var.sum()))
    u_lo, u_hi = d.unpaired_lo, d.unpaired_hi
    if math.isfinite(half):
        u_lo, u_hi = min(u_lo, d.diff - half), max(u_hi, d.diff + half)
    else:
        u_lo = u_hi = math.nan
    return dataclasses.replace(
        d, lo=lo, hi=hi, unpaired_lo=max(u_lo, bounds[0]), unpaired_hi=min(u_hi, bounds[1]), spread=spread
    )


def _column(outcomes: Sequence[RunOutcome], name: str) -> np.ndarray:
    return np.array([getattr(o, name) for o in outcomes], dtype=float)


def _proportion(p: Proportion, values: np.ndarray, draws: np.ndarray) -> Proportion:
    lo, hi, spread = widen(values, draws, (p.lo, p.hi), PROBABILITY)
    return dataclasses.replace(p, lo=lo, hi=hi, spread=spread)


def _mean(m: MeanEstimate, values: np.ndarray, draws: np.ndarray) -> MeanEstimate:
    if m.n < 2:
        return m
    lo, hi, spread = widen(values, draws, (m.lo, m.hi), NON_NEGATIVE if np.all(values >= 0) else (-math.inf, math.inf))
    return dataclasses.replace(m, lo=lo, hi=hi, spread=spread)


def _ratio(
    share: tuple[float, float, float], num: np.ndarray, den: np.ndarray, draws: np.ndarray
) -> tuple[float, float, float]:
    """The pooled share Σ num / Σ den, widened on its run-level linearisation (num − R·den) / mean(den)."""
    r, lo, hi = share
    if not (math.isfinite(r) and math.isfinite(lo)):
        return share
    linear = (num - r * den) / float(den.mean())
    w_lo, w_hi, _ = widen(linear, draws, (lo - r, hi - r))
    if not math.isfinite(w_lo):
        return share
    return r, max(0.0, r + w_lo), min(1.0, r + w_hi)


def _points(count: int) -> np.ndarray:
    """Up to :data:`BAND_POINTS` evenly spaced indices of ``count`` (first and last included)."""
    return np.unique(np.linspace(0, count - 1, min(count, BAND_POINTS)).round().astype(np.int64))


def _fan_band(summary: MonteCarloSummary, outcomes: Sequence[RunOutcome], draws: np.ndarray) -> tuple[np.ndarray, ...]:
    """P(crisis level ≥ k) at each tick: the band with parameter spread, computed at up to BAND_POINTS ticks."""
    grid = trajectory_grid(outcomes)
    ticks = _points(grid.shape[1])
    lo, hi = np.array(summary.fan_lo, dtype=float), np.array(summary.fan_hi, dtype=float)
    all_ticks = np.arange(grid.shape[1])
    for k in range(1, N_RUNGS):
        values = (grid[:, ticks] >= k).astype(float)
        w_lo, w_hi = widen_many(values, draws, summary.fan_lo[k, ticks], summary.fan_hi[k, ticks], PROBABILITY)
        lo[k] = np.fmin(lo[k], np.interp(all_ticks, ticks, w_lo))
        hi[k] = np.fmax(hi[k], np.interp(all_ticks, ticks, w_hi))
    return lo, hi


def _km_band(curve: KMCurve, outcomes: Sequence[RunOutcome], k: int, draws: np.ndarray) -> KMCurve:
    """The survival band of the time to rung k widened by the parameter spread.

    Every run is followed to the same horizon, so Ŝ(t) is the share of runs that had not reached rung k by t,
    a proportion: at each event time the band is that of the indicator "reached by t" (computed at up to
    BAND_POINTS event times and interpolated between them), joined with the Greenwood band.
    """
    if curve.time.size <= 1:
        return curve
    first = np.array([o.first_hours[k] for o in outcomes], dtype=float)
    reached = np.where(np.isfinite(first), first, math.inf)
    steps = np.arange(1, curve.time.size)  # entry 0 is (time 0, S = 1)
    chosen = steps[_points(steps.size)]
    by_then = (reached[:, None] <= curve.time[chosen][None, :]).astype(float)
    cum_lo, cum_hi = 1.0 - curve.hi[chosen], 1.0 - curve.lo[chosen]
    w_lo, w_hi = widen_many(by_then, draws, cum_lo, cum_hi, PROBABILITY)
    if np.all(np.isnan(w_lo)):
        return curve
    lo, hi = np.array(curve.lo, dtype=float), np.array(curve.hi, dtype=float)
    lo[1:] = np.fmin(lo[1:], 1.0 - np.interp(steps, chosen, w_hi))
    hi[1:] = np.fmax(hi[1:], 1.0 - np.interp(steps, chosen, w_lo))
    return dataclasses.replace(curve, lo=_readonly(lo), hi=_readonly(hi))


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr = np.ascontiguousarray(arr)
    arr.setflags(write=False)
    return arr
