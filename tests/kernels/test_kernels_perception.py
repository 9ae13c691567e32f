"""Perception kernels vs plain-Python references, plus the laws they must obey."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.kernels import perception as pk

CHECK = settings(deadline=None, max_examples=200)

X = st.floats(min_value=-40.0, max_value=40.0, allow_nan=False)
DPRIME = st.floats(min_value=0.0, max_value=8.0, allow_nan=False)
LAM = st.floats(min_value=-6.0, max_value=10.0, allow_nan=False)
PROB = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def ref_phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def ref_posterior(prior: float, d: float, lam: float) -> float:
    hit = prior * ref_phi(d - lam)
    denom = hit + (1.0 - prior) * ref_phi(-lam)
    return 0.0 if denom <= 0.0 else hit / denom


def close(a: float, b: float) -> bool:
    return a == pytest.approx(b, rel=1e-12, abs=1e-300)


@CHECK
@given(X)
def test_norm_cdf(x):
    got = pk.norm_cdf(x)
    assert close(got, ref_phi(x))
    assert got == pytest.approx(stats.norm.cdf(x), rel=1e-12, abs=1e-300)
    assert 0.0 <= got <= 1.0


def test_norm_cdf_known_values():
    assert pk.norm_cdf(0.0) == 0.5
    assert pk.norm_cdf(1.959963984540054) == pytest.approx(0.975, rel=1e-14)
    assert pk.norm_cdf(-8.0) == pytest.approx(6.22096057427178e-16, rel=1e-12)


@CHECK
@given(DPRIME, LAM)
def test_p_detect_and_false_alarm(d, lam):
    assert close(pk.p_detect(d, lam), ref_phi(d - lam))
    assert close(pk.p_false_alarm(lam), ref_phi(-lam))
    # d' >= 0 => detection at least as likely as a false alarm.
    assert pk.p_detect(d, lam) >= pk.p_false_alarm(lam)


@CHECK
@given(DPRIME, DPRIME, LAM)
def test_p_detect_increasing_in_dprime(d1, d2, lam):
    lo, hi = sorted((d1, d2))
    assert pk.p_detect(lo, lam) <= pk.p_detect(hi, lam)


@CHECK
@given(DPRIME, LAM, LAM)
def test_p_detect_and_false_alarm_decreasing_in_lambda(d, l1, l2):
    lo, hi = sorted((l1, l2))
    assert pk.p_detect(d, lo) >= pk.p_detect(d, hi)
    assert pk.p_false_alarm(lo) >= pk.p_false_alarm(hi)


@CHECK
@given(PROB, DPRIME, LAM)
def test_posterior_hostile(prior, d, lam):
    got = pk.posterior_hostile(prior, d, lam)
    assert close(got, ref_posterior(prior, d, lam))
    assert 0.0 <= got <= 1.0


def test_posterior_edge_cases():
    assert pk.posterior_hostile(0.0, 2.0, 1.0) == 0.0
    assert pk.posterior_hostile(1.0, 2.0, 1.0) == 1.0
    assert pk.posterior_hostile(0.5, 0.0, 1.0) == pytest.approx(0.5, rel=1e-15)  # uninformative sensor
    # Both rates underflow to 0: denominator 0 -> 0.
    assert pk.posterior_hostile(0.5, 0.0, 60.0) == 0.0


@CHECK
@given(PROB, PROB, DPRIME, LAM)
def test_posterior_increasing_in_prior(p1, p2, d, lam):
    lo, hi = sorted((p1, p2))
    assert pk.posterior_hostile(lo, d, lam) <= pk.posterior_hostile(hi, d, lam) + 1e-15


@CHECK
@given(LAM, st.integers(0, 7), st.floats(0.0, 1.0), st.floats(-2.0, 2.0))
def test_roe_threshold(base, rung, shift, extra):
    assert pk.roe_threshold(base, rung, shift, extra) == base - shift * rung + extra
    if rung < 7:
        assert pk.roe_threshold(base, rung + 1, shift, extra) <= pk.roe_threshold(base, rung, shift, extra)


@CHECK
@given(PROB, st.floats(0.0, 10.0), st.floats(-5.0, 1e3))
def test_catch_probability(base, bias, load):
    got = pk.catch_probability(base, bias, load)
    assert got == base / (1.0 + bias * max(0.0, load))
    assert 0.0 <= got <= base


@CHECK
@given(PROB, st.floats(0.0, 10.0), st.floats(0.0, 1e3), st.floats(0.0, 1e3))
def test_catch_probability_decreasing_with_load(base, bias, l1, l2):
    lo, hi = sorted((l1, l2))
    assert pk.catch_probability(base, bias, hi) <= pk.catch_probability(base, bias, lo)


@CHECK
@given(PROB, st.floats(0.0, 2.0), st.floats(0.0, 5.0), st.booleans())
def test_misattribution_probability(base, per, level, recipient):
    got = pk.misattribution_probability(base, per, level, recipient)
    want = min(1.0, base + (per * level if recipient else 0.0))
    assert got == want
    assert got <= 1.0
    assert pk.misattribution_probability(base, per, level, True) >= pk.misattribution_probability(
        base, per, level, False
    )


@CHECK
@given(PROB, st.floats(0.0, 2.0), st.floats(0.0, 5.0), st.floats(0.0, 5.0))
def test_misattribution_increasing_in_proliferation(base, per, l1, l2):
    assume(l1 != l2)
    lo, hi = sorted((l1, l2))
    assert pk.misattribution_probability(base, per, lo, True) <= pk.misattribution_probability(base, per, hi, True)
