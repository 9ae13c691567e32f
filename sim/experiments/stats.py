"""Statistics for Monte Carlo outputs: binomial intervals, survival curves, paired comparisons.

Pure numpy/scipy. Every estimator is written out with its equation so that docs/model.md can cite
it line for line.

* :func:`wilson_interval` — Wilson (1927) score interval for a binomial proportion (the default);
  :func:`jeffreys_interval` (equal-tailed Bayesian, Jeffreys prior) and :func:`clopper_pearson_interval`
  ("exact", never below nominal coverage) for rare events; :func:`binomial_interval` picks one by name
  (:data:`INTERVALS`).
* :func:`kaplan_meier` — product-limit estimator (Kaplan & Meier 1958) with Greenwood's (1926)
  variance and the log-log ("exponential Greenwood", Kalbfleisch & Prentice 2002 §1.4) interval.
* :func:`paired_difference` — mean of per-pair differences under common random numbers (paired t
  interval), with the unpaired (Welch) interval alongside so the variance reduction can be shown. For
  real-valued outcomes (severity, counts); yes/no outcomes take the score intervals of
  :mod:`sim.experiments.paired_proportions`, which stay sound when few pairs disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special as _special

from sim.experiments.parameter_spread import Spread

__all__ = [
    "INTERVALS",
    "KMCurve",
    "PairedDifference",
    "binomial_interval",
    "check_interval",
    "clopper_pearson_interval",
    "holm",
    "jeffreys_interval",
    "json_float",
    "json_floats",
    "kaplan_meier",
    "normal_quantile",
    "paired_difference",
    "paired_p_value",
    "wilson_interval",
]


def normal_quantile(confidence: float) -> float:
    """Two-sided standard normal critical value ``z = Φ⁻¹(1 − (1 − confidence)/2)``.

    Args:
        confidence: Coverage level in (0, 1), e.g. 0.95 (z ≈ 1.96).

    Returns:
        The critical value z.

    Raises:
        ValueError: If ``confidence`` is not strictly between 0 and 1.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return float(_special.ndtri(0.5 + confidence / 2.0))


# --------------------------------------------------------------------------------------------------
# Wilson score interval
# --------------------------------------------------------------------------------------------------


