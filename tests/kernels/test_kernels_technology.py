"""Technology-layer kernels vs plain-Python references."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels import technology as tk

CHECK = settings(deadline=None, max_examples=200)

P01 = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@CHECK
@given(st.floats(0.0, 2.0), P01, st.floats(0.0, 36.0), st.floats(0.0, 0.5))
def test_distilled_capability(frontier, fidelity, lag, growth):
    got = tk.distilled_capability(frontier, fidelity, lag, growth)
    assert got == pytest.approx(fidelity * frontier / (1.0 + growth) ** lag, rel=1e-12, abs=0.0)
    assert got <= fidelity * frontier * (1 + 1e-15)


@CHECK
@given(P01, st.booleans(), P01, P01)
def test_compute_share(access, controlled, strength, domestic):
    got = tk.compute_share(access, controlled, strength, domestic)
    want = min(1.0, (access * (1.0 - strength) if controlled else access) + domestic)
    assert got == want
    assert 0.0 <= got <= 1.0
    assert got <= tk.compute_share(access, False, strength, domestic)


@CHECK
@given(st.floats(0.0, 2.0), P01, P01)
def test_effective_capability_and_dprime(model, share, floor):
    eff = tk.effective_capability(model, share, floor)
    assert eff == model * (floor + (1.0 - floor) * share)
    assert model * floor - 1e-15 <= eff <= model + 1e-15
    assert tk.d_prime(eff, 3.0) == 3.0 * eff


@CHECK
@given(P01, P01)
def test_fleet_fraction(share, floor):
    f = tk.fleet_fraction(share, floor)
    assert f == floor + (1.0 - floor) * share
    assert min(floor, 1.0) - 1e-15 <= f <= 1.0 + 1e-15


@CHECK
@given(st.integers(0, 100_000), P01)
def test_fleet_size(full, fraction):
    got = tk.fleet_size(full, fraction)
    assert got == max(1, math.floor(full * fraction + 0.5))
    assert isinstance(got, int)
    assert got >= 1


def test_fleet_size_rounds_half_up():
    assert tk.fleet_size(10, 0.25) == 3  # 2.5 -> 3 (Python's round() would give 2)
    assert tk.fleet_size(10, 0.35) == 4  # 3.5 -> 4
    assert tk.fleet_size(10, 0.0) == 1
    assert tk.fleet_size(100, 1.0) == 100
