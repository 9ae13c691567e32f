"""Response kernels vs plain-Python references, plus monotonicity and severity laws."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels import response as rk

CHECK = settings(deadline=None, max_examples=300)

UNIT = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
P01 = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
RUNG = st.integers(min_value=0, max_value=7)
RATE = st.floats(min_value=0.0, max_value=10.0, allow_nan=False)
DOCTRINE = st.sampled_from([rk.DOCTRINE_RESTRAINED, rk.DOCTRINE_PROPORTIONAL, rk.DOCTRINE_ESCALATE_TO_DOMINATE])


def ref_response(prov, cur, doctrine, resolve, risk, u):
    a = risk * resolve
    if doctrine == 0:
        target = prov if u < a else prov - 1
    elif doctrine == 1:
        target = prov + (1 if u < a * 0.5 else 0)
    else:
        target = prov + 1 + (1 if u < a * 0.5 else 0)
    return min(7, max(0, max(cur, target)))


WEIGHTS = {1: 4.0, 2: 12.0, 3: 28.0, 4: 28.0, 5: 28.0, 6: 60.0, 7: 60.0}


def ref_severity(old, new):
    if new < old:
        return -2.0 * (old - new)
    return float(sum(WEIGHTS[r] for r in range(old + 1, new + 1)))


def test_doctrine_constants():
    assert (rk.DOCTRINE_RESTRAINED, rk.DOCTRINE_PROPORTIONAL, rk.DOCTRINE_ESCALATE_TO_DOMINATE) == (0, 1, 2)
    assert rk.MAX_RUNG == 7


@CHECK
@given(RUNG, RUNG, DOCTRINE, P01, P01, UNIT)
def test_response_rung_matches_reference(prov, cur, doctrine, resolve, risk, u):
    got = rk.response_rung(prov, cur, doctrine, resolve, risk, u)
    assert got == ref_response(prov, cur, doctrine, resolve, risk, u)
    assert cur <= got <= 7


@CHECK
@given(RUNG, RUNG, RUNG, DOCTRINE, P01, P01, UNIT)
def test_response_rung_monotone_in_provocation(p1, p2, cur, doctrine, resolve, risk, u):
    lo, hi = sorted((p1, p2))
    low = rk.response_rung(lo, cur, doctrine, resolve, risk, u)
    assert low <= rk.response_rung(hi, cur, doctrine, resolve, risk, u)


@CHECK
@given(RUNG, RUNG, P01, P01, UNIT)
def test_doctrines_ordered(prov, cur, resolve, risk, u):
    r = [rk.response_rung(prov, cur, d, resolve, risk, u) for d in (0, 1, 2)]
    assert r[0] <= r[1] <= r[2]


def test_response_rung_table():
    # resolve = risk_tolerance = 0.5: a = 0.25, a / 2 = 0.125.
    r = 0.5
    assert rk.response_rung(3, 0, rk.DOCTRINE_RESTRAINED, r, r, 0.3) == 2
    assert rk.response_rung(3, 0, rk.DOCTRINE_RESTRAINED, r, r, 0.2) == 3
    assert rk.response_rung(3, 0, rk.DOCTRINE_PROPORTIONAL, r, r, 0.2) == 3
    assert rk.response_rung(3, 0, rk.DOCTRINE_PROPORTIONAL, r, r, 0.1) == 4
    assert rk.response_rung(3, 0, rk.DOCTRINE_ESCALATE_TO_DOMINATE, r, r, 0.2) == 4
    assert rk.response_rung(3, 0, rk.DOCTRINE_ESCALATE_TO_DOMINATE, r, r, 0.1) == 5
    assert rk.response_rung(7, 0, rk.DOCTRINE_ESCALATE_TO_DOMINATE, 1.0, 1.0, 0.0) == 7
    assert rk.response_rung(0, 0, rk.DOCTRINE_RESTRAINED, 0.0, 0.0, 0.5) == 0
    assert rk.response_rung(1, 5, rk.DOCTRINE_RESTRAINED, 0.0, 0.0, 0.5) == 5


def test_response_rung_unknown_doctrine():
    with pytest.raises(ValueError):
        rk.response_rung(3, 0, 9, 0.5, 0.5, 0.5)


@CHECK
@given(st.floats(0.0, 10.0), st.floats(0.0, 1.0), P01, RUNG, RUNG, st.floats(0.0, 3.0))
def test_escalation_hazard(base, onset, resolve, own, other, gain):
    got = rk.escalation_hazard_per_day(base, onset, resolve, own, other, gain)
    if own >= 7:
        want = 0.0
    elif own == 0 and other == 0:
        want = onset
    else:
        want = base * (0.5 + resolve) * (1.0 + gain * max(0, other - own))
    assert got == want
    assert got >= 0.0


@CHECK
@given(st.floats(0.0, 10.0), P01, st.integers(1, 7), RUNG, RUNG, st.floats(0.0, 3.0))
def test_escalation_hazard_grows_with_the_others_posture(base, resolve, own, a1, a2, gain):
    lo, hi = sorted((a1, a2))
    assert rk.escalation_hazard_per_day(base, 0.0, resolve, own, lo, gain) <= rk.escalation_hazard_per_day(
        base, 0.0, resolve, own, hi, gain
    )


def test_a_crisis_opens_from_peace_only_at_the_onset_hazard():
    assert rk.escalation_hazard_per_day(0.015, 0.0002, 0.5, 0, 0, 0.5) == 0.0002
    # once the other side presses, the crisis hazard with its spiral applies
    assert rk.escalation_hazard_per_day(0.015, 0.0002, 0.5, 0, 2, 0.5) == 0.015 * 1.0 * 2.0


@CHECK
@given(st.floats(0.0, 1.0), st.floats(0.0, 3.0), st.floats(0.0, 2.0), st.integers(0, 7), st.integers(0, 50), P01)
def test_ending_hazard(base, decay, gain, level, incidents, bonus):
    got = rk.ending_hazard_per_day(base, decay, gain, level, incidents, bonus)
    want = 0.0 if level == 0 else base * math.exp(-decay * (level - 1)) * (1 + gain * incidents) * (1 + bonus)
    assert got == want
    if level >= 1:
        assert rk.ending_hazard_per_day(base, decay, gain, min(level + 1, 7), incidents, bonus) <= got or level == 7
        assert rk.ending_hazard_per_day(base, decay, gain, level, incidents + 1, bonus) >= got


@CHECK
@given(st.floats(0.0, 10.0), P01, RUNG, RUNG, st.floats(0.0, 3.0))
def test_de_escalation_hazard(base, resolve, own, adv, bonus):
    got = rk.de_escalation_hazard_per_day(base, resolve, own, adv, bonus)
    want = base * (1.5 - resolve) * (1.0 + bonus) if (own >= adv and own > 0) else 0.0
    assert got == want
    assert got >= 0.0


def test_de_escalation_hazard_gate():
    assert rk.de_escalation_hazard_per_day(1.0, 0.5, 0, 0, 0.0) == 0.0  # nothing to come down from
    assert rk.de_escalation_hazard_per_day(1.0, 0.5, 2, 3, 0.0) == 0.0  # below an adversary
    assert rk.de_escalation_hazard_per_day(1.0, 0.5, 3, 3, 0.0) == 1.0  # level with the adversary
    assert rk.de_escalation_hazard_per_day(1.0, 0.5, 4, 3, 1.0) == 2.0


@CHECK
@given(st.floats(0.0, 1e3), st.floats(0.0, 240.0))
def test_hazard_probability(rate, dt):
    got = rk.hazard_probability(rate, dt)
    assert got == pytest.approx(1.0 - math.exp(-rate * dt / 24.0), rel=1e-12, abs=1e-16)
    assert got == pytest.approx(-math.expm1(-rate * dt / 24.0), rel=1e-12, abs=0.0)
    assert 0.0 <= got <= 1.0


def test_hazard_probability_small_rate_accuracy():
    # -expm1 keeps full relative precision where 1 - exp(.) would cancel.
    assert rk.hazard_probability(1e-12, 24.0) == pytest.approx(1e-12, rel=1e-11)


@given(RUNG, RUNG)
def test_severity_matches_reference(old, new):
    assert rk.severity_of_step(old, new) == ref_severity(old, new)


def test_severity_known_values():
    assert rk.severity_of_step(0, 0) == 0.0
    assert rk.severity_of_step(0, 1) == 4.0
    assert rk.severity_of_step(1, 2) == 12.0
    assert rk.severity_of_step(2, 5) == 84.0
    assert rk.severity_of_step(0, 7) == 4 + 12 + 3 * 28 + 2 * 60
    assert rk.severity_of_step(7, 0) == -14.0
    assert [rk.severity_weight(r) for r in range(-1, 9)] == [0, 0, 4, 12, 28, 28, 28, 60, 60, 60]


@given(RUNG, RUNG, RUNG)
def test_severity_additive_along_monotone_paths(a, b, c):
    lo, mid, hi = sorted((a, b, c))
    up = rk.severity_of_step(lo, mid) + rk.severity_of_step(mid, hi)
    assert up == rk.severity_of_step(lo, hi)
    down = rk.severity_of_step(hi, mid) + rk.severity_of_step(mid, lo)
    assert down == rk.severity_of_step(hi, lo)


@given(RUNG, RUNG)
def test_severity_up_then_down(a, b):
    lo, hi = sorted((a, b))
    up, down = rk.severity_of_step(lo, hi), rk.severity_of_step(hi, lo)
    assert up >= 0.0
    assert down == -2.0 * (hi - lo)
    assert up + down >= 0.0  # climbing always weighs more than coming back down
    assert (up + down == 0.0) == (lo == hi)


# --------------------------------------------------------------------------- the firebreak


@given(st.integers(0, 7), RATE, RATE, RATE, RATE)
def test_each_step_above_the_firebreak_has_a_hazard_of_its_own(own, base, h5, h6, h7):
    got = rk.step_base(own, base, h5, h6, h7)
    assert got == (base if own < 4 else h5 if own == 4 else h6 if own == 5 else h7 if own == 6 else 0.0)


@given(st.integers(0, 7), RATE)
def test_nuclear_signalling_is_open_from_a_limited_kinetic_incident_without_strategic_strikes(own, h6):
    """The alerts of 1962 and 1973 came in crises that never reached rung 5: the jump to 6 is open at 3-4."""
    assert rk.signal_base(own, h6) == (h6 if 3 <= own <= 4 else 0.0)


@given(
    st.integers(5, 7),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.floats(1.0, 10.0),
    st.integers(0, 3),
)
def test_crossing_probability_grows_with_the_stakes_and_is_a_probability(rung, q5, q6, q7, factor, stakes):
    got = rk.crossing_probability(rung, q5, q6, q7, factor, stakes)
    q = {5: q5, 6: q6, 7: q7}[rung]
    assert got == pytest.approx(min(1.0, q * factor**stakes), rel=1e-12)
    assert 0.0 <= got <= 1.0
    assert rk.crossing_probability(rung, q5, q6, q7, factor, stakes + 1) >= got


def test_below_the_firebreak_there_is_no_threshold_to_cross():
    for rung in range(0, 5):
        assert rk.crossing_probability(rung, 0.0, 0.0, 0.0, 3.0, 0) == 1.0
    assert rk.stakes_multiplier(3.0, 0) == 1.0 and rk.stakes_multiplier(3.0, 2) == 9.0
