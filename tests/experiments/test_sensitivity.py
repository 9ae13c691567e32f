"""Sobol' indices: the estimator checked on the Ishigami function before it is trusted on the model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from experiment_scenarios import CAPABILITY, RATE, tiny

from sim.experiments.designs import Parameter
from sim.experiments.sensitivity import analyse_sweep, saltelli_design, sensitivity, sobol_analysis
from sim.experiments.sweep import read_sweep
from sim.report.experiment_figures import tornado

A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    """Closed form (Ishigami & Homma 1990; Sobol' & Levitan 1999) on [-π, π]³."""
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = 8 * B**2 * math.pi**8 / 225
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_sobol_estimator_recovers_the_ishigami_indices():
    params = [Parameter((f"x{i}",), low=-math.pi, high=math.pi) for i in range(3)]
    design = saltelli_design(params, 2048, seed=7)
    x = np.array(design.points, dtype=float)
    assert x.shape == (2048 * 5, 3)
    result = sobol_analysis({"y": ishigami(x)}, [p.name for p in params], 2048, seed=1, n_resamples=200)
    first, total = ishigami_indices()
    np.testing.assert_allclose(result.first[0], first, atol=0.03)
    np.testing.assert_allclose(result.total[0], total, atol=0.03)
    # the intervals are honest: they hold the true values (bounds widened slightly for bootstrap noise)
    assert np.all(result.first_lo[0] - 0.01 <= first) and np.all(first <= result.first_hi[0] + 0.01)
    assert np.all(result.total_lo[0] - 0.01 <= total) and np.all(total <= result.total_hi[0] + 0.01)


def test_saltelli_layout_a_b_and_ab_blocks():
    params = [Parameter(("a",), low=0.0, high=1.0), Parameter(("b",), values=(1, 2, 3))]
    design = saltelli_design(params, 6, seed=2)  # rounded up to 8
    pts = design.points
    assert len(pts) == 8 * 4 and design.kind == "saltelli"
    a, b, ab0, ab1 = pts[:8], pts[8:16], pts[16:24], pts[24:]
    assert all(x[0] == z[0] and y[1] == z[1] for x, y, z in zip(b, a, ab0, strict=True))
    assert all(x[0] == z[0] and y[1] == z[1] for x, y, z in zip(a, b, ab1, strict=True))
    assert saltelli_design(params, 8, seed=2).points == pts


def test_model_sensitivity_end_to_end(tmp_path):
    out = tmp_path / "saltelli.parquet"
    result = sensitivity(tiny(), [f"{RATE}=0.5:9", f"{CAPABILITY}=0.6:0.9"], n=8, runs=20, seed=3, out=out)
    assert result.sweep is not None and len(result.sweep.points) == 8 * 4
    assert result.first.shape == (2, 2) and result.metrics == ["p_ge_3", "p_inadvertent"]
    m = result.metrics.index("p_ge_3")
    rate, cap = result.parameters.index(RATE), result.parameters.index(CAPABILITY)
    assert result.total[m, rate] > result.total[m, cap]  # encounters drive escalation in the duel
    points, meta = read_sweep(out)  # saved, then analysed again from the file: same numbers
    again = analyse_sweep(points, meta, seed=3)
    np.testing.assert_array_equal(again.first, result.first)
    bars = [p for p in tornado(result, "p_ge_3").axes[0].patches if "noise" not in str(p.get_label())]
    assert len(bars) == 4
    assert result.frame().shape == (4, 8)


def test_constant_output_has_no_indices():
    result = sobol_analysis({"flat": np.ones(4 * 4)}, ["a", "b"], 4)
    assert np.all(np.isnan(result.first)) and result.output_variance[0] == 0


def test_sensitivity_needs_a_saltelli_sweep():
    with pytest.raises(ValueError, match="saltelli"):
        analyse_sweep(None, {"design": {"kind": "grid"}})


def test_bootstrap_intervals_are_reproducible_and_match_scipy_point_estimates():
    from scipy.stats import sobol_indices

    params = [Parameter((f"x{i}",), low=-math.pi, high=math.pi) for i in range(3)]
    n = 256
    y = ishigami(np.array(saltelli_design(params, n, seed=3).points, dtype=float))
    runs = [sobol_analysis({"y": y}, ["a", "b", "c"], n, seed=5, n_resamples=100) for _ in range(2)]
    for name in ("first_lo", "first_hi", "total_lo", "total_hi"):
        np.testing.assert_array_equal(getattr(runs[0], name), getattr(runs[1], name))
    f_ab = np.stack([y[(2 + i) * n : (3 + i) * n] for i in range(3)])[:, None, :]
    scipy_result = sobol_indices(func={"f_A": y[None, :n], "f_B": y[None, n : 2 * n], "f_AB": f_ab}, n=n)
    np.testing.assert_allclose(runs[0].first[0], np.ravel(scipy_result.first_order), rtol=1e-12)
    np.testing.assert_allclose(runs[0].total[0], np.ravel(scipy_result.total_order), rtol=1e-12)
