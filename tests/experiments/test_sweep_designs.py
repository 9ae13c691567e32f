"""Designs: ``--param`` parsing with located errors, and seeded grid / LHS / Sobol' designs."""

from __future__ import annotations

import numpy as np
import pytest
from experiment_scenarios import CAPABILITY, RATE, tiny_data

from sim.experiments.designs import make_design, parse_parameter, parse_parameters, validate_parameters
from sim.scenario.errors import ScenarioError


def test_parse_range_values_and_integer_range():
    cap = parse_parameter(f"{CAPABILITY}=0.4:0.9", 1)
    assert cap.is_range and (cap.low, cap.high, cap.integer) == (0.4, 0.9, False)
    assert cap.path == ("actors", "RED", "ai", "capability") and cap.value_cols == (26, 30)
    size = parse_parameter("assets.red_swarm.size=10:100", 2)
    assert size.integer and size.grid_values(4) == (10, 40, 70, 100)
    auto = parse_parameter("actors.RED.autonomy=in_the_loop, out_of_the_loop", 3)
    assert auto.values == ("in_the_loop", "out_of_the_loop") and auto.value_cols == (21, 34)
    assert parse_parameter("policy.hotline.enabled=true,false").values == (True, False)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("actors.RED.ai.capability", "--param:1:1:", "expected PATH=VALUES"),
        ("actors..x=1", "--param:1:1:", "malformed path"),
        ("a.b=0.9:0.4", "--param:1:5:", "LOW < HIGH"),
        ("a.b=0.1:x", "--param:1:9:", "numbers at both ends"),
        ("a.b=1:2:3", "--param:1:8:", "exactly one ':'"),
        ("a.b=1,,2", "--param:1:7:", "empty value"),
    ],
)
def test_malformed_param_is_located(text, where, message):
    with pytest.raises(ScenarioError) as info:
        parse_parameters([text])
    line = info.value.errors[0].format()
    assert line.startswith(where) and message in line, line


def test_values_checked_against_the_schema_at_their_column():
    params = parse_parameters(
        [f"{CAPABILITY}=0.4:1.5", "actors.RED.autonomy=in_the_loop,sideways", "actors.RED.x.y=1:2"]
    )
    with pytest.raises(ScenarioError) as info:
        validate_parameters(tiny_data(), params)
    lines = [e.format() for e in info.value.errors]
    assert lines[0] == "--param:1:30: actors.RED.ai.capability: must be <= 1 (got 1.5)"
    assert lines[1].startswith("--param:2:33: actors.RED.autonomy: must be one of")
    assert lines[2].startswith("--param:3:1: actors.RED.x.y: unknown key 'x'")
    assert len(lines) == 3  # a bad path fails at both ends of its range but is reported once


def test_same_path_twice_is_an_error():
    with pytest.raises(ScenarioError, match="already swept by --param 1"):
        parse_parameters([f"{CAPABILITY}=0.4:0.5", f"{CAPABILITY}=0.6,0.7"])


def test_grid_is_the_full_factorial_first_parameter_slowest():
    params = parse_parameters([f"{CAPABILITY}=0.4:0.8", f"{RATE}=2,8"])
    design = make_design(params, "grid", points=3)
    assert design.points == ((0.4, 2), (0.4, 8), (0.6, 2), (0.6, 8), (0.8, 2), (0.8, 8))
    frame = design.frame()
    assert list(frame.columns) == ["point", CAPABILITY, RATE] and len(frame) == 6


@pytest.mark.parametrize("kind", ["lhs", "sobol"])
def test_sampled_designs_are_seeded_and_in_range(kind):
    params = parse_parameters([f"{CAPABILITY}=0.4:0.8", "assets.red_swarm.size=10:20", f"{RATE}=1,2,3"])
    a, b = make_design(params, kind, 16, seed=3), make_design(params, kind, 16, seed=3)
    assert a.points == b.points and make_design(params, kind, 16, seed=4).points != a.points
    cap = np.array([p[0] for p in a.points])
    assert len(a) == 16 and cap.min() >= 0.4 and cap.max() <= 0.8
    assert {p[1] for p in a.points} <= set(range(10, 21)) and all(isinstance(p[1], int) for p in a.points)
    assert {p[2] for p in a.points} == {1, 2, 3}
    if kind == "lhs":  # one point per stratum of each range
        assert sorted(np.floor((cap - 0.4) / 0.4 * 16).astype(int)) == list(range(16))


def test_design_point_errors_are_relocated_to_the_param():
    params = parse_parameters([f"{CAPABILITY}=0.4,2"])
    design = make_design(params, "grid")
    with pytest.raises(ScenarioError) as info:
        design.scenario(tiny_data(), 1)
    assert info.value.errors[0].format().startswith("--param:1:26: actors.RED.ai.capability: must be <= 1")


def test_range_written_with_decimals_is_continuous():
    assert not parse_parameter("technology.export_control_strength=0.0:1.0").integer
    assert parse_parameter("actors.PRC.operators=1:9").integer
