"""Tests of sim.experiments.stats: Wilson interval, Kaplan–Meier, paired differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from sim.experiments import stats
from sim.experiments.paired_proportions import paired_proportion_difference
from sim.experiments.stats import (
    INTERVALS,
    binomial_interval,
    kaplan_meier,
    normal_quantile,
    paired_difference,
    wilson_interval,
)

Z95 = 1.959963984540054


# --------------------------------------------------------------------------------------------------
# Wilson
# --------------------------------------------------------------------------------------------------


def _wilson_reference(x: int, n: int, z: float) -> tuple[float, float]:
    """Wilson bounds as the roots of the score-test quadratic.

    (p̂ − p)² = z² p (1 − p) / n   ⇔   (1 + z²/n) p² − (2p̂ + z²/n) p + p̂² = 0.
    """
    ph = x / n
    a = 1.0 + z * z / n
    b = -(2.0 * ph + z * z / n)
    c = ph * ph
    disc = math.sqrt(b * b - 4.0 * a * c)
    return (-b - disc) / (2.0 * a), (-b + disc) / (2.0 * a)


def test_normal_quantile_95() -> None:
    assert normal_quantile(0.95) == pytest.approx(Z95, abs=1e-12)
    with pytest.raises(ValueError):
        normal_quantile(1.0)


def test_wilson_known_values() -> None:
    # 3/10 at 95%: the textbook value [0.1078, 0.6032]; 0/10: upper bound 0.2775.
    lo, hi = wilson_interval(3, 10)
    assert lo == pytest.approx(0.10779, abs=5e-5)
    assert hi == pytest.approx(0.60322, abs=5e-5)
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.27753), abs=5e-5)
    assert wilson_interval(10, 10) == pytest.approx((0.72247, 1.0), abs=5e-5)


@pytest.mark.parametrize(("x", "n"), [(1, 1), (0, 5), (2, 7), (17, 40), (500, 1000), (999, 1000), (3, 3)])
def test_wilson_matches_quadratic_reference(x: int, n: int) -> None:
    lo, hi = wilson_interval(x, n)
    ref_lo, ref_hi = _wilson_reference(x, n, Z95)
    assert lo == pytest.approx(ref_lo, abs=1e-12)
    assert hi == pytest.approx(ref_hi, abs=1e-12)


def test_wilson_edge_cases() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    lo, hi = wilson_interval(0, 25)
    assert lo == 0.0 and hi > 0.0
    lo, hi = wilson_interval(25, 25)
    assert hi == 1.0 and lo < 1.0
    for x, n in [(-1, 5), (6, 5)]:
        with pytest.raises(ValueError):
            wilson_interval(x, n)


def test_wilson_vectorised_matches_scalar() -> None:
    x = np.array([[0, 1, 5], [10, 3, 0]])
    n = np.array([[10, 10, 10], [10, 4, 0]])
    lo, hi = wilson_interval(x, n)
    assert lo.shape == hi.shape == (2, 3)
    for idx in np.ndindex(x.shape):
        assert (lo[idx], hi[idx]) == pytest.approx(wilson_interval(int(x[idx]), int(n[idx])), abs=1e-15)
    lo_b, _ = wilson_interval(np.arange(11), 10)  # broadcast scalar n
    assert lo_b.shape == (11,) and np.all(np.diff(lo_b) > 0)


def test_wilson_coverage_is_near_nominal() -> None:
    rng = np.random.default_rng(20260101)
    n, draws = 150, 3000
    covered = []
    for p in (0.05, 0.2, 0.5, 0.8):
        x = rng.binomial(n, p, size=draws)
        lo, hi = wilson_interval(x, n)
        covered.append((lo <= p) & (p <= hi))
    coverage = float(np.mean(covered))
    assert 0.935 <= coverage <= 0.965, coverage


def test_rare_event_coverage_of_the_three_intervals() -> None:
    """Exact coverage at p = 0.0005, n = 1,000 (half a run expected): Wilson dips to 0.91, Jeffreys and
    Clopper–Pearson stay above 95% (what docs/experiments.md says about when to switch)."""
    from scipy.stats import binom

    n, p = 1000, 0.0005
    x = np.arange(n + 1)
    weight = binom.pmf(x, n, p)
    coverage = {}
    for name in INTERVALS:
        lo, hi = binomial_interval(x, n, name)
        coverage[name] = float(weight[(lo <= p) & (p <= hi)].sum())
    assert coverage["wilson"] < 0.92 and coverage["jeffreys"] > 0.95 and coverage["clopper-pearson"] > 0.95


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 3000), frac=st.floats(0.0, 1.0), name=st.sampled_from(INTERVALS))
def test_every_interval_holds_the_estimate_and_widens_with_confidence(n: int, frac: float, name: str) -> None:
    x = round(frac * n)
    lo, hi = binomial_interval(x, n, name)
    if n == 0:
        assert (lo, hi) == (0.0, 1.0)
        return
    assert 0.0 <= lo <= x / n <= hi <= 1.0
    assert (lo == 0.0) == (x == 0) and (hi == 1.0) == (x == n)
    lo99, hi99 = binomial_interval(x, n, name, 0.999)
    assert lo99 <= lo + 1e-12 and hi <= hi99 + 1e-12


def test_an_unknown_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="jeffreys"):
        binomial_interval(1, 10, "wald")


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 5000), frac=st.floats(0.0, 1.0), conf=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_properties(n: int, frac: float, conf: float) -> None:
    x = round(frac * n)
    lo, hi = wilson_interval(x, n, conf)
    assert 0.0 <= lo <= x / n <= hi <= 1.0
    lo99, hi99 = wilson_interval(x, n, 0.999)
    assert lo99 <= lo + 1e-15 and hi <= hi99 + 1e-15


# --------------------------------------------------------------------------------------------------
# Kaplan–Meier
# --------------------------------------------------------------------------------------------------


def test_km_hand_computed_with_censoring_and_ties() -> None:
    # t:   1  2  2  3  4  4  5      (hours)
    # obs: E  E  C  E  C  E  C      ties at 2 and 4: the event counts, the censored subject is at risk
    times = [1, 2, 2, 3, 4, 4, 5]
    observed = [True, True, False, True, False, True, False]
    km = kaplan_meier(times, observed)
    np.testing.assert_array_equal(km.time, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(km.n_at_risk, [7, 7, 6, 4, 3])
    np.testing.assert_array_equal(km.n_events, [0, 1, 1, 1, 1])
    expected = [1.0, 6 / 7, 6 / 7 * 5 / 6, 6 / 7 * 5 / 6 * 3 / 4, 6 / 7 * 5 / 6 * 3 / 4 * 2 / 3]
    np.testing.assert_allclose(km.survival, expected, rtol=1e-14)
    assert km.n == 7 and km.n_censored == 3
    # log-log interval at t = 3, by hand: Greenwood sum Σ d/(n(n-d)) = 1/42 + 1/30 + 1/12
    s = 15 / 28
    green = 1 / (7 * 6) + 1 / (6 * 5) + 1 / (4 * 3)
    sigma = math.sqrt(green) / abs(math.log(s))
    assert km.lo[3] == pytest.approx(s ** math.exp(Z95 * sigma), rel=1e-12)
    assert km.hi[3] == pytest.approx(s ** math.exp(-Z95 * sigma), rel=1e-12)
    assert km.lo[0] == km.hi[0] == 1.0
    assert np.all(km.lo <= km.survival) and np.all(km.survival <= km.hi)
    # right-continuous step evaluation
    assert km.survival_at(0.5) == 1.0
    assert km.survival_at(2.0) == pytest.approx(5 / 7)
    assert km.survival_at(100.0) == pytest.approx(5 / 14)
    np.testing.assert_allclose(km.cumulative_at([1.0, 3.5]), [1 / 7, 13 / 28])
    assert km.median == 4.0  # first time S <= 0.5
    assert km.quantile(0.25) == 2.0


def test_km_equals_empirical_cdf_without_censoring() -> None:
    rng = np.random.default_rng(7)
    times = rng.integers(0, 30, size=200).astype(float)  # many ties, some at t = 0
    km = kaplan_meier(times, np.ones(times.size, dtype=bool))
    grid = np.arange(0.0, 31.0, 0.5)
    ecdf = np.array([np.mean(times <= g) for g in grid])
    np.testing.assert_allclose(km.cumulative_at(grid), ecdf, atol=1e-12)
    assert km.survival[-1] == 0.0
    assert km.lo[-1] == km.hi[-1] == 0.0
    assert np.all(np.isfinite(km.lo)) and np.all(np.isfinite(km.hi))


def test_km_all_censored_and_empty() -> None:
    km = kaplan_meier([10.0, 10.0, 10.0], [False, False, False])
    np.testing.assert_array_equal(km.time, [0.0])
    np.testing.assert_array_equal(km.survival, [1.0])
    assert math.isnan(km.median)
    assert km.n_censored == 3
    empty = kaplan_meier([], [])
    assert empty.n == 0 and empty.survival_at(5.0) == 1.0


def test_km_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        kaplan_meier([1.0, np.nan], [True, False])
    with pytest.raises(ValueError):
        kaplan_meier([1.0, 2.0], [True])
    with pytest.raises(ValueError):
        kaplan_meier([-1.0], [True])


def test_km_interval_covers_truth_roughly() -> None:
    # exponential event times censored at a horizon: pointwise coverage of S(t0) near 95%
    rng = np.random.default_rng(11)
    t0, horizon, rate = 5.0, 12.0, 0.08
    truth = math.exp(-rate * t0)
    hits = 0
    reps = 400
    for _ in range(reps):
        t = rng.exponential(1 / rate, size=80)
        obs = t <= horizon
        km = kaplan_meier(np.minimum(t, horizon), obs)
        i = np.searchsorted(km.time, t0, side="right") - 1
        hits += km.lo[i] <= truth <= km.hi[i]
    assert 0.91 <= hits / reps <= 0.985


def test_km_to_dict_is_plain() -> None:
    d = kaplan_meier([1.0, 2.0, 3.0], [True, False, True]).to_dict()
    assert list(d) == [
        "n",
        "n_censored",
        "confidence",
        "median_hours",
        "time_hours",
        "survival",
        "lo",
        "hi",
        "n_at_risk",
        "n_events",
    ]
    assert d["median_hours"] == 3.0 and d["n_at_risk"] == [3, 3, 1]


# --------------------------------------------------------------------------------------------------
# paired differences
# --------------------------------------------------------------------------------------------------


def test_paired_binary_common_random_numbers_is_narrower() -> None:
    rng = np.random.default_rng(2026)
    u = rng.random(2000)  # the common random number of each replication
    a = (u < 0.30).astype(float)  # option A: escalation if u < 0.30
    b = (u < 0.25).astype(float)  # option B: same draws, lower threshold
    res = paired_difference(a, b)
    assert res.n == 2000
    assert res.diff == pytest.approx(a.mean() - b.mean())
    assert res.lo < res.diff < res.hi
    assert res.width < 0.6 * res.unpaired_width
    assert res.correlation > 0.5
    assert 0.5 < res.variance_reduction < 1.0
    assert res.lo <= 0.05 <= res.hi


def test_paired_matches_scipy_t_intervals() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=60)
    a = base + rng.normal(0.3, 0.5, size=60)
    b = base + rng.normal(0.0, 0.5, size=60)
    res = paired_difference(a, b, confidence=0.9)
    ci = sps.ttest_rel(a, b).confidence_interval(0.9)
    assert (res.lo, res.hi) == pytest.approx((ci.low, ci.high), rel=1e-10)
    ci_u = sps.ttest_ind(a, b, equal_var=False).confidence_interval(0.9)
    assert (res.unpaired_lo, res.unpaired_hi) == pytest.approx((ci_u.low, ci_u.high), rel=1e-10)
    assert res.width < res.unpaired_width


def test_paired_degenerate_cases() -> None:
    same = paired_difference([1, 0, 1], [1, 0, 1])
    assert same.diff == 0.0 and same.lo == same.hi == 0.0
    one = paired_difference([1.0], [0.0])
    assert one.diff == 1.0 and math.isnan(one.lo)
    const = paired_difference([1, 1, 1], [0, 0, 0])
    assert const.lo == const.hi == 1.0 and math.isnan(const.correlation)
    assert const.to_dict()["correlation"] is None
    with pytest.raises(ValueError):
        paired_difference([1, 2], [1])
    with pytest.raises(ValueError):
        paired_difference([], [])


# --------------------------------------------------------------------------- multiple comparisons


@settings(deadline=None, max_examples=100)
@given(st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=40))
def test_holm_equals_statsmodels(p):
    from statsmodels.stats.multitest import multipletests

    assert np.allclose(stats.holm(p), multipletests(p, method="holm")[1], rtol=1e-12, atol=1e-15)


def test_paired_p_values_are_mcnemar_exact_and_the_paired_t_test():
    from scipy import stats as sp

    a = np.array([1] * 30 + [0] * 60 + [1] * 5 + [0] * 5)
    b = np.array([1] * 30 + [0] * 60 + [0] * 5 + [1] * 0 + [0] * 5)
    d = paired_proportion_difference(a, b)
    assert stats.paired_p_value(d, a, b) == pytest.approx(sp.binomtest(5, 5, 0.5).pvalue)
    x = np.linspace(0, 1, 50)
    y = x + np.sin(np.arange(50))
    assert stats.paired_p_value(stats.paired_difference(y, x), y, x) == pytest.approx(sp.ttest_1samp(y - x, 0).pvalue)
    assert stats.paired_p_value(stats.paired_difference(x, x), x, x) == 1.0
