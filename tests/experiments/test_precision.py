"""Precision on demand: the stopping rule, reproducibility, the cap, and the convergence curve."""

from __future__ import annotations

import numpy as np
import pytest
from experiment_scenarios import tiny

from sim.experiments.monte_carlo import run_monte_carlo
from sim.experiments.precision import (
    convergence,
    far_side,
    grow_runs,
    next_total,
    run_to_precision,
    target_reached,
)
from sim.experiments.stats import INTERVALS, binomial_interval, wilson_interval
from sim.report.experiment_figures import convergence_figure
from sim.scenario.library import resolve_scenario


def test_next_total_predicts_from_the_square_law_within_bounds():
    assert next_total(100, 0.015, 0.01, 50, 10_000) == 250  # 1.1 · 100 · 2.25 = 247.5 → a multiple of 50
    assert next_total(100, 0.10, 0.01, 50, 10_000) == 400  # at most 4× per batch
    assert next_total(100, 0.0101, 0.01, 50, 10_000) == 150  # at least one more batch
    assert next_total(100, 0.10, 0.01, 50, 250) == 250  # capped


def test_grow_runs_stops_once_the_half_width_is_reached():
    rng = np.random.default_rng(0)
    data = rng.random(100_000) < 0.3
    seen: list[range] = []

    def run_batch(runs: range) -> None:
        seen.append(runs)

    def half_width() -> float:
        n = seen[-1].stop
        lo, hi = wilson_interval(int(data[:n].sum()), n)
        return (hi - lo) / 2

    n, reached, history = grow_runs(run_batch, half_width, 0.01, 100, 100_000)
    assert reached and history[-1] == (n, half_width()) and half_width() <= 0.01
    assert all(h > 0.01 for _, h in history[:-1])
    assert [r.start for r in seen] == [0] + [r.stop for r in seen[:-1]]  # contiguous run indices, no gap
    assert 7000 < n < 12_000  # z² p(1-p)/h² ≈ 8070


def test_a_zero_width_interval_is_never_a_reached_target():
    assert not target_reached(0.0, 0.01) and not target_reached(float("nan"), 0.01)
    assert target_reached(0.01, 0.01) and not target_reached(0.0101, 0.01)
    widths = iter([0.0, 0.0, 0.004])  # e.g. a t interval on two batches where no pair differed
    n, reached, history = grow_runs(lambda runs: None, lambda: next(widths), 0.01, 100, 10_000)
    assert reached and [h for _, h in history] == [0.0, 0.0, 0.004] and n == 400  # 100, then 2×, 2×


def test_run_to_precision_equals_a_plain_monte_carlo_of_that_many_runs():
    result = run_to_precision(tiny(), 0.1, "p_ge_3", seed=4, batch=20, max_runs=1000)
    assert result.reached and result.half_width <= 0.1 and result.runs % 20 == 0
    plain = run_monte_carlo(tiny(), runs=result.runs, seed=4)
    assert result.summary == plain.summary
    assert result.estimate == plain.summary.max_rung_at_least[3]
    assert result.to_dict()["runs"] == result.runs


def test_the_cap_stops_an_unreachable_target():
    result = run_to_precision(tiny(), 0.001, "p_inadvertent", seed=4, batch=10, max_runs=30)
    assert not result.reached and result.runs == 30 and result.half_width > 0.001


def test_precision_needs_a_probability():
    with pytest.raises(ValueError, match="probability"):
        run_to_precision(tiny(), 0.1, "severity")


def test_convergence_curve_and_figure():
    x = (np.arange(400) % 4 == 0).astype(float)
    frame = convergence(x, points=50)
    assert frame["n"].iloc[-1] == 400 and frame["p"].iloc[-1] == 0.25
    assert (frame["lo"] <= frame["p"]).all() and (frame["p"] <= frame["hi"]).all()
    assert frame["half_width"].iloc[-1] < frame["half_width"].iloc[0]
    fig = convergence_figure(frame, "P(max rung ≥ 3)", target=0.05)
    assert len(fig.axes) == 2