def wilson_interval(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> tuple[Any, Any]:
    """Wilson score interval for a binomial proportion.

    With ``p̂ = x/n`` and ``z`` the two-sided normal critical value, the interval is::

        centre    = (p̂ + z²/(2n)) / (1 + z²/n)
        halfwidth = z / (1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/(4n²))
        [lo, hi]  = centre ∓ halfwidth

    It is the set of p for which the score test ``|p̂ − p| ≤ z·sqrt(p(1 − p)/n)`` does not reject,
    so it stays inside [0, 1], has nonzero width at x = 0 and x = n, and keeps close to nominal
    coverage for small n or extreme p (Brown, Cai & DasGupta 2001). At ``x = 0`` the lower bound is
    exactly 0 and at ``x = n`` the upper bound is exactly 1. With ``n = 0`` nothing is known and
    the interval is (0, 1).

    Args:
        successes: Number of successes x, 0 <= x <= n (int or array).
        n: Number of trials (int or array, broadcast against ``successes``).
        confidence: Coverage level, default 0.95.

    Returns:
        ``(lo, hi)``: floats if both inputs are scalars, otherwise arrays of the broadcast shape.

    Raises:
        ValueError: If any count is negative or ``successes > n``.
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    if np.any(m < 0) or np.any(x < 0) or np.any(x > m):
        raise ValueError("wilson_interval needs 0 <= successes <= n")
    z = normal_quantile(confidence)
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / m
        denom = 1.0 + z2 / m
        centre = (p + z2 / (2.0 * m)) / denom
        half = z / denom * np.sqrt(p * (1.0 - p) / m + z2 / (4.0 * m * m))
        lo = np.clip(centre - half, 0.0, 1.0)
        hi = np.clip(centre + half, 0.0, 1.0)
    lo, hi = np.broadcast_arrays(lo, hi)
    lo = np.where(x == 0, 0.0, lo)
    hi = np.where(x == m, 1.0, hi)
    empty = m == 0
    lo = np.where(empty, 0.0, lo)
    hi = np.where(empty, 1.0, hi)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


def _counts(successes: ArrayLike, n: ArrayLike, name: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    if np.any(m < 0) or np.any(x < 0) or np.any(x > m):
        raise ValueError(f"{name} needs 0 <= successes <= n")
    return x, m


def _beta_bounds(
    x: np.ndarray, m: np.ndarray, lo_shape: tuple[Any, Any], hi_shape: tuple[Any, Any], confidence: float
) -> tuple[Any, Any]:
    """Beta quantiles ``α/2`` of ``Beta(*lo_shape)`` and ``1 − α/2`` of ``Beta(*hi_shape)``; 0 at x = 0, 1 at x = n."""
    from scipy.stats import beta

    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    alpha = 1.0 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(x > 0, beta.ppf(alpha / 2, *lo_shape), 0.0)
        hi = np.where(x < m, beta.ppf(1 - alpha / 2, *hi_shape), 1.0)
    lo, hi = np.broadcast_arrays(np.where(m == 0, 0.0, lo), np.where(m == 0, 1.0, hi))
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


def jeffreys_interval(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> tuple[Any, Any]:
    """Jeffreys interval: the equal-tailed interval of the posterior under the Jeffreys prior Beta(½, ½).

    ::

        lo = B⁻¹(α/2;     x + ½, n − x + ½)    (0 when x = 0)
        hi = B⁻¹(1 − α/2; x + ½, n − x + ½)    (1 when x = n)

    Its coverage oscillates closely about the nominal level even for rare events, where Wilson's dips
    (Brown, Cai & DasGupta 2001, who recommend it, with Wilson, over the Wald interval); the end
    corrections at x = 0 and x = n are theirs.

    Args:
        successes: Number of successes x, 0 <= x <= n (int or array).
        n: Number of trials (broadcast against ``successes``).
        confidence: Coverage level, default 0.95.

    Returns:
        ``(lo, hi)``: floats for scalar inputs, else arrays; (0, 1) when n = 0.

    Raises:
        ValueError: If a count is negative or ``successes > n``.
    """
    x, m = _counts(successes, n, "jeffreys_interval")
    shape = (x + 0.5, m - x + 0.5)
    return _beta_bounds(x, m, shape, shape, confidence)


def clopper_pearson_interval(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> tuple[Any, Any]:
    """Clopper–Pearson ("exact") interval: inverts two one-sided binomial tests.

    ::

        lo = B⁻¹(α/2;     x,     n − x + 1)    (0 when x = 0)
        hi = B⁻¹(1 − α/2; x + 1, n − x)        (1 when x = n)

    Its coverage is never below the nominal level, at the price of a wider interval (coverage is
    often 97–99% for a 95% interval): the choice when a rare event's upper bound must not be too low.

    Args:
        successes: Number of successes x, 0 <= x <= n (int or array).
        n: Number of trials (broadcast against ``successes``).
        confidence: Coverage level, default 0.95.

    Returns:
        ``(lo, hi)``: floats for scalar inputs, else arrays; (0, 1) when n = 0.

    Raises:
        ValueError: If a count is negative or ``successes > n``.
    """
    x, m = _counts(successes, n, "clopper_pearson_interval")
    return _beta_bounds(x, m, (x, m - x + 1), (x + 1, m - x), confidence)


INTERVALS = ("wilson", "jeffreys", "clopper-pearson")
"""Binomial intervals by name (``--interval``); Wilson is the default."""

_INTERVAL_FUNCTIONS = {
    "wilson": wilson_interval,
    "jeffreys": jeffreys_interval,
    "clopper-pearson": clopper_pearson_interval,
}


def check_interval(interval: str) -> str:
    """Return ``interval`` if it names one of :data:`INTERVALS`; raise ``ValueError`` otherwise."""
    if interval not in _INTERVAL_FUNCTIONS:
        raise ValueError(f"unknown interval {interval!r} (expected one of {', '.join(INTERVALS)})")
    return interval


def binomial_interval(
    successes: ArrayLike, n: ArrayLike, interval: str = "wilson", confidence: float = 0.95
) -> tuple[Any, Any]:
    """The named binomial interval (:data:`INTERVALS`) of ``successes`` out of ``n``.

    Raises:
        ValueError: On an unknown name, a negative count or ``successes > n``.
    """
    return _INTERVAL_FUNCTIONS[check_interval(interval)](successes, n, confidence)


# --------------------------------------------------------------------------------------------------
# Kaplan–Meier
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class KMCurve:
    """A Kaplan–Meier survival curve: a right-continuous step function.

    ``survival[i]`` is Ŝ(t) = P(T > t) for ``time[i] <= t < time[i + 1]``. Entry 0 is always
    ``(time 0, Ŝ = 1)``; the following entries are the distinct event times in increasing order (if
    events occur at t = 0 the second entry is also at time 0, so ``survival_at(0)`` gives P(T > 0)).

    Attributes:
        time: Step times, hours (float array, length m + 1 for m distinct event times).
        survival: Ŝ(t) after the events at each step time.
        lo: Lower bound of the pointwise interval (log-log / exponential Greenwood).
        hi: Upper bound of the pointwise interval.
        n_at_risk: Subjects at risk just before each step time (n at time 0).
        n_events: Events at each step time (0 at the time-0 entry).
        n: Number of subjects.
        n_censored: Number of censored subjects.
        confidence: Coverage level of ``lo``/``hi``.
    """

    time: np.ndarray
    survival: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    n_at_risk: np.ndarray
    n_events: np.ndarray
    n: int
    n_censored: int
    confidence: float

    def _index(self, t: ArrayLike) -> np.ndarray:
        return np.searchsorted(self.time, np.asarray(t, dtype=float), side="right") - 1

    def survival_at(self, t: ArrayLike) -> np.ndarray | float:
        """Ŝ(t) at arbitrary times t >= 0 (right-continuous step evaluation).

        Args:
            t: Time or array of times, hours.

        Returns:
            Survival at ``t`` (float for scalar input).
        """
        idx = np.clip(self._index(t), 0, None)
        out = self.survival[idx]
        return float(out) if np.ndim(out) == 0 else out

    def cumulative_at(self, t: ArrayLike) -> np.ndarray | float:
        """Cumulative probability ``1 − Ŝ(t)`` of the event by time t."""
        s = self.survival_at(t)
        return 1.0 - s

    def quantile(self, q: float) -> float:
        """Time by which a share ``q`` of subjects has had the event: the first step time with Ŝ(t) <= 1 − q.

        Args:
            q: Share in (0, 1], e.g. 0.5 for the median.

        Returns:
            The time, hours (NaN if the curve never gets that low within follow-up).
        """
        if not 0.0 < q <= 1.0:
            raise ValueError(f"quantile needs 0 < q <= 1, got {q!r}")
        hit = np.nonzero(self.survival <= 1.0 - q + 1e-12)[0]
        return float(self.time[hit[0]]) if hit.size else float("nan")

    @property
    def median(self) -> float:
        """Median time: the first step time with Ŝ(t) <= 0.5 (NaN if the curve never gets there)."""
        return self.quantile(0.5)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (lists of floats/ints; NaN written as None)."""
        return {
            "n": int(self.n),
            "n_censored": int(self.n_censored),
            "confidence": float(self.confidence),
            "median_hours": json_float(self.median),
            "time_hours": json_floats(self.time),
            "survival": json_floats(self.survival),
            "lo": json_floats(self.lo),
            "hi": json_floats(self.hi),
            "n_at_risk": [int(v) for v in self.n_at_risk],
            "n_events": [int(v) for v in self.n_events],
        }


def kaplan_meier(times: ArrayLike, observed: ArrayLike, confidence: float = 0.95) -> KMCurve:
    """Kaplan–Meier product-limit estimator with a log-log Greenwood interval.

    With distinct event times t₁ < … < t_m, d_j events at t_j and n_j subjects at risk just before
    t_j (those with time >= t_j; a subject censored at t_j counts as at risk, i.e. events come
    before censorings at tied times)::

        Ŝ(t)       = Π_{t_j <= t} (1 − d_j / n_j)
        Var Ŝ(t)   = Ŝ(t)² · Σ_{t_j <= t} d_j / (n_j (n_j − d_j))          (Greenwood)
        σ²(t)      = Σ_{t_j <= t} d_j / (n_j (n_j − d_j)) / (log Ŝ(t))²    (variance of log(−log Ŝ))
        [lo, hi]   = [Ŝ(t)^exp(+z σ(t)), Ŝ(t)^exp(−z σ(t))]

    The log-log interval always lies in [0, 1], unlike the plain Greenwood interval Ŝ ± z·sqrt(Var).
    Once Ŝ reaches 0 (everyone left at risk has the event) the interval is [0, 0].

    Args:
        times: Event or censoring time of each subject, hours (finite, >= 0).
        observed: True where the event was observed, False where the subject was censored at
            ``times`` (e.g. still below the rung at the horizon).
        confidence: Coverage level of the pointwise interval, default 0.95.

    Returns:
        The :class:`KMCurve`.

    Raises:
        ValueError: On mismatched lengths, non-finite or negative times.
    """
    t = np.asarray(times, dtype=float).ravel()
    obs = np.asarray(observed, dtype=bool).ravel()
    if t.shape != obs.shape:
        raise ValueError(f"times and observed differ in length: {t.size} vs {obs.size}")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("kaplan_meier needs finite, non-negative times (censor NaNs at the horizon first)")
    z = normal_quantile(confidence)
    n = int(t.size)

    event_times, d = np.unique(t[obs], return_counts=True)
    # at risk just before t_j: subjects whose time is >= t_j (censored at t_j included)
    sorted_t = np.sort(t)
    n_risk = n - np.searchsorted(sorted_t, event_times, side="left")

    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - d / n_risk)
        green = np.cumsum(d / (n_risk * (n_risk - d)))  # inf once n_j == d_j
        log_s = np.log(surv)
        sigma = np.sqrt(green) / np.abs(log_s)
        lo = surv ** np.exp(z * sigma)
        hi = surv ** np.exp(-z * sigma)
    dead = surv <= 0.0
    lo = np.where(dead, 0.0, lo)
    hi = np.where(dead, 0.0, hi)

    return KMCurve(
        time=_frozen(np.concatenate([[0.0], event_times])),
        survival=_frozen(np.concatenate([[1.0], surv])),
        lo=_frozen(np.concatenate([[1.0], lo])),
        hi=_frozen(np.concatenate([[1.0], hi])),
        n_at_risk=_frozen(np.concatenate([[n], n_risk]).astype(np.int64)),
        n_events=_frozen(np.concatenate([[0], d]).astype(np.int64)),
        n=n,
        n_censored=int(n - obs.sum()),
        confidence=float(confidence),
    )


