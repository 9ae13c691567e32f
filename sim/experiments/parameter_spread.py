"""Intervals that carry parameter uncertainty: runs grouped by posterior draw, one hierarchical model per quantity.

With ``--posterior`` the runs come in groups of :data:`~sim.experiments.posterior.RUNS_PER_DRAW` consecutive
run indices that share one parameter set θ_j (:mod:`sim.experiments.posterior`). A quantity of the answer
(a probability such as P(max rung ≥ 3), a per-run mean such as the severity, a paired difference) has a
value q(θ) for every parameter set. The point estimate is the average over the runs, an estimate of the
posterior average E_θ[q(θ)]. The interval is that of the value under the parameter set the world actually
has, θ*, itself uncertain as the posterior says: it covers q(θ*) for θ* drawn from the posterior, dice
and parameter spread both counted.

**Model** (one-way random effects; Gelman et al., *Bayesian Data Analysis*, 3rd ed., §5.4, the normal
hierarchical model with a uniform prior on the between-group scale). For the J groups the runs fall in,
with n_j runs and mean ȳ_j each::

    ȳ_j | θ_j ~ N(q(θ_j), σ² / n_j)          σ²: the pooled within-group variance, Σ_j Σ_i (y_ij − ȳ_j)² / (N − J)
    q(θ_j)     ~ N(μ, τ²)                     τ: the spread of the quantity between parameter sets
    p(μ, τ) ∝ 1,  0 ≤ τ ≤ τ_max

Integrating μ out (flat prior) gives, on a grid of τ (:data:`TAU_GRID` points from 0 to
τ_max = 5 · max(SD of the ȳ_j, σ / √n̄), far beyond where the likelihood has mass)::

    V_j = σ²/n_j + τ²,   V_μ = 1 / Σ_j V_j⁻¹,   μ̂ = V_μ Σ_j ȳ_j / V_j
    p(τ | y) ∝ V_μ^½ Π_j V_j^−½ exp(−(ȳ_j − μ̂)² / (2 V_j))

The value under a new parameter set, q(θ*), then has the predictive distribution
Σ_τ w(τ) · N(μ̂(τ), V_μ(τ) + τ²), a mixture over what the runs leave uncertain about τ itself. Two standard
weightings w(τ) are used, and the interval is the union of their 2.5%–97.5% predictive intervals (quantiles
found by bisection):

* the Bayesian posterior p(τ | y) above (uniform prior on τ);
* the Q-profile confidence distribution of τ² (Viechtbauer 2007; the prediction interval of Nagashima,
  Noma & Furukawa 2019): Q(τ) = Σ_j (ȳ_j − μ̂(τ))² / V_j(τ) is χ²(J − 1) at the true τ, so
  P(τ ≤ t) = 1 − F_χ²(J−1)(Q(t)).

Each alone under-covers in one regime of the measured grid (the posterior when τ is small against the dice
of a group: about 92% for P(≥3)-like quantities at 2,000 runs; the confidence distribution for rare, skewed
events: about 92% for P(≥7)-like ones). The upper end is also taken from each predictive truncated to the
quantity's range (a probability's to [0, 1]): a rare event's spread is skewed, and the mass a normal
predictive puts below 0 belongs to its upper tail. The interval is the union of these, and its coverage
stays at or above about 93% everywhere in the grid. The
posterior average μ has Σ_τ p(τ | y) · N(μ̂(τ), V_μ(τ)): that *average interval* is what more runs narrow
(``--precision`` watches it).

Each interval is joined (union) with the interval the same runs give as independent draws (Wilson's for
a probability, the normal one for a mean, Tango's for a paired difference): when no run saw the event, the
model has nothing to spread, and the dice-only bound still says how rare the event may be. A probability's
interval is clipped to [0, 1], a difference of probabilities to [−1, 1], a non-negative mean's at 0.

Coverage, measured with known truths (tests/experiments/test_parameter_spread.py, and
``benchmarks/posterior_coverage.py`` for the whole grid in docs/experiments.md): a thousand parameter
sets whose probabilities are drawn from a known distribution, runs drawn as the posterior draws them
(groups of runs per set) with binomial dice, and the interval checked against the probability of a
parameter set drawn from the same distribution.

With runs from a single parameter set of a posterior of several, τ cannot be estimated: the interval is
NaN (the tables print n/a). With a posterior of one set there is no parameter uncertainty and the
interval is the dice-only one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

__all__ = [
    "TAU_GRID",
    "GroupedValues",
    "Spread",
    "SpreadIntervals",
    "group_indices",
    "spread_intervals",
    "widen",
    "widen_many",
]

TAU_GRID = 80
"""Grid points of the between-group scale τ (0 to τ_max)."""

TAU_MAX_FACTOR = 5.0
"""τ_max in multiples of max(SD of the group means, σ / √n̄)."""

BISECTIONS = 48
"""Halvings of the bracket of a predictive quantile (to well below any printed digit)."""

INF = (-math.inf, math.inf)
COLUMNS_PER_BLOCK = 4096
"""Quantities evaluated together (bounds the memory of a fan chart of many ticks)."""


@dataclass(frozen=True)
class Spread:
    """What parameter uncertainty adds to one estimate.

    Attributes:
        draws: Parameter sets (groups of runs) the runs used.
        between_sd: Posterior mean of τ, the SD of the quantity between parameter sets.
        average_lo: Lower bound of the 95% interval of the posterior average (what more runs narrow).
        average_hi: Upper bound of it.
        dice_lo: Lower bound of the interval the runs give as independent draws (dice only).
        dice_hi: Upper bound of it.
    """

    draws: int
    between_sd: float
    average_lo: float
    average_hi: float
    dice_lo: float
    dice_hi: float

    @property
    def average_half_width(self) -> float:
        """Half-width of the average's interval."""
        return (self.average_hi - self.average_lo) / 2.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN written as None)."""

        def num(v: float) -> float | None:
            return float(v) if math.isfinite(v) else None

        return {
            "draws": self.draws,
            "between_sd": num(self.between_sd),
            "average_lo": num(self.average_lo),
            "average_hi": num(self.average_hi),
            "dice_lo": num(self.dice_lo),
            "dice_hi": num(self.dice_hi),
        }


@dataclass(frozen=True)
class GroupedValues:
    """Per-group sufficient statistics of Q quantities: sums and sums of squares (J × Q), runs per group (J)."""

    sums: np.ndarray
    squares: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, values: ArrayLike, groups: ArrayLike) -> GroupedValues:
        """Group per-run values (N, or N × Q) by the runs' group labels (N)."""
        y = np.asarray(values, dtype=float)
        y = y.reshape(y.shape[0], -1)
        index, j = group_indices(groups)
        if index.size != y.shape[0]:
            raise ValueError(f"{index.size} group labels for {y.shape[0]} runs")
        order = np.argsort(index, kind="stable")
        counts = np.bincount(index, minlength=j)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        ordered = y[order]
        sums = np.add.reduceat(ordered, starts, axis=0)
        squares = np.add.reduceat(ordered * ordered, starts, axis=0)
        return cls(sums, squares, counts.astype(float))

    @property
    def groups(self) -> int:
        """J, the number of groups."""
        return int(self.counts.size)