def test_cli_run_precision_reports_the_runs_it_took(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from experiment_scenarios import ROOT, write_tiny

    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NUMBA_CACHE_DIR": str(ROOT / ".numba_cache")}
    args = [sys.executable, "-m", "sim", "run", str(write_tiny(tmp_path)), "--precision", "0.03", "--batch", "200"]
    done = subprocess.run([*args, "--json", "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["reached"] and payload["half_width"] <= 0.03 and payload["runs"] % 200 == 0
    assert payload["summary"]["n_runs"] == payload["runs"]
    assert (tmp_path / "out" / "convergence.png").stat().st_size > 1000
    bad = subprocess.run([*args[:-4], "--precision", "0"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and bad.stderr.startswith("--precision:1:1: precision: must be a half-width")


def test_precision_is_judged_on_the_far_side_of_a_lopsided_interval():
    lo, hi = wilson_interval(0, 100)  # 0 of 100: [0, 0.037]
    assert (hi - lo) / 2 < 0.02 < far_side(0.0, lo, hi) == hi  # half the width would pass ±0.02; the far side does not
    assert far_side(0.5, 0.4, 0.6) == pytest.approx(0.1) and np.isnan(far_side(float("nan"), 0.0, 1.0))
    seen: list[range] = []

    def half_width() -> float:  # no run ever has the event
        lo, hi = wilson_interval(0, seen[-1].stop)
        return far_side(0.0, lo, hi)

    n, reached, history = grow_runs(seen.append, half_width, 0.02, 100, 100_000)
    assert reached and n > 100 and history[0] == (100, pytest.approx(hi)) and history[-1][1] <= 0.02


def test_the_nuclear_use_example_runs_past_100_runs():
    """The issue's example: --precision 0.02 --metric p_ge_7 --batch 100 stopped after 100 runs at P = 0 [0, 0.037]."""
    result = run_to_precision(resolve_scenario("taiwan_strait"), 0.02, "p_ge_7", batch=100, max_runs=5000)
    e = result.estimate
    assert result.runs > 100 and result.reached
    assert result.half_width == pytest.approx(max(e.p - e.lo, e.hi - e.p)) and result.half_width <= 0.02


@pytest.mark.parametrize("interval", INTERVALS)
def test_every_interval_runs_to_precision_and_is_recorded(interval):
    result = run_to_precision(tiny(), 0.1, "p_ge_3", seed=4, batch=20, max_runs=1000, interval=interval)
    e = result.estimate
    assert (e.lo, e.hi) == binomial_interval(e.count, e.n, interval)
    assert result.to_dict()["interval"] == interval and result.summary.interval == interval
    assert result.summary.to_dict()["interval"] == interval


def test_precision_on_demand_covers_the_true_probability():
    """The stopping rule with the far side, repeated on Bernoulli streams: the final 95% interval covers p."""
    rng = np.random.default_rng(20261207)
    covered = []
    for p, target, batch in ((0.002, 0.005, 100), (0.02, 0.01, 100), (0.3, 0.03, 100)):
        for _ in range(200):
            counts = np.concatenate([[0], np.cumsum(rng.random(60_000) < p)])
            state = {"n": 0}

            def run_batch(runs: range, state=state) -> None:
                state["n"] = runs.stop

            def half_width(state=state, counts=counts) -> float:
                n = state["n"]
                lo, hi = wilson_interval(int(counts[n]), n)
                return far_side(counts[n] / n, lo, hi)

            n, _, _ = grow_runs(run_batch, half_width, target, batch, 60_000)
            lo, hi = wilson_interval(int(counts[n]), n)
            covered.append(lo <= p <= hi)
    assert np.mean(covered) >= 0.92, np.mean(covered)
