"""Documents and designs that expand without bound are refused while they are read, in bounded memory."""

from __future__ import annotations

import pytest
from hostile import PEAK_MB, SCS, TRACEBACK, flashpoint, measured
from hostile_documents import alias_bomb

from sim.experiments.designs import make_design, parse_parameters
from sim.experiments.limits import MAX_DESIGN_POINTS, LimitError
from sim.scenario import ScenarioError, limits, load_scenario_text


@pytest.mark.parametrize("size", [125_000, 850_000])
def test_scalar_alias_bomb_exits_2_in_bounded_memory(tmp_path, size):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(size), encoding="utf-8")
    assert size * 0.99 < bomb.stat().st_size <= size
    done, peak_mb, _ = measured("validate", bomb)
    assert done.returncode == 2, done.stderr[-2000:]
    assert TRACEBACK not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"{bomb}:")
    assert f"more text than the limit of {limits.MAX_YAML_CHARS} characters (aliases expanded)" in line
    assert ": metadata.sources[" in line  # located at the alias that crossed the limit
    assert peak_mb < PEAK_MB, f"peak RSS {peak_mb:.0f} MB"


def test_text_limit_counts_aliases_of_collections_and_keys():
    block = "k" * 1000
    text = f"a: &a {{{block}: {block}}}\nb: [" + ", ".join(["*a"] * 1200) + "]\n"
    with pytest.raises(ScenarioError, match="more text than the limit") as caught:
        load_scenario_text(text, "t.yaml")
    assert [e.line for e in caught.value.errors if "limit" in e.message] == [2]
    small = f"a: &a {{{block}: {block}}}\nb: [*a, *a]\n"
    with pytest.raises(ScenarioError) as caught:  # a few aliases are fine: the errors are about the schema
        load_scenario_text(small, "t.yaml")
    assert not any("limit" in e.message for e in caught.value.errors)


def test_grid_bomb_exits_2_before_building_the_design():
    params = [
        "--param",
        "policy.hotline.reliability=0:1",
        "--param",
        "actors.PRC.resolve=0:1",
        "--param",
        "technology.export_control_strength=0:1",
    ]
    done = flashpoint("sweep", SCS, *params, "--points", "100000", "--runs", "10", timeout=300)
    assert done.returncode == 2, done.stderr
    assert TRACEBACK not in done.stderr
    assert done.stderr.splitlines() == [
        f"--points:1:1: points: a grid of 3 parameters has 1,000,000,000,000,000 points, "
        f"more than the limit of {MAX_DESIGN_POINTS:,}"
    ]


def test_design_size_is_counted_without_building_it():
    huge = parse_parameters(["a.x=0.5:1.5", "a.y=0.5:1.5", "a.z=0.5:1.5"])
    with pytest.raises(LimitError) as caught:
        make_design(huge, "grid", 10**9)
    assert caught.value.option == "--points"
    integers = parse_parameters(["a.n=1:3"])  # an integer range has at most one level per whole number
    assert make_design(integers, "grid", 10**12).points == ((1,), (2,), (3,))
    with pytest.raises(LimitError):
        make_design(integers, "lhs", MAX_DESIGN_POINTS + 1)


def test_too_much_work_and_out_of_range_options_exit_2_before_any_run():
    cases = {
        ("run", SCS, "--workers", "64", "--runs", "10"): "--workers:1:1: workers: must be between 1 and ",
        ("run", SCS, "--log", str(2**64)): f"--log:1:1: log: must be between 0 and 9999999 (got {2**64})",
        ("run", SCS, "--log", "0", "--seed", str(2**64)): "--seed:1:1: seed: must be between 0 and ",
        ("compare", SCS, "--arm", "a", "--arm", "b", "--runs", "6000000"): "--runs:1:1: runs: 6,000,000 runs × 2 arms",
        ("sweep", SCS, "--param", "actors.PRC.resolve=0.1:0.9", "--runs", "2000", "--points", "60000"): (
            "--runs:1:1: runs: 2,000 runs × 60,000 design points"
        ),
    }
    for args, start in cases.items():
        done = flashpoint(*args, timeout=300)
        assert done.returncode == 2, (args, done.stderr)
        assert TRACEBACK not in done.stderr
        [line] = done.stderr.splitlines()
        assert line.startswith(start), line