def group_indices(groups: ArrayLike) -> tuple[np.ndarray, int]:
    """Each run's group as 0..J−1 (in order of the labels), and J."""
    labels, index = np.unique(np.asarray(groups).ravel(), return_inverse=True)
    return index.ravel(), int(labels.size)


@dataclass(frozen=True)
class SpreadIntervals:
    """The hierarchical model's answer for Q quantities (arrays of length Q).

    Attributes:
        mean: The average over the runs.
        lo: Lower bound of the 95% predictive interval of the value under one parameter set.
        hi: Upper bound of it.
        average_lo: Lower bound of the 95% interval of the posterior average.
        average_hi: Upper bound of it.
        between_sd: Posterior mean of τ.
        predictive_var: Variance of the predictive distribution (used for unpaired differences).
        draws: Groups J.
    """

    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    average_lo: np.ndarray
    average_hi: np.ndarray
    between_sd: np.ndarray
    predictive_var: np.ndarray
    draws: int


def spread_intervals(
    grouped: GroupedValues,
    confidence: float = 0.95,
    average: bool = True,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> SpreadIntervals:
    """The hierarchical model of the module docstring for every quantity of ``grouped``.

    Args:
        grouped: Per-group sums, sums of squares and counts.
        confidence: Coverage of the intervals.
        average: Also compute the interval of the posterior average (a fan chart does not need it).
        bounds: Where the quantity can lie (a probability in [0, 1]): the predictive distribution is
            truncated to them (renormalised), so the tail the bound cuts off is not lost.

    Returns:
        The intervals (NaN bounds when there is a single group).
    """
    q = grouped.sums.shape[1]
    n_total = float(grouped.counts.sum())
    mean = grouped.sums.sum(axis=0) / n_total if n_total else np.full(q, np.nan)
    if grouped.groups < 2:
        nan = np.full(q, np.nan)
        return SpreadIntervals(mean, nan, nan, nan, nan, nan, nan, grouped.groups)
    parts = [
        _block(grouped, slice(start, min(start + COLUMNS_PER_BLOCK, q)), confidence, average, bounds)
        for start in range(0, q, COLUMNS_PER_BLOCK)
    ]
    lo, hi, a_lo, a_hi, tau, pvar = (np.concatenate([p[i] for p in parts]) for i in range(6))
    return SpreadIntervals(mean, lo, hi, a_lo, a_hi, tau, pvar, grouped.groups)


def _block(
    grouped: GroupedValues, cols: slice, confidence: float, average: bool, bounds: tuple[float, float]
) -> tuple[np.ndarray, ...]:
    """The model for the quantities ``cols``: (lo, hi, average lo, average hi, mean τ, predictive variance)."""
    n = grouped.counts[:, None]
    sums, squares = grouped.sums[:, cols], grouped.squares[:, cols]
    j, total = grouped.groups, float(grouped.counts.sum())
    means = sums / n
    within = np.maximum(squares.sum(axis=0) - (sums * sums / n).sum(axis=0), 0.0)
    sigma2 = within / (total - j) if total > j else np.var(means, axis=0)
    scale = np.sqrt(np.maximum(sigma2, 0.0) / float(np.mean(grouped.counts)))
    floor = np.finfo(float).tiny ** 0.5
    tau_max = np.maximum(TAU_MAX_FACTOR * np.maximum(np.std(means, axis=0), scale), floor)
    sigma2 = np.maximum(sigma2, floor)
    taus = np.linspace(0.0, 1.0, TAU_GRID)[:, None] * tau_max
    shape = (TAU_GRID, means.shape[1])
    log_post, centres, var_mu, q_stat = (np.empty(shape) for _ in range(4))
    for i in range(TAU_GRID):
        v = sigma2 / n + taus[i] ** 2
        w = 1.0 / v
        var_mu[i] = 1.0 / w.sum(axis=0)
        centres[i] = var_mu[i] * (w * means).sum(axis=0)
        resid = means - centres[i]
        q_stat[i] = (resid * resid * w).sum(axis=0)
        log_post[i] = 0.5 * np.log(var_mu[i]) - 0.5 * np.log(v).sum(axis=0) - 0.5 * q_stat[i]
    bayes = np.exp(log_post - log_post.max(axis=0))
    bayes /= bayes.sum(axis=0)
    confidence_weights = _q_profile(q_stat, j - 1)
    pred_sd = np.sqrt(var_mu + taus * taus)
    alpha = (1.0 - confidence) / 2.0
    weightings = (bayes, confidence_weights)
    lo = np.minimum(*(_mixture_quantile(w, centres, pred_sd, alpha) for w in weightings))
    highs = [_mixture_quantile(w, centres, pred_sd, 1.0 - alpha, b) for w in weightings for b in (INF, bounds)]
    hi = np.max(highs, axis=0)
    if average:
        avg_sd = np.sqrt(var_mu)
        a_lo = _mixture_quantile(bayes, centres, avg_sd, alpha)
        a_hi = _mixture_quantile(bayes, centres, avg_sd, 1.0 - alpha)
    else:
        a_lo = a_hi = np.full(means.shape[1], np.nan)
    mix_mean = (bayes * centres).sum(axis=0)
    pvar = (bayes * (pred_sd * pred_sd + centres * centres)).sum(axis=0) - mix_mean * mix_mean
    return lo, hi, a_lo, a_hi, (bayes * taus).sum(axis=0), np.maximum(pvar, 0.0)


def _q_profile(q_stat: np.ndarray, df: int) -> np.ndarray:
    """Weights of the τ grid under the Q-profile confidence distribution of τ².

    Q(τ) = Σ_j (ȳ_j − μ̂(τ))² / V_j(τ) falls as τ grows and is χ²(J − 1) at the true τ, so
    P(τ ≤ τ_i) = 1 − F_χ²(Q(τ_i)): the weight of grid point i is F(Q(τ_{i−1})) − F(Q(τ_i)), that of τ = 0 is
    1 − F(Q(0)), and what lies beyond the grid goes to its last point.
    """
    cdf = special.chdtr(df, q_stat)
    weights = np.empty_like(cdf)
    weights[0] = 1.0 - cdf[0]
    weights[1:] = cdf[:-1] - cdf[1:]
    weights[-1] += cdf[-1]
    weights = np.maximum(weights, 0.0)
    return weights / weights.sum(axis=0)


def _mixture_quantile(
    weights: np.ndarray,
    centres: np.ndarray,
    sds: np.ndarray,
    level: float,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> np.ndarray:
    """The ``level`` quantile of Σ_i w_i N(c_i, s_i²) truncated to ``bounds``, column by column (bisection)."""
    safe = np.where(sds > 0, sds, 1.0)

    def cdf(x: np.ndarray) -> np.ndarray:
        point = np.where(sds > 0, special.ndtr((x - centres) / safe), (x >= centres).astype(float))
        return (weights * point).sum(axis=0)

    low_mass = cdf(np.full(centres.shape[1], bounds[0]))
    inside = cdf(np.full(centres.shape[1], bounds[1])) - low_mass
    target = np.where(inside > 1e-12, low_mass + level * inside, level)
    left = np.maximum((centres - 10.0 * sds).min(axis=0), bounds[0])
    right = np.minimum((centres + 10.0 * sds).max(axis=0), bounds[1])
    left, right = np.minimum(left, right), np.maximum(left, right)
    for _ in range(BISECTIONS):
        mid = 0.5 * (left + right)
        below = cdf(mid) < target
        left = np.where(below, mid, left)
        right = np.where(below, right, mid)
    return 0.5 * (left + right)


def widen(
    values: ArrayLike,
    groups: ArrayLike,
    dice: tuple[float, float],
    bounds: tuple[float, float] = (-math.inf, math.inf),
    confidence: float = 0.95,
) -> tuple[float, float, Spread]:
    """One quantity's interval with parameter uncertainty, joined with its dice-only interval.

    Args:
        values: One value per run (0/1 for a probability, a difference for a paired comparison).
        groups: Each run's group (the parameter set it drew).
        dice: The interval the runs give as independent draws (Wilson, normal, Tango).
        bounds: Where the quantity can lie (``(0, 1)`` for a probability).
        confidence: Coverage.

    Returns:
        ``(lo, hi, spread)``; NaN bounds when the runs drew a single parameter set.
    """
    fit = spread_intervals(GroupedValues.of(values, groups), confidence, bounds=bounds)
    lo, hi = _join(fit.lo, fit.hi, dice, bounds)
    a_lo, a_hi = _join(fit.average_lo, fit.average_hi, dice, bounds)
    spread = Spread(fit.draws, float(fit.between_sd[0]), float(a_lo[0]), float(a_hi[0]), dice[0], dice[1])
    return float(lo[0]), float(hi[0]), spread


def widen_many(
    values: ArrayLike,
    groups: ArrayLike,
    dice_lo: ArrayLike,
    dice_hi: ArrayLike,
    bounds: tuple[float, float] = (-math.inf, math.inf),
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Many quantities' intervals with parameter uncertainty (columns of ``values``), joined with the dice-only ones.

    Returns:
        ``(lo, hi)`` arrays, one entry per column.
    """
    fit = spread_intervals(GroupedValues.of(values, groups), confidence, average=False, bounds=bounds)
    return _join(fit.lo, fit.hi, (np.asarray(dice_lo, float), np.asarray(dice_hi, float)), bounds)


def _join(lo: np.ndarray, hi: np.ndarray, dice: tuple[Any, Any], bounds: tuple[float, float]) -> tuple[np.ndarray, ...]:
    """Union with the dice-only interval, clipped to the quantity's range (NaN stays NaN)."""
    d_lo, d_hi = np.asarray(dice[0], dtype=float), np.asarray(dice[1], dtype=float)
    with np.errstate(invalid="ignore"):
        out_lo = np.where(np.isnan(lo), np.nan, np.fmin(lo, d_lo))
        out_hi = np.where(np.isnan(hi), np.nan, np.fmax(hi, d_hi))
    return np.clip(out_lo, *bounds), np.clip(out_hi, *bounds)
