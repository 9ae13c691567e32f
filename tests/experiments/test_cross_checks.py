"""The project's estimators against independent libraries (test-only dependencies of the ``test`` extra).

Wilson against statsmodels, Kaplan–Meier (with its log-log Greenwood band) against lifelines, the
Sobol' estimators against SALib.
"""

from __future__ import annotations

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from SALib.analyze import sobol as salib_sobol
from SALib.sample import sobol as salib_sample
from statsmodels.stats.proportion import proportion_confint

from sim.experiments.sensitivity import saltelli_jansen
from sim.experiments.stats import clopper_pearson_interval, jeffreys_interval, kaplan_meier, wilson_interval


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(confidence):
    rng = np.random.default_rng(1927)
    n = rng.integers(1, 5000, 200)
    x = rng.integers(0, n + 1)
    x[:3], n[:3] = (0, 7, 12), (12, 7, 12)  # both ends
    lo, hi = wilson_interval(x, n, confidence)
    ref_lo, ref_hi = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    assert np.max(np.abs(lo - ref_lo)) < 1e-12 and np.max(np.abs(hi - ref_hi)) < 1e-12


@pytest.mark.parametrize(("ours", "method"), [(jeffreys_interval, "jeffreys"), (clopper_pearson_interval, "beta")])
def test_jeffreys_and_clopper_pearson_match_statsmodels(ours, method):
    rng = np.random.default_rng(1934)
    n = rng.integers(1, 5000, 200)
    x = rng.integers(0, n + 1)
    x[:3], n[:3] = (0, 7, 12), (12, 7, 12)
    lo, hi = ours(x, n)
    ref_lo, ref_hi = proportion_confint(x, n, alpha=0.05, method=method)
    inside = (x > 0) & (x < n)  # statsmodels' Jeffreys keeps the beta quantile at the ends; ours is 0 / 1 there
    assert np.max(np.abs(lo[inside] - ref_lo[inside])) < 1e-10 and np.max(np.abs(hi[inside] - ref_hi[inside])) < 1e-10
    assert np.all(lo[x == 0] == 0.0) and np.all(hi[x == n] == 1.0)
    assert np.all(np.abs(hi[x == 0] - ref_hi[x == 0]) < 1e-10) and np.all(np.abs(lo[x == n] - ref_lo[x == n]) < 1e-10)


def test_kaplan_meier_matches_lifelines():
    rng = np.random.default_rng(1958)
    times = np.round(rng.exponential(30.0, 400), 1)  # ties on purpose
    horizon = 60.0
    observed = times < horizon
    times = np.minimum(times, horizon)
    observed &= rng.random(400) > 0.1  # some censoring before the horizon too
    ours = kaplan_meier(times, observed)
    fitter = KaplanMeierFitter().fit(times, observed)
    event_times = ours.time[1:]
    ref = fitter.survival_function_at_times(event_times).to_numpy()
    assert np.max(np.abs(ours.survival[1:] - ref)) < 1e-12
    band = fitter.confidence_interval_.loc[event_times].to_numpy()
    alive = ours.survival[1:] > 0
    assert np.max(np.abs(ours.lo[1:][alive] - band[alive, 0])) < 1e-10
    assert np.max(np.abs(ours.hi[1:][alive] - band[alive, 1])) < 1e-10
    assert ours.median == pytest.approx(fitter.median_survival_time_)


def test_sobol_estimators_match_salib_on_ishigami():
    """SALib centres outputs on the mean of all of them, the project on the mean of f(A) and f(B) (as scipy).

    Total order is shift-invariant and must agree to rounding; first order differs by exactly
    ``(m_SALib − m_ours) · mean(f(AB_i) − f(A)) / Var``.
    """
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = salib_sample.sample(problem, 512, calc_second_order=False, seed=11)
    y = np.sin(x[:, 0]) + 7.0 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    ref = salib_sobol.analyze(problem, y, calc_second_order=False, num_resamples=10, seed=1)
    blocks = y.reshape(-1, 5)  # SALib's rows: A, AB_1, AB_2, AB_3, B for each base point
    f_a, f_b, f_ab = blocks[:, 0], blocks[:, -1], blocks[:, 1:-1].T
    first, total = saltelli_jansen(f_a, f_b, f_ab)
    assert np.max(np.abs(total - ref["ST"])) < 1e-12
    shift = (y.mean() - np.mean([f_a, f_b])) * np.mean(f_ab - f_a, axis=1) / np.var([f_a, f_b])
    assert np.max(np.abs(first - (ref["S1"] + shift))) < 1e-12
    assert np.max(np.abs(first - ref["S1"])) < 1e-3  # and the two conventions are close
