"""Paired comparisons on common random numbers: narrower than unpaired, exact when arms are equal, located errors."""

from __future__ import annotations

import pytest
from experiment_scenarios import RATE, SHIPPED, tiny

from sim.experiments.compare import compare, comparison_table, parse_arm, parse_arms
from sim.experiments.metrics import is_probability
from sim.report.experiment_figures import comparison_forest
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario


@pytest.fixture(scope="module")
def hotline():
    """South China Sea with and without the hotline: 60 paired runs."""
    scenario = load_scenario(SHIPPED / "south_china_sea.yaml")
    return compare(scenario, ["hotline", "no_hotline:policy.hotline.enabled=false"], runs=60, seed=3)


def test_paired_interval_is_narrower_than_unpaired_on_a_shipped_scenario(hotline):
    for metric in ("p_ge_3", "p_inadvertent", "severity"):
        d = hotline.difference("no_hotline", metric).paired
        assert d.n == 60 and d.correlation > 0.3, metric
        assert d.width < 0.75 * d.unpaired_width, (metric, d.width, d.unpaired_width)
        assert d.lo <= d.diff <= d.hi
    text = comparison_table(hotline)
    assert "Difference no_hotline − hotline" in text and "narrower" in text
    assert comparison_forest(hotline).axes


def test_estimates_are_each_arms_own_monte_carlo(hotline):
    base = hotline.rows[0]
    assert base.num_rows == 60 and base.column("run").to_pylist() == list(range(60))
    p3 = hotline.estimates["hotline"]["p_ge_3"]
    assert p3.count == sum(r >= 3 for r in base.column("max_rung").to_pylist())
    assert hotline.to_dict()["differences"][0]["arm"] == "no_hotline"


def test_identical_arms_differ_by_exactly_zero():
    result = compare(tiny(), ["a", f"b:{RATE}=4.0"], runs=25, seed=2)  # 4.0 is the scenario's own value
    for d in result.differences:
        p = d.paired
        assert p.diff == 0.0, d.metric
        if is_probability(d.metric):  # no run differs, yet 25 runs cannot rule out a small difference
            assert (p.a_only, p.b_only, p.method) == (0, 0, "tango") and p.lo == -p.hi < 0.0
        else:
            assert p.width == 0.0 and p.method == "t"


def test_precision_never_stops_on_a_zero_width_interval():
    """Identical arms: no run ever differs. The t interval was [0, 0] at the first batch and stopped there."""
    result = compare(tiny(), ["a", f"b:{RATE}=4.0"], seed=2, precision=0.05, batch=40, max_runs=400)
    info = result.precision
    assert info["reached"] and result.runs > 40
    assert all(h["half_width"] > 0 for h in info["history"])
    assert 0 < result.difference("b", "p_ge_3").half_width <= 0.05


def test_the_issue_precision_example_does_not_stop_on_zero_width():
    """Issue 14: hotline on/off, ±0.002 on P(max rung ≥ 5) stopped after 200 runs at +0.000 [+0.000, +0.000]."""
    scenario = load_scenario(SHIPPED / "taiwan_strait.yaml")
    arms = ["baseline", "no_hotline:policy.hotline.enabled=false"]
    result = compare(scenario, arms, precision=0.002, precision_metric="p_ge_5", batch=200, max_runs=400)
    first_runs, first_half = result.precision["history"][0]["runs"], result.precision["history"][0]["half_width"]
    assert first_runs == 200 and first_half > 0.002  # 200 runs are far from enough, whatever they show
    assert result.runs == 400 and not result.precision["reached"]


def test_compare_to_precision_stops_at_the_target():
    result = compare(tiny(), ["base", f"busy:{RATE}=9"], seed=5, precision=0.08, batch=40, max_runs=2000)
    info = result.precision
    assert info["reached"] and info["runs"] == result.runs and result.runs % 40 == 0
    assert result.difference("busy", "p_ge_3").half_width <= 0.08
    assert [h["runs"] for h in info["history"]] == sorted(h["runs"] for h in info["history"])


def test_arm_syntax_and_values_are_located():
    arm = parse_arm("strict:policy.hotline.enabled=false, actors.RED.roe_threshold=0.9", 2)
    assert arm.name == "strict" and len(arm.overrides) == 2 and arm.cols == (8, 37)
    assert parse_arm("baseline").overrides == ()
    with pytest.raises(ScenarioError) as info:
        parse_arms(["base", "base:policy.hotline.enabled=false"])
    assert info.value.errors[0].format().startswith("--arm:2:1: : arm name 'base' is used twice")
    with pytest.raises(ScenarioError) as info:
        parse_arms(["only"])
    assert "at least two" in info.value.errors[0].message
    with pytest.raises(ScenarioError) as info:
        compare(tiny(), ["base", "hot:actors.RED.ai.capability=3"], runs=4)
    assert info.value.errors[0].format() == "--arm:2:30: actors.RED.ai.capability: must be <= 1 (got 3)"
