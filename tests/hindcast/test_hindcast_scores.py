"""The hindcast's estimates and scores: log and Brier scores, the floor, shares, predictive intervals, ICB rates."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sim.experiments.hindcast import (
    Estimate,
    aggregate,
    binary_estimate,
    icb_estimate,
    predictive_interval,
    score_binary,
    score_range,
    score_share,
    share_estimate,
)
from sim.experiments.hindcast_cases import IcbBaseline, Range, Share, load_cases
from sim.vocabulary import RunOutcome

ROOT = Path(__file__).resolve().parents[2]


def outcome(run: int, **fields) -> RunOutcome:
    base = dict(
        run=run, seed=0, max_rung=0, first_hours=(0.0,) * 8, inadvertent=False, root_cause="none",
        engagements_true=0, engagements_false=0, hostile_strikes=0, contacts=0, drones_lost=0, ships_lost=0,
        satellites_lost=0, debris=0, severity=0.0, drawn_in=0, end_hours=float("nan"), end_state="none",
        crisis_level=np.zeros(1, dtype=np.int8),
    )  # fmt: skip
    return RunOutcome(**{**base, **fields})


def estimate(p: float) -> Estimate:
    return Estimate(p, p, p, 0.0, 1.0, "wilson")


def test_binary_scores_by_hand():
    f = score_binary(estimate(0.2), happened=True, floor=0.001)
    assert f.p_happened == pytest.approx(0.2) and f.log_score == pytest.approx(math.log(0.2))
    assert f.brier == pytest.approx(0.64)
    f = score_binary(estimate(0.2), happened=False, floor=0.001)
    assert f.p_happened == pytest.approx(0.8) and f.brier == pytest.approx(0.04)


def test_the_floor_bounds_a_forecast_of_zero_or_one():
    f = score_binary(estimate(0.0), happened=True, floor=0.001)
    assert f.scored == 0.001 and f.log_score == pytest.approx(math.log(0.001))
    f = score_binary(estimate(1.0), happened=False, floor=0.001)
    assert f.p_happened == pytest.approx(0.001)


def test_share_scores_are_means_over_the_events():
    f = score_share(estimate(0.25), count=2, of=11, floor=0.001)
    assert f.log_score == pytest.approx((2 * math.log(0.25) + 9 * math.log(0.75)) / 11)
    assert f.brier == pytest.approx((2 * 0.75**2 + 9 * 0.25**2) / 11)
    assert f.p_happened == pytest.approx(stats.binom.pmf(2, 11, 0.25))


def test_predictive_interval_covers_the_binomial_spread_and_the_monte_carlo_interval():
    lo, hi = predictive_interval(Estimate(0.5, 0.45, 0.55, 0, 1, "ratio"), 11, 0.001)
    assert lo == stats.binom.ppf(0.025, 11, 0.45) / 11 and hi == stats.binom.ppf(0.975, 11, 0.55) / 11
    assert lo <= 0.5 <= hi


@given(st.floats(0.0, 1.0), st.booleans())
def test_scores_are_proper_and_bounded(p, happened):
    f = score_binary(estimate(p), happened, 0.001)
    assert f.log_score <= 0.0 and 0.0 <= f.brier <= 1.0
    # a forecast nearer the outcome never scores worse
    nearer = score_binary(estimate((p + (1.0 if happened else 0.0)) / 2), happened, 0.001)
    assert nearer.log_score >= f.log_score - 1e-12 and nearer.brier <= f.brier + 1e-12


def test_binary_estimate_counts_only_the_runs_given():
    runs = [outcome(0, contacts=1, engagements_false=1), outcome(1, contacts=1), outcome(2, contacts=2,
            engagements_false=2), outcome(3, contacts=0)]  # fmt: skip
    e = binary_estimate(runs, {"contacts": Range(min=1, max=1)}, {"engagements_false": Range(min=1)})
    assert (e.successes, e.trials, e.p) == (1.0, 2.0, 0.5)
    assert 0.0 < e.lo < 0.5 < e.hi < 1.0


def test_a_crisis_that_has_not_ended_is_never_within_a_duration():
    runs = [outcome(0, end_hours=100.0), outcome(1), outcome(2, end_hours=300.0)]
    e = binary_estimate(runs, None, {"end_hours": Range(max=264)})
    assert (e.successes, e.trials) == (1.0, 3.0)


def test_share_estimate_pools_over_runs_with_a_clustered_interval():
    runs = [
        outcome(i, engagements_true=t, engagements_false=f) for i, (t, f) in enumerate([(3, 1), (0, 0), (1, 1), (4, 0)])
    ]
    e = share_estimate(
        runs, Share(numerator=["engagements_false"], denominator=["engagements_true", "engagements_false"])
    )
    assert e.p == pytest.approx(2 / 10) and e.lo < 0.2 < e.hi
    none = share_estimate([outcome(0)], Share(numerator=["engagements_false"], denominator=["contacts"]))
    assert math.isnan(none.p)


def test_icb_base_rates_are_counted_from_the_88_crises():
    rows = load_cases(ROOT / "hindcast" / "cases.yaml").icb_rows()
    assert len(rows) == 88

    def rate(**spec):
        return icb_estimate(rows, IcbBaseline(kind="icb", note="x", **spec))

    assert rate(event={"viol": [2, 3, 4]}).successes == 60
    beyond = rate(event={"viol": [3, 4]}, among={"viol": [2, 3, 4]})
    assert (beyond.successes, beyond.trials) == (39, 60)
    assert rate(event={"ended_within_days": 11}).successes == 11


def test_the_aggregate_is_the_mean_and_skips_questions_without_estimates():
    from sim.experiments.hindcast import QuestionResult

    def question(p_model, p_base, happened):
        return QuestionResult(
            "c", "q", "t", "x", False, "", "binary", happened, None, None, "s.yaml", 10,
            score_binary(estimate(p_model), happened, 0.001), score_binary(estimate(p_base), happened, 0.001),
            "icb", "n",
        )  # fmt: skip

    a = aggregate([question(0.9, 0.5, True), question(0.2, 0.5, False), question(float("nan"), 0.5, True)])
    assert a.questions == 2 and a.skipped == 1
    assert a.model_log_score == pytest.approx((math.log(0.9) + math.log(0.8)) / 2)
    assert a.model_brier == pytest.approx((0.01 + 0.04) / 2) and a.baseline_brier == pytest.approx(0.25)
    assert a.brier_skill == pytest.approx(1 - 0.025 / 0.25)


def interval(p: float, lo: float, hi: float) -> Estimate:
    return Estimate(p, lo, hi, p * 100, 100, "wilson")


def test_a_binary_score_range_is_the_scores_at_the_ends_of_the_interval():
    happened = score_binary(interval(0.3, 0.2, 0.4), True, 0.001)
    log_lo, log_hi, brier_lo, brier_hi = score_range(happened, 1.0, 1, 0.001)
    assert (log_lo, log_hi) == pytest.approx((math.log(0.2), math.log(0.4)))
    assert (brier_lo, brier_hi) == pytest.approx((0.6**2, 0.8**2))
    not_happened = score_binary(interval(0.3, 0.2, 0.4), False, 0.001)
    assert score_range(not_happened, 0.0, 1, 0.001)[:2] == pytest.approx((math.log(0.6), math.log(0.8)))


def test_a_share_score_range_reaches_its_best_at_the_observed_share_inside_the_interval():
    share = score_share(interval(0.2, 0.1, 0.3), 2, 11, 0.001)
    log_lo, log_hi, brier_lo, brier_hi = score_range(share, 2 / 11, 11, 0.001)
    best = (2 * math.log(2 / 11) + 9 * math.log(9 / 11)) / 11
    worst = min((2 * math.log(q) + 9 * math.log(1 - q)) / 11 for q in (0.1, 0.3))
    assert log_hi == pytest.approx(best) and log_lo == pytest.approx(worst)
    assert brier_lo == pytest.approx((2 * (9 / 11) ** 2 + 9 * (2 / 11) ** 2) / 11)
    assert brier_hi > brier_lo


@given(
    st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(1, 30), st.integers(0, 30)
)  # fmt: skip
def test_every_probability_in_the_interval_scores_inside_the_range(a, b, t, of, count):
    lo, hi = sorted((a, b))
    p = lo + t * (hi - lo)
    count = min(count, of)
    forecast = score_share(interval(p, lo, hi), count, of, 0.001)
    log_lo, log_hi, brier_lo, brier_hi = score_range(forecast, count / of, of, 0.001)
    for q in np.linspace(lo, hi, 7):
        inner = score_share(interval(q, lo, hi), count, of, 0.001)
        assert log_lo - 1e-9 <= inner.log_score <= log_hi + 1e-9
        assert brier_lo - 1e-12 <= inner.brier <= brier_hi + 1e-12


def test_the_aggregate_range_holds_the_mean_and_widens_with_the_intervals():
    from sim.experiments.hindcast import QuestionResult

    def question(e: Estimate, happened: bool) -> QuestionResult:
        return QuestionResult(
            "c", "q", "t", "x", False, "", "binary", happened, None, None, "s.yaml", 100,
            score_binary(e, happened, 0.001), score_binary(interval(0.5, 0.4, 0.6), happened, 0.001), "icb", "n",
        )  # fmt: skip

    narrow = aggregate([question(interval(0.9, 0.88, 0.92), True), question(interval(0.2, 0.18, 0.22), False)])
    wide = aggregate([question(interval(0.9, 0.7, 0.97), True), question(interval(0.2, 0.1, 0.4), False)])
    assert narrow.model_log_score_range[0] < narrow.model_log_score < narrow.model_log_score_range[1]
    assert wide.model_log_score_range[0] < narrow.model_log_score_range[0]
    assert wide.model_log_score_range[1] > narrow.model_log_score_range[1]
    assert narrow.model_brier_range[0] < narrow.model_brier < narrow.model_brier_range[1]
    skill_lo, skill_hi = narrow.brier_skill_range
    assert skill_lo < narrow.brier_skill < skill_hi
    diff_lo, diff_hi = narrow.log_score_difference_range
    assert diff_lo < narrow.model_log_score - narrow.baseline_log_score < diff_hi
