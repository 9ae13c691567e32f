"""Engagement kernels vs plain-Python references (built on the separately tested binomial)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels import combat as ck
from sim.kernels.rng import binomial

CHECK = settings(deadline=None, max_examples=200)

UNIT = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
PROB = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
COUNT = st.integers(min_value=0, max_value=500)


def ref_salvo(shots, p_hit, ships, ipc, p_int, staying, u_i, u_h):
    engaged = min(shots, ships * ipc)
    intercepted = binomial(u_i, engaged, p_int)
    leakers = shots - intercepted
    hits = binomial(u_h, leakers, p_hit)
    lost = min(ships, math.floor(hits / staying))
    return intercepted, hits, lost


SALVO_ARGS = (
    COUNT,
    PROB,
    st.integers(0, 20),
    st.integers(0, 10),
    PROB,
    st.floats(min_value=0.25, max_value=10.0),
    UNIT,
    UNIT,
)


@CHECK
@given(*SALVO_ARGS)
def test_salvo_matches_reference(shots, p_hit, ships, ipc, p_int, staying, u_i, u_h):
    args = (shots, p_hit, ships, ipc, p_int, staying, u_i, u_h)
    got = ck.salvo_exchange(*args)
    assert got == ref_salvo(*args)
    assert all(isinstance(v, int) for v in got)


@CHECK
@given(*SALVO_ARGS)
def test_salvo_conservation(shots, p_hit, ships, ipc, p_int, staying, u_i, u_h):
    intercepted, hits, lost = ck.salvo_exchange(shots, p_hit, ships, ipc, p_int, staying, u_i, u_h)
    assert 0 <= intercepted <= min(shots, ships * ipc)
    assert 0 <= hits <= shots - intercepted
    assert 0 <= lost <= ships
    assert lost <= hits / staying


def test_salvo_edge_cases():
    # No defenders: nothing intercepted, every shot hits with p_hit = 1.
    assert ck.salvo_exchange(10, 1.0, 0, 4, 0.9, 2.0, 0.5, 0.5) == (0, 10, 0)
    # Perfect defence with enough interceptors.
    assert ck.salvo_exchange(10, 1.0, 5, 2, 1.0, 2.0, 0.5, 0.5) == (10, 0, 0)
    # Saturation: 3 interceptors for 10 shots.
    assert ck.salvo_exchange(10, 1.0, 1, 3, 1.0, 2.0, 0.5, 0.5) == (3, 7, 1)
    assert ck.salvo_exchange(0, 0.5, 3, 2, 0.5, 1.0, 0.5, 0.5) == (0, 0, 0)


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
