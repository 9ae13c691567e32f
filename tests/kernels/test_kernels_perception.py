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
@given(PROB, st.floats(0.0, 1.0), st.integers(0, 7))
def test_hostile_share(base, per_rung, posture):
    got = pk.hostile_share(base, per_rung, posture)
    assert got == min(1.0, base + per_rung * posture)
    assert pk.hostile_share(base, per_rung, min(posture + 1, 7)) >= got


@CHECK
@given(DPRIME, st.floats(0.0, 3600.0), st.floats(1.0, 600.0))
def test_operator_d_prime_under_time_pressure(d_full, seconds, tau):
    got = pk.human_d_prime(d_full, seconds, tau)
    assert got == (0.0 if seconds <= 0.0 else d_full * seconds / (seconds + tau))
    assert 0.0 <= got <= d_full
    assert pk.human_d_prime(d_full, seconds + 10.0, tau) >= got  # more time, sharper judgement
    assert pk.human_d_prime(d_full, tau, tau) == pytest.approx(d_full / 2)


def ref_automation_bias(beta: float, most: float, load: float) -> float:
    if load <= 0 or beta <= 0 or most <= 0:
        return 0.0
    return most * (1.0 - math.exp(-beta * load / most))


@CHECK
@given(
    DPRIME,
    DPRIME,
    st.floats(0.0, 1.0),
    st.floats(-3.0, 3.0),
    st.floats(0.0, 5.0),
    st.floats(0.0, 10.0),
    st.floats(0.0, 20.0),
)
def test_operator_criterion_is_bayes_with_a_bias_and_automation_bias(d, d_full, q, bias, beta, most, load):
    got = pk.human_criterion(d, d_full, q, bias, beta, most, load)
    qc = min(max(q, 1e-12), 1 - 1e-12)
    shift = math.log((1 - qc) / qc) / max(d_full, pk.HUMAN_MIN_D_PRIME)
    shift = min(max(shift, -pk.HUMAN_PRIOR_CAP), pk.HUMAN_PRIOR_CAP)
    assert got == pytest.approx(0.5 * d + bias + shift - ref_automation_bias(beta, most, load), abs=1e-12)
    # a loaded operator defers to the machine; a more credible call is approved more easily
    assert pk.human_criterion(d, d_full, q, bias, beta, most, load + 1.0) <= got
    assert pk.human_criterion(d, d_full, min(q + 0.1, 1.0), bias, beta, most, load) <= got + 1e-12


@CHECK
@given(st.floats(0.0, 10.0), st.floats(0.0, 10.0), st.floats(0.0, 1e6))
def test_automation_bias_rises_with_load_and_saturates(beta, most, load):
    """A(L) = A_max (1 - exp(-beta L / A_max)): 0 at no load, slope beta at light load, never above A_max."""
    got = pk.automation_bias(beta, most, load)
    assert got == pytest.approx(ref_automation_bias(beta, most, load), rel=1e-12, abs=1e-15)
    assert 0.0 <= got <= most
    assert pk.automation_bias(beta, most, load + 1.0) >= got
    if beta > 0 and most > 1e-3:
        assert pk.automation_bias(beta, most, 1e-9) == pytest.approx(beta * 1e-9, rel=1e-6)


def test_no_load_makes_an_operator_approve_a_call_the_base_rate_says_is_false():
    """The bound docs/model.md §8 states: with q -> 0 (the prior's shift capped at +3) and any load, the
    criterion is at least d'/2 + b + 3 - A_max, so P(approve | benign) <= Phi(-(d'/2 + b + 3 - A_max))."""
    beta, most = 0.3, 1.5
    for seconds, bias, bound in ((222.0, 0.0, 0.0112), (20.0, -1.0, 0.227)):
        d = pk.human_d_prime(2.0, seconds, 60.0)
        for load in (0.0, 1.0, 12.5, 50.0, 1e6):
            lam = pk.human_criterion(d, 2.0, 1e-9, bias, beta, most, load)
            assert pk.p_human_approves(False, d, lam) <= bound
    # with a ceiling far away (nearly the old linear law) one operator before a 200-drone raid (50 tracks)
    # approves what the base rate says is false
    d = pk.human_d_prime(2.0, 222.0, 60.0)
    assert pk.p_human_approves(False, d, pk.human_criterion(d, 2.0, 1e-9, 0.0, 0.3, 10.0, 50.0)) > 0.9