# --------------------------------------------------------------------------------------------------
# Paired differences (common random numbers)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairedDifference:
    """Mean difference ``mean(a) − mean(b)`` of paired outcomes, with paired and unpaired intervals.

    Attributes:
        n: Number of pairs.
        mean_a: Mean of ``a``.
        mean_b: Mean of ``b``.
        diff: ``mean_a − mean_b`` (= mean of the per-pair differences).
        se: Standard error from the per-pair differences, ``sd(a − b)/sqrt(n)``.
        lo: Lower bound of the paired t interval.
        hi: Upper bound of the paired t interval.
        se_unpaired: Standard error if ``a`` and ``b`` were independent samples,
            ``sqrt(var a/n + var b/n)``.
        unpaired_lo: Lower bound of the Welch t interval on the same data.
        unpaired_hi: Upper bound of the Welch t interval.
        correlation: Pearson correlation of ``a`` and ``b`` (NaN if either is constant).
        confidence: Coverage level.
        method: How the intervals were made: ``"t"`` (paired t, Welch unpaired) or ``"tango"``
            (Tango's paired score interval, Newcombe's unpaired hybrid score interval).
        a_only: Pairs where only A had the outcome (yes/no outcomes only, else None).
        b_only: Pairs where only B had the outcome (yes/no outcomes only, else None).
        spread: With a posterior, what the spread between parameter sets added to the paired interval
            (``lo``/``hi`` and ``unpaired_lo``/``unpaired_hi`` then carry it; ``spread.dice_lo``/``dice_hi``
            hold the paired dice-only interval); None otherwise.
    """

    n: int
    mean_a: float
    mean_b: float
    diff: float
    se: float
    lo: float
    hi: float
    se_unpaired: float
    unpaired_lo: float
    unpaired_hi: float
    correlation: float
    confidence: float
    method: str = "t"
    a_only: int | None = None
    b_only: int | None = None
    spread: Spread | None = None

    @property
    def width(self) -> float:
        """Width of the paired interval."""
        return self.hi - self.lo

    @property
    def unpaired_width(self) -> float:
        """Width the interval would have without pairing."""
        return self.unpaired_hi - self.unpaired_lo

    @property
    def variance_reduction(self) -> float:
        """``1 − se²/se_unpaired²``: share of the variance removed by pairing (NaN if undefined)."""
        if not self.se_unpaired > 0:
            return float("nan")
        return 1.0 - (self.se / self.se_unpaired) ** 2

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN written as None)."""
        out: dict[str, Any] = {"n": int(self.n)}
        for name in (
            "mean_a",
            "mean_b",
            "diff",
            "se",
            "lo",
            "hi",
            "se_unpaired",
            "unpaired_lo",
            "unpaired_hi",
            "correlation",
            "confidence",
        ):
            out[name] = json_float(getattr(self, name))
        out["variance_reduction"] = json_float(self.variance_reduction)
        out["method"] = self.method
        if self.a_only is not None:
            out["a_only"], out["b_only"] = self.a_only, self.b_only
        if self.spread is not None:
            out["parameter_uncertainty"] = self.spread.to_dict()
        return out


def paired_difference(a: ArrayLike, b: ArrayLike, confidence: float = 0.95) -> PairedDifference:
    """Compare two options run on the same random numbers, pair by pair.

    Pair i is replication i of option A and of option B under common random numbers; outcomes may be
    binary (0/1, e.g. "reached rung 3") or real. With ``D_i = a_i − b_i``::

        diff     = mean(D)
        se       = sd(D) / sqrt(n)                          (sd with n − 1 denominator)
        interval = diff ± t_{n−1, 1−α/2} · se

    Since ``Var D = Var a + Var b − 2 Cov(a, b)``, positive correlation between the pairs (which common
    random numbers induce) narrows the interval. For comparison the Welch interval that ignores the
    pairing is also returned::

        se_unpaired = sqrt(var(a)/n + var(b)/n),  df = Welch–Satterthwaite
        interval    = diff ± t_{df, 1−α/2} · se_unpaired

    When a standard error is 0 (e.g. all differences equal) the interval collapses to ``[diff, diff]``;
    with fewer than 2 pairs the intervals are NaN.

    Args:
        a: Outcomes under option A, one per pair.
        b: Outcomes under option B, same length and order.
        confidence: Coverage level, default 0.95.

    Returns:
        The :class:`PairedDifference`.

    Raises:
        ValueError: If ``a`` and ``b`` differ in length, are empty, or hold non-finite values.
    """
    x = np.asarray(a, dtype=float).ravel()
    y = np.asarray(b, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"paired_difference needs equal lengths, got {x.size} and {y.size}")
    if x.size == 0:
        raise ValueError("paired_difference needs at least one pair")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("paired_difference needs finite outcomes")
    normal_quantile(confidence)  # validates confidence
    n = int(x.size)
    diff = float(x.mean() - y.mean())
    nan = float("nan")
    if n < 2:
        m_a, m_b = float(x.mean()), float(y.mean())
        return PairedDifference(n, m_a, m_b, diff, nan, nan, nan, nan, nan, nan, nan, float(confidence))

    q = 0.5 + confidence / 2.0
    se = float(np.std(x - y, ddof=1) / np.sqrt(n))
    half = float(_special.stdtrit(n - 1, q)) * se
    va, vb = float(np.var(x, ddof=1)) / n, float(np.var(y, ddof=1)) / n
    se_u = float(np.sqrt(va + vb))
    if se_u > 0:
        df = (va + vb) ** 2 / ((va * va + vb * vb) / (n - 1))
        half_u = float(_special.stdtrit(df, q)) * se_u
    else:
        half_u = 0.0
    corr = float(np.corrcoef(x, y)[0, 1]) if va > 0 and vb > 0 else nan
    return PairedDifference(
        n=n,
        mean_a=float(x.mean()),
        mean_b=float(y.mean()),
        diff=diff,
        se=se,
        lo=diff - half,
        hi=diff + half,
        se_unpaired=se_u,
        unpaired_lo=diff - half_u,
        unpaired_hi=diff + half_u,
        correlation=corr,
        confidence=float(confidence),
    )


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr = np.ascontiguousarray(arr)
    arr.setflags(write=False)
    return arr


def json_float(v: float) -> float | None:
    """A float for strict JSON: NaN and ±inf become None.

    Args:
        v: Any real number.

    Returns:
        ``float(v)``, or None if it is not finite.
    """
    v = float(v)
    return v if np.isfinite(v) else None


def json_floats(arr: ArrayLike) -> list[float | None]:
    """:func:`json_float` over a flattened array."""
    return [json_float(v) for v in np.asarray(arr, dtype=float).ravel()]


def paired_p_value(difference: PairedDifference, a: ArrayLike, b: ArrayLike) -> float:
    """Two-sided p-value of "no difference" for paired outcomes: McNemar's exact test on the discordant pairs of
    yes/no outcomes (``method`` "tango"), the paired t test otherwise; 1 when no pair differs.

    Args:
        difference: The pairs' :class:`PairedDifference` (its method says which test applies).
        a: Outcomes under option A.
        b: Outcomes under option B, same pairs.

    Returns:
        The p-value in [0, 1].
    """
    from scipy import stats as sp

    if difference.method == "tango":
        discordant = difference.a_only + difference.b_only
        if discordant == 0:
            return 1.0
        return float(sp.binomtest(difference.a_only, discordant, 0.5).pvalue)
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if np.all(d == d[0]):  # no spread: certain of a nonzero difference, or no difference at all
        return 1.0 if d[0] == 0 else 0.0
    return float(sp.ttest_1samp(d, 0.0).pvalue)


def holm(p_values: ArrayLike) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (family-wise error rate control).

    The i-th smallest p-value is multiplied by (m − i + 1), the results made non-decreasing in that order and
    capped at 1; reject at level alpha where the adjusted value is below alpha. (Holm 1979; the same as
    ``statsmodels.stats.multitest.multipletests(method="holm")``, which the tests cross-check.)

    Args:
        p_values: The family's p-values.

    Returns:
        The adjusted p-values, in the input's order.
    """
    p = np.asarray(p_values, dtype=float).ravel()
    m = p.size
    order = np.argsort(p, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    out = np.empty(m)
    out[order] = adjusted
    return out
