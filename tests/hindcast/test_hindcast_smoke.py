"""Every case of the hindcast library runs (a smoke test of its scenarios at a small number of runs).

The full-size numbers of docs/validation.md come from ``benchmarks/hindcast.py``; here each scenario runs
60 times, enough to see that every question gets an estimate and its scores, not to check their values.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.experiments.hindcast import run_hindcast
from sim.experiments.hindcast_cases import load_cases

ROOT = Path(__file__).resolve().parents[2]
INDEX = ROOT / "hindcast" / "cases.yaml"


@pytest.fixture(scope="module")
def index():
    return load_cases(INDEX)


@pytest.fixture(scope="module")
def result(index):
    return run_hindcast(index, runs=60, seed=7)


def test_the_library_has_at_least_eight_cases_each_sourced(index):
    assert len(index.cases) >= 8
    for key, case in index.cases.items():
        assert case.sources, key
        assert all(q.evidence for q in case.questions), key


def test_every_question_of_every_case_gets_an_estimate_and_scores(index, result):
    asked = [f"{key}/{q.id}" for key, case in index.cases.items() for q in case.questions]
    assert [q.key for q in result.questions] == asked
    for q in result.questions:
        for forecast in (q.model, q.baseline):
            e = forecast.estimate
            assert 0.0 <= e.p <= 1.0 and 0.0 <= e.lo <= e.p <= e.hi <= 1.0, q.key
            assert forecast.log_score <= 0.0 and 0.0 <= forecast.brier <= 1.0, q.key
            assert 0.0 < forecast.p_happened <= 1.0, q.key
        assert q.model.estimate.trials > 0, q.key  # the runs a 'given' keeps: some, even at 60 runs


def test_sample_membership_follows_the_icb_crises_and_the_calibration_targets(result):
    sample = {q.case: q.in_sample for q in result.questions}
    assert sample["patriot_2003"] and sample["oko_1983"]  # ICB crisis 440; the false-alarm target
    assert not any(v for k, v in sample.items() if k not in ("patriot_2003", "oko_1983"))
    out = [q for q in result.questions if not q.in_sample]
    assert result.out_of_sample.questions == len(out) >= 8
    assert math.isfinite(result.out_of_sample.model_log_score)


def test_held_cases_are_reported_with_what_they_need(result):
    held = {h["case"]: h for h in result.held}
    assert "przewodow_2022" in held and held["przewodow_2022"]["needs"]


def test_the_engines_agree_on_a_case(index):
    compiled = run_hindcast(index, ["stark_1987", "ep3_2001"], runs=30, seed=3)
    reference = run_hindcast(index, ["stark_1987", "ep3_2001"], runs=30, seed=3, engine="reference")
    assert [q.record() for q in compiled.questions] == [q.record() for q in reference.questions]


def test_same_seed_same_numbers(index):
    first = run_hindcast(index, ["ps752_2020"], runs=80, seed=11)
    again = run_hindcast(index, ["ps752_2020"], runs=80, seed=11)
    assert first.to_dict() == again.to_dict()


def test_the_contact_rate_of_a_one_contact_question_is_a_device_not_a_number_of_the_case(index):
    """Keeping the runs with exactly one contact, the probability per contact does not depend on the rate."""
    from sim.experiments.hindcast import binary_estimate
    from sim.experiments.monte_carlo import run_monte_carlo

    question = index.cases["ps752_2020"].questions[0]
    estimates = []
    for rate in ("0.5714", "0.25"):  # one contact a day, and under half that
        scenario = index.scenario(question.scenario, (f"parameters.encounters.rate_per_day.naval_group={rate}",))
        outcomes = run_monte_carlo(scenario, runs=6000, seed=5).outcomes
        estimates.append(binary_estimate(outcomes, question.given, question.event))
    (a, b) = estimates
    assert a.trials > 1500 and b.trials > 1000
    se = math.sqrt(a.p * (1 - a.p) / a.trials + b.p * (1 - b.p) / b.trials)
    assert abs(a.p - b.p) < 3 * se, (a, b)