def test_the_bayes_optimal_operator_minimises_errors_when_the_prior_is_even():
    """With q = 1/2, full time and no bias the criterion is d'/2: the midpoint, which minimises total errors."""
    assert pk.human_criterion(2.0, 2.0, 0.5, 0.0, 0.0, 0.0, 0.0) == pytest.approx(1.0)


def test_an_operator_with_no_time_approves_at_random():
    """No time, no evidence: hostile and benign contacts are approved alike."""
    lam = pk.human_criterion(0.0, 2.0, 0.2, -1.0, 0.0, 0.0, 0.0)
    assert pk.p_human_approves(True, 0.0, lam) == pk.p_human_approves(False, 0.0, lam)


@CHECK
@given(DPRIME, LAM)
def test_operator_alone_approves_as_an_equal_variance_observer(d, lam):
    """Closed form: evidence N(d', 1) for a hostile contact, N(0, 1) for a benign one, approve above lambda."""
    assert pk.p_human_approves(True, d, lam) == pytest.approx(stats.norm.sf(lam, loc=d), abs=1e-12)
    assert pk.p_human_approves(False, d, lam) == pytest.approx(stats.norm.sf(lam), abs=1e-12)
    assert pk.p_human_approves(True, d, lam) >= pk.p_human_approves(False, d, lam)


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


@CHECK
@given(st.floats(1e-300, 1.0 - 1e-16))
def test_norm_ppf_inverts_norm_cdf_to_double_precision(p):
    x = pk.norm_ppf(p)
    assert x == pytest.approx(stats.norm.ppf(p), rel=1e-13, abs=1e-13)


def test_norm_ppf_edges():
    assert pk.norm_ppf(0.0) == -math.inf and pk.norm_ppf(1.0) == math.inf
    assert pk.norm_ppf(0.5) == 0.0
    assert pk.norm_ppf(0.975) == pytest.approx(1.959963984540054, rel=1e-15)


@CHECK
@given(
    st.one_of(st.just(0.0), st.floats(1e-300, 1.0)),  # normal doubles; subnormal p: see the test after this one
    st.floats(0.0, 8.0),
    st.floats(0.0, 1e4),
    st.floats(0.01, 100.0),
)
def test_a_hurried_judge_errs_more_in_the_form_of_the_operators_d_prime(p, d_full, hours, tau):
    """error(t) = Phi(Phi^-1(p) + d'/2 tau/(t + tau)): p with unlimited time, Phi(Phi^-1(p) + d'/2) with none,
    rising as time shrinks; the judge's sensitivity is d' t/(t + tau) with its criterion fixed."""
    got = pk.hurried_error(p, d_full, hours, tau)
    if 0.0 < p < 1.0:
        ref = stats.norm.cdf(stats.norm.ppf(p) + 0.5 * d_full * tau / (hours + tau))
        assert got == pytest.approx(ref, rel=1e-10, abs=1e-300)
    assert p <= got + 1e-15 <= 1.0 + 1e-15
    assert pk.hurried_error(p, d_full, hours * 0.5, tau) >= got - 1e-15
    assert pk.hurried_error(p, d_full, 1e12, tau) == pytest.approx(p, rel=1e-6, abs=1e-12)


def test_hurried_error_is_the_operators_criterion_law():
    """Same judge, same criterion: at t = tau it has half its d', so its error is Phi(z + d'/4)."""
    p, d = 0.03, 3.0
    z = stats.norm.ppf(p)
    assert pk.hurried_error(p, d, 1.0, 1.0) == pytest.approx(stats.norm.cdf(z + d / 4), rel=1e-12)
    assert pk.hurried_error(p, d, 0.0, 1.0) == pytest.approx(stats.norm.cdf(z + d / 2), rel=1e-12)


def test_norm_ppf_of_a_subnormal_probability_is_finite():
    """Found by hypothesis: at p = 5e-324 the refinement step overflowed and gave NaN. Below ~1e-308 (subnormal
    doubles, a few bits of precision) the quantile is the rational approximation alone: finite, not refined."""
    for p in (5e-324, 1e-310, 1e-300):
        x = pk.norm_ppf(p)
        assert math.isfinite(x) and x < -37.0
        assert pk.hurried_error(p, 0.0, 0.0, 1.0) == pytest.approx(p, abs=1e-300)
