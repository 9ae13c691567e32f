"""Kernels of Model 2.0 part 2 against plain-Python references and their laws: the human-control norm,
fresh debris, ISR blindness and blind spots, replenishment, the capability balance, proliferation and raids."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels import command, norms, perception, space
from sim.kernels import technology as tk

CHECK = settings(deadline=None, max_examples=200)
P01 = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
RATE = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)


# --------------------------------------------------------------------------- the human-control norm


@CHECK
@given(RATE)
def test_deterrence_is_the_chance_of_detection_within_a_week(rate):
    assert norms.deterrence(rate) == pytest.approx(1.0 - math.exp(-7.0 * rate), abs=1e-15)


def test_deterrence_of_the_three_verification_methods():
    # inspection 0.02/day, telemetry 0.2/day, attestation 1/day (docs/model.md §8.6)
    assert norms.deterrence(0.02) == pytest.approx(0.1306, abs=1e-4)
    assert norms.deterrence(0.2) == pytest.approx(0.7534, abs=1e-4)
    assert norms.deterrence(1.0) == pytest.approx(0.99909, abs=1e-5)


@CHECK
@given(P01, RATE, P01, st.integers(0, 7), P01)
def test_norm_compliance_matches_its_formula(baseline, rate, pressure, rung, trust):
    d = 1.0 - math.exp(-7.0 * rate)
    want = (baseline + (1.0 - baseline) * d) * (1.0 - pressure * rung / 7.0) * trust
    assert norms.norm_compliance(baseline, rate, pressure, rung, trust) == pytest.approx(
        min(1.0, max(0.0, want)), abs=1e-12
    )


@CHECK
@given(P01, RATE, RATE, P01, st.integers(0, 6), P01)
def test_compliance_rises_with_verification_and_falls_with_rung_and_distrust(baseline, r1, r2, pressure, rung, trust):
    lo, hi = sorted((r1, r2))
    assert (
        norms.norm_compliance(baseline, lo, pressure, rung, 1.0)
        <= norms.norm_compliance(baseline, hi, pressure, rung, 1.0) + 1e-15
    )
    assert (
        norms.norm_compliance(baseline, r1, pressure, rung + 1, 1.0)
        <= norms.norm_compliance(baseline, r1, pressure, rung, 1.0) + 1e-15
    )
    assert (
        norms.norm_compliance(baseline, r1, pressure, rung, trust)
        <= norms.norm_compliance(baseline, r1, pressure, rung, 1.0) + 1e-15
    )


# --------------------------------------------------------------------------- fresh debris


@CHECK
@given(st.floats(0.0, 1e5), st.floats(0.0, 1e4), st.floats(0.1, 1e4))
def test_fragments_decay_exponentially(fragments, hours, lifetime):
    assert space.decayed_fragments(fragments, hours, lifetime) == pytest.approx(
        fragments * math.exp(-hours / (24.0 * lifetime)), rel=1e-12, abs=1e-12
    )


@CHECK
@given(st.floats(0.1, 1e3), st.floats(0.1, 1e3), st.floats(0.1, 1e3), st.floats(0.1, 1e4))
def test_decay_composes_over_steps(fragments, h1, h2, lifetime):
    stepwise = space.decayed_fragments(space.decayed_fragments(fragments, h1, lifetime), h2, lifetime)
    assert stepwise == pytest.approx(space.decayed_fragments(fragments, h1 + h2, lifetime), rel=1e-12)


def test_half_of_fresh_debris_is_gone_after_lifetime_ln2():
    assert space.decayed_fragments(1000.0, 24.0 * 180.0 * math.log(2.0), 180.0) == pytest.approx(500.0)


@CHECK
@given(st.floats(0.0, 1e-3), st.floats(0.0, 1e5), st.floats(0.0, 48.0))
def test_fragment_hit_probability(k, fragments, hours):
    p = space.fragment_hit_probability(k, fragments, hours)
    assert p == pytest.approx(1.0 - math.exp(-k * fragments * hours / 24.0), abs=1e-15)
    assert 0.0 <= p < 1.0 or p == pytest.approx(1.0)


def test_nudol_debris_hits_a_leo_satellite_within_a_month_about_one_time_in_fifteen():
    # 1,500 fresh fragments at the default 2e-6 per fragment per day, decaying with a 180-day e-folding time:
    # P(hit within 30 days) = 1 - exp(-k F0 tau (1 - exp(-30/tau)))
    k, f0, tau = 2e-6, 1500.0, 180.0
    survive, fragments = 1.0, f0
    for _ in range(30 * 4):  # 6-hour ticks, decay then hazard, as the engines do
        fragments = space.decayed_fragments(fragments, 6.0, tau)
        survive *= 1.0 - space.fragment_hit_probability(k, fragments, 6.0)
    closed = 1.0 - math.exp(-k * f0 * tau * (1.0 - math.exp(-30.0 / tau)))
    assert 1.0 - survive == pytest.approx(closed, rel=5e-3)
    assert 0.06 < closed < 0.09


# --------------------------------------------------------------------------- what a classifier sees


@CHECK
@given(st.floats(0.0, 8.0), P01, st.integers(0, 10), st.integers(0, 10), P01)
def test_effective_d_prime(d, dependence, lost, total, severity):
    lost = min(lost, total)
    sight = 1.0 - dependence * lost / total if total > 0 else 1.0
    assert perception.effective_d_prime(d, dependence, lost, total, severity) == pytest.approx(
        d * sight * (1.0 - severity), abs=1e-12
    )


def test_losing_every_isr_satellite_at_full_dependence_blinds():
    assert perception.effective_d_prime(3.0, 1.0, 2, 2, 0.0) == 0.0
    assert perception.effective_d_prime(3.0, 0.5, 1, 2, 0.0) == pytest.approx(2.25)
    assert perception.effective_d_prime(3.0, 0.5, 0, 0, 0.5) == pytest.approx(1.5)


# --------------------------------------------------------------------------- the technology layer during the crisis


@CHECK
@given(P01, P01, P01)
def test_proliferated_capability(own, student, level):
    got = tk.proliferated_capability(own, student, level)
    assert got == pytest.approx(own + level * max(0.0, student - own), abs=1e-15)
    assert own <= got <= max(own, student) + 1e-15


@CHECK
@given(P01, P01)
def test_capability_balance_is_antisymmetric_and_bounded(k1, k2):
    b = tk.capability_balance(k1, k2)
    assert -1.0 <= b <= 1.0
    assert b == pytest.approx(-tk.capability_balance(k2, k1), abs=1e-15)
    assert b == (0.0 if k1 + k2 == 0.0 else pytest.approx((k1 - k2) / (k1 + k2)))


@CHECK
@given(st.floats(0.0, 5.0), st.floats(-1.0, 1.0))
def test_balance_factor(gain, balance):
    assert tk.balance_factor(gain, balance) == max(0.0, 1.0 + gain * balance)


@CHECK
@given(st.integers(0, 500), st.integers(1, 500), st.floats(0.0, 0.999), RATE, P01, st.floats(0.0, 48.0))
def test_replenished_accrues_whole_units_up_to_full(count, full, accrued, rate, share, hours):
    count = min(count, full)
    new, left = tk.replenished(count, full, accrued, rate, share, hours)
    if count >= full:
        assert (new, left) == (full, 0.0)
        return
    total = accrued + rate * share * full * hours / 24.0
    if count + math.floor(total) >= full:
        assert (new, left) == (full, 0.0)
    else:
        assert new == count + math.floor(total)
        assert left == pytest.approx(total - math.floor(total), abs=1e-12)
        assert 0.0 <= left < 1.0


def test_replenishment_closed_form_over_a_day():
    # 100 drones fielded, 40 left, 0.2 per day at full compute for one day in 6-hour ticks: 20 arrive
    count, accrued = 40, 0.0
    for _ in range(4):
        count, accrued = tk.replenished(count, 100, accrued, 0.2, 1.0, 6.0)
    assert (count, accrued) == (60, pytest.approx(0.0, abs=1e-12))
    # at half the compute, half as many
    count, accrued = 40, 0.0
    for _ in range(4):
        count, accrued = tk.replenished(count, 100, accrued, 0.2, 0.5, 6.0)
    assert count == 50


# --------------------------------------------------------------------------- raids before an operator


@CHECK
@given(st.integers(0, 2000), P01)
def test_raid_tracks_are_the_drones_a_swarm_would_commit(drones, fraction):
    assert command.raid_tracks(drones, fraction) == max(1, round(fraction * drones))


@CHECK
@given(st.floats(0.0, 10.0), st.integers(1, 500), st.floats(0.0, 2.0), st.integers(1, 100))
def test_clearing_minutes(first, tracks, per_track, operators):
    got = command.clearing_minutes(first, tracks, per_track, operators)
    assert got == pytest.approx(first + per_track * (tracks - 1) / operators)
    assert got >= first
    assert command.clearing_minutes(first, tracks, per_track, operators + 1) <= got


def test_a_single_contact_takes_the_first_review_only():
    assert command.clearing_minutes(3.7, 1, 0.25, 4) == 3.7
    # a raid of 50 tracks: 12.25 extra minutes for one operator, 1.02 for twelve
    assert command.clearing_minutes(3.7, 50, 0.25, 1) == pytest.approx(15.95)
    assert command.clearing_minutes(3.7, 50, 0.25, 12) == pytest.approx(3.7 + 12.25 / 12)
