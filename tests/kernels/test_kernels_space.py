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
@given(UNIT, KCOEF, NOBJ)
def test_next_collision_hours(u, k, n):
    rate = 0.5 * k * float(n) * float(n)
    got = sk.next_collision_hours(u, k, n)
    if rate <= 0.0 or math.isinf(24.0 / rate):
        assert got == math.inf
    else:
        assert got == pytest.approx(-(24.0 / rate) * math.log1p(-u), rel=1e-12, abs=0.0)
        assert got >= 0.0
        if math.isfinite(got):
            assert got == pytest.approx(stats.expon.ppf(u, scale=24.0 / rate), rel=1e-12, abs=0.0)


def test_next_collision_degenerate_rates():
    assert sk.next_collision_hours(0.0, 0.0, 100) == math.inf
    assert sk.next_collision_hours(0.5, 1e-3, 0) == math.inf
    assert sk.next_collision_hours(0.0, 2.2250738585e-313, 1) == math.inf  # 24 / rate overflows
    assert sk.next_collision_hours(0.0, 1e-6, 100) == 0.0


def test_next_collision_mean():
    k, n = 1e-6, 400  # rate 0.08/day -> mean 300 h
    x = np.array([sk.next_collision_hours(uniform(1, 0, 0, 9, c), k, n) for c in range(40_000)])
    assert x.mean() == pytest.approx(300.0, rel=0.03)


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
