"""Engagement kernels vs plain-Python references (built on the separately tested binomial)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels import combat as ck
from sim.kernels.rng import binomial

CHECK = settings(deadline=None, max_examples=200)

UNIT = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
PROB = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
COUNT = st.integers(min_value=0, max_value=500)


def ref_round(threats, capacity, per_threat, p_int, u_more, u_fewer):
    """One round of defensive fire, written out: the capacity spread as evenly as it goes."""
    if threats <= 0 or capacity <= 0:
        return 0, 0
    shots = min(capacity, threats * per_threat)
    counts = [shots // threats + (1 if i < shots % threats else 0) for i in range(threats)]
    more = sum(1 for c in counts if c == shots // threats + 1 and shots % threats)
    killed = binomial(u_more, more, 1 - (1 - p_int) ** (shots // threats + 1))
    killed += binomial(u_fewer, threats - more, 1 - (1 - p_int) ** (shots // threats))
    return killed, sum(counts)


def ref_salvo(shots, p_hit, ships, ipc, p_int, staying, per_threat, u1, u2, u3, u4, u_h):
    capacity = ships * ipc
    k1, f1 = ref_round(shots, capacity, per_threat, p_int, u1, u2)
    k2, f2 = ref_round(shots - k1, capacity - f1, per_threat, p_int, u3, u4)
    hits = binomial(u_h, shots - k1 - k2, p_hit)
    return k1 + k2, hits, min(ships, math.floor(hits / staying)), f1 + f2


SALVO_ARGS = (
    COUNT,
    PROB,
    st.integers(0, 20),
    st.integers(0, 10),
    PROB,
    st.floats(min_value=0.25, max_value=10.0),
    st.integers(1, 4),
    UNIT,
    UNIT,
    UNIT,
    UNIT,
    UNIT,
)


@CHECK
@given(*SALVO_ARGS)
def test_salvo_matches_reference(shots, p_hit, ships, ipc, p_int, staying, per_threat, u1, u2, u3, u4, u_h):
    args = (shots, p_hit, ships, ipc, p_int, staying, per_threat, u1, u2, u3, u4, u_h)
    got = ck.salvo_exchange(*args)
    assert got == ref_salvo(*args)
    assert all(isinstance(v, int) for v in got)


@CHECK
@given(*SALVO_ARGS)
def test_salvo_conservation(shots, p_hit, ships, ipc, p_int, staying, per_threat, u1, u2, u3, u4, u_h):
    intercepted, hits, lost, fired = ck.salvo_exchange(
        shots, p_hit, ships, ipc, p_int, staying, per_threat, u1, u2, u3, u4, u_h
    )
    assert 0 <= intercepted <= min(shots, fired)
    assert fired <= ships * ipc and fired <= 2 * per_threat * shots
    assert 0 <= hits <= shots - intercepted
    assert 0 <= lost <= ships
    assert lost <= hits / staying


@CHECK
@given(*SALVO_ARGS)
def test_no_interceptor_is_wasted_while_a_threat_survives(
    shots, p_hit, ships, ipc, p_int, staying, per_threat, u1, u2, u3, u4, u_h
):
    intercepted, _, _, fired = ck.salvo_exchange(
        shots, p_hit, ships, ipc, p_int, staying, per_threat, u1, u2, u3, u4, u_h
    )
    if intercepted < shots:  # a leaker got through: the defence fired all it could at the survivors
        survivors_after_one = shots - ck.defensive_round(shots, ships * ipc, per_threat, p_int, u1, u2)[0]
        assert fired == min(ships * ipc, shots * per_threat + survivors_after_one * per_threat)


def test_salvo_edge_cases():
    # No defenders: nothing intercepted, every shot hits with p_hit = 1.
    assert ck.salvo_exchange(10, 1.0, 0, 4, 0.9, 2.0, 2, 0.5, 0.5, 0.5, 0.5, 0.5) == (0, 10, 0, 0)
    # Perfect defence with enough interceptors: two shots at each of ten threats.
    assert ck.salvo_exchange(10, 1.0, 5, 4, 1.0, 2.0, 2, 0.5, 0.5, 0.5, 0.5, 0.5) == (10, 0, 0, 20)
    # Saturation: 3 interceptors for 10 shots.
    assert ck.salvo_exchange(10, 1.0, 1, 3, 1.0, 2.0, 2, 0.5, 0.5, 0.5, 0.5, 0.5) == (3, 7, 1, 3)
    assert ck.salvo_exchange(0, 0.5, 3, 2, 0.5, 1.0, 2, 0.5, 0.5, 0.5, 0.5, 0.5) == (0, 0, 0, 0)


def test_small_salvo_has_the_distribution_computed_by_hand():
    """2 threats, one ship with 5 interceptor shots (p = 1/2 each), shoot-shoot-look, every leaker hits.

    Round one: two shots at each threat, each killed with 3/4, so 0, 1 or 2 survive with 9/16, 6/16,
    1/16. Round two: the one shot left goes at a survivor (kill 1/2). Leakers: 0 with
    9/16 + 6/16 x 1/2 = 3/4; 1 with 6/16 x 1/2 + 1/16 x 1/2 = 7/32; 2 with 1/16 x 1/2 = 1/32.
    Each binomial is inverted from one uniform, so averaging the kernel over uniform grids whose cells
    never straddle a CDF value (all multiples of 1/16 here) gives its exact distribution.
    """
    grid = (np.arange(64) + 0.5) / 64
    leakers = np.zeros(3)
    for u2 in grid:
        for u3 in grid:
            for u4 in grid:
                _, hits, lost, _ = ck.salvo_exchange(2, 1.0, 1, 5, 0.5, 1.0, 2, 0.3, u2, u3, u4, 0.5)
                assert lost == min(1, hits)
                leakers[hits] += 1
    assert list(leakers / leakers.sum()) == [0.75, 7 / 32, 1 / 32]


def test_surplus_interceptors_are_used():
    """20 drones against 5 ships with 8 interceptor shots each (40 in all), p = 0.7: two shots per drone."""
    grid = (np.arange(200) + 0.5) / 200
    one_shot = np.mean([20 - ck.defensive_round(20, 40, 1, 0.7, u, u)[0] for u in grid])
    two_shots = np.mean([20 - ck.defensive_round(20, 40, 2, 0.7, u, u)[0] for u in grid])
    assert one_shot == pytest.approx(20 * 0.3, abs=0.1)
    assert two_shots == pytest.approx(20 * 0.09, abs=0.1)


@CHECK
@given(COUNT, COUNT, PROB, UNIT)
def test_drone_attrition(attackers, defenders, p_kill, u):
    got = ck.drone_attrition(attackers, defenders, p_kill, u)
    assert got == min(defenders, binomial(u, attackers, p_kill))
    assert 0 <= got <= defenders
    assert got <= attackers


@CHECK
@given(st.floats(0.0, 100.0), st.integers(0, 7), st.floats(0.0, 2.0), st.floats(0.0, 3.0))
def test_encounter_rate(base, rung, gain, factor):
    got = ck.encounter_rate(base, rung, gain, factor)
    assert got == base * (1.0 + gain * rung) * factor
    assert got >= 0.0
    if rung < 7:
        assert ck.encounter_rate(base, rung + 1, gain, factor) >= got
