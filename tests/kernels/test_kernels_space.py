"""Space kernels vs plain-Python references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.kernels import space as sk
from sim.kernels.rng import uniform

CHECK = settings(deadline=None, max_examples=200)

UNIT = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
KCOEF = st.floats(min_value=0.0, max_value=1e-3, allow_nan=False)
NOBJ = st.integers(min_value=0, max_value=50_000)


@CHECK
@given(KCOEF, NOBJ)
def test_collision_rate(k, n):
    assert sk.collision_rate_per_day(k, n) == 0.5 * k * float(n) * float(n)


@CHECK
@given(KCOEF, st.integers(1, 20_000))
def test_collision_rate_quadratic(k, n):
    assert sk.collision_rate_per_day(k, 2 * n) == pytest.approx(4.0 * sk.collision_rate_per_day(k, n), rel=1e-15)


@CHECK
@given(UNIT, st.floats(0.0, 1.0))
def test_asat_kill(u, p):
    assert sk.asat_kill(u, p) == (u < p)


@CHECK
@given(UNIT, st.integers(0, 500), st.integers(0, 5000))
def test_satellite_hit_index(u, n_active, extra):
    n_objects = n_active + extra
    got = sk.satellite_hit_index(u, n_active, n_objects)
    if n_active == 0 or n_objects == 0 or not (u < n_active / n_objects):
        assert got == -1
    else:
        assert got == min(int(u * n_objects), n_active - 1)
        assert 0 <= got < n_active


def test_satellite_hit_index_distribution():
    n_active, n_objects, draws = 5, 20, 100_000
    idx = np.array([sk.satellite_hit_index(uniform(2, 0, 0, 4, c), n_active, n_objects) for c in range(draws)])
    hit = idx >= 0
    assert hit.mean() == pytest.approx(n_active / n_objects, abs=4 * math.sqrt(0.25 * 0.75 / draws))
    counts = np.bincount(idx[hit], minlength=n_active)
    assert stats.chisquare(counts).pvalue > 1e-3


@CHECK
@given(UNIT, st.integers(1, 100))
def test_satellite_hit_all_active(u, n):
    assume(n > 0)
    assert 0 <= sk.satellite_hit_index(u, n, n) < n
