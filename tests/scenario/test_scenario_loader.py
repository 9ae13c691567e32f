"""Loading scenarios: every kind of authoring mistake is reported at its exact FILE:LINE:COL and path."""

from __future__ import annotations

import re

import pytest
from scenario_text import VALID, mutate

from sim.scenario import LocatedError, Scenario, ScenarioError, limits, load_scenario, load_scenario_text
from sim.scenario.loader import load_scenario_data

LINE = re.compile(r"^.+:\d+:\d+: .*: .+$")


def error_lines(text: str | bytes, overrides: tuple[str, ...] = ()) -> list[str]:
    """The error lines of loading ``text``; fails the test if it loads."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "s.yaml", overrides)
    lines = str(caught.value).splitlines()
    assert lines == [error.format() for error in caught.value.errors]
    assert all(LINE.match(line) for line in lines), lines
    return lines


# --------------------------------------------------------------------------- a valid scenario


def test_valid_scenario_loads() -> None:
    scenario = load_scenario_text(VALID)
    assert isinstance(scenario, Scenario)
    assert scenario.metadata.name == "Test strait"
    assert list(scenario.zones) == ["strait", "open_sea", "LEO"]
    assert scenario.assets["red_swarm"].size == 200
    assert scenario.injects[1].at_hours == 30
    assert scenario.policy.hotline.enabled is True


def test_bytes_and_byte_order_mark_are_accepted() -> None:
    assert load_scenario_text(("\ufeff" + VALID).encode()).metadata.name == "Test strait"


def test_anchors_aliases_and_merge_keys_work_and_aliases_are_copies() -> None:
    text = mutate(
        ("zones:\n", "zones:\n  base: &sea {kind: theater, adjacent: [strait]}\n"),
        ("  open_sea:\n    kind: theater\n", "  open_sea:\n    <<: *sea\n    name: Open sea\n"),
    )
    scenario = load_scenario_text(text)
    assert scenario.zones["open_sea"].name == "Open sea"
    assert scenario.zones["open_sea"].adjacent == ["strait"]
    assert scenario.zones["open_sea"].adjacent is not scenario.zones["base"].adjacent


def test_load_scenario_reads_a_file(tmp_path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert load_scenario(path).metadata.name == "Test strait"


def test_load_scenario_data_validates_plain_data() -> None:
    data = load_scenario_text(VALID).model_dump(mode="json")
    assert load_scenario_data(data, ["time.horizon_hours=96"]).time.horizon_hours == 96
    assert data["time"]["horizon_hours"] == 72  # the caller's data is not changed


# --------------------------------------------------------------------------- one mistake each

MISTAKES = {
    "yaml syntax error": (
        mutate(("  tick_hours: 1\n", "  tick_hours: 1\n   bad: [1,\n")),
        "s.yaml:6:7: time: YAML syntax error: mapping values are not allowed here",  # inside time
    ),
    "duplicate key (at the second occurrence)": (
        mutate(("  tick_hours: 1\n", "  tick_hours: 1\n  horizon_hours: 96\n")),
        "s.yaml:6:3: time.horizon_hours: duplicate key 'horizon_hours' (first on line 4)",
    ),
    "wrong type: text for a whole number": (
        mutate(("size: 200", "size: lots")),
        "s.yaml:27:11: assets.red_swarm.size: expected a whole number, got 'lots'",
    ),
    "wrong type: text for a number in a list item": (
        mutate(("at_hours: 30", "at_hours: abc")),
        "s.yaml:45:15: injects[1].at_hours: expected a number, got 'abc'",
    ),
    "wrong type: quoted number": (
        mutate(("horizon_hours: 72", "horizon_hours: '72'")),
        "s.yaml:4:18: time.horizon_hours: expected a number, got '72'",
    ),
    "wrong type: fraction for a count": (
        mutate(("ships: 5", "ships: 5.5")),
        "s.yaml:32:12: assets.blue_group.ships: expected a whole number, got 5.5",
    ),
    "strict bool: 'yes' is text, as in the JSON Schema": (
        mutate(("enabled: true", "enabled: yes")),
        "s.yaml:50:14: policy.hotline.enabled: expected true or false, got 'yes'",
    ),
    "out of range": (
        mutate(("capability: 0.9", "capability: 1.5")),
        "s.yaml:21:19: actors.BLUE.ai.capability: must be <= 1 (got 1.5)",
    ),
    "missing field (at the parent mapping)": (
        mutate(("      source: frontier\n", "")),
        "s.yaml:19:5: actors.BLUE.ai.source: missing required field 'source'",
    ),
    "missing field in a list item": (
        mutate(("    blamed: RED\n", "")),
        "s.yaml:40:5: injects[0].blamed: missing required field 'blamed'",
    ),
    "missing section": (
        mutate(("time:\n  horizon_hours: 72\n  tick_hours: 1\n", "")),
        "s.yaml:1:1: time: missing required field 'time'",
    ),
    "unknown key with a hint": (
        mutate(("    ships: 5\n", "    ships: 5\n    shipz: 3\n")),
        "s.yaml:33:5: assets.blue_group.shipz: unknown key 'shipz' (did you mean 'ships'?)",
    ),
    "unknown top-level section": (
        mutate(("policy:", "polcy:")),
        "s.yaml:48:1: polcy: unknown key 'polcy' (did you mean 'policy'?)",
    ),
    "bad enum value": (
        mutate(("role: early_warning", "role: early_warn")),
        "s.yaml:38:11: assets.blue_sat.role: must be one of 'isr', 'communications', 'early_warning' or "
        "'co_orbital_asat' (got 'early_warn') (did you mean 'early_warning'?)",
    ),
    "bad asset kind": (
        mutate(("kind: naval_group", "kind: naval")),
        "s.yaml:29:11: assets.blue_group.kind: unknown asset kind 'naval' (did you mean 'naval_group'?); "
        "expected one of drone_swarm, naval_group, space_asset",
    ),
    "bad inject kind": (
        mutate(("kind: attack", "kind: strike")),
        "s.yaml:44:11: injects[1].kind: unknown inject kind 'strike'; "
        "expected one of false_alarm, asat_test, collision_at_sea, attack, autonomy_change",
    ),
    "asset without a kind": (
        mutate(("    kind: drone_swarm\n", "")),
        "s.yaml:23:3: assets.red_swarm.kind: missing 'kind': expected one of drone_swarm, naval_group, space_asset",
    ),
    "invalid id (a dict key)": (
        mutate(("  open_sea:\n", "  open sea:\n")),
        "s.yaml:8:3: zones['open sea']: 'open sea' is not a valid id: start with a letter, then use letters, "
        "digits, '_' or '-'",
    ),
    "model-level check (orbit zone without regime)": (
        mutate(("LEO: {kind: orbit, regime: LEO, tracked_objects: 1000}", "LEO: {kind: orbit, tracked_objects: 1}")),
        "s.yaml:10:3: zones.LEO: an orbit zone needs a 'regime' (LEO, MEO, GEO or HEO)",
    ),
    "too few actors": (
        mutate((VALID[VALID.index("  BLUE:") : VALID.index("assets:")], "")),
        "s.yaml:11:1: actors: needs at least 2 entries (got 1)",
    ),
    "unknown owner": (
        mutate(("owner: RED", "owner: REDD")),
        "s.yaml:25:12: assets.red_swarm.owner: unknown actor 'REDD' (did you mean 'RED'?)",
    ),
    "unknown zone": (
        mutate(("zone: open_sea", "zone: open_see")),
        "s.yaml:31:11: assets.blue_group.zone: unknown zone 'open_see' (did you mean 'open_sea'?)",
    ),
    "space asset in a theater zone": (
        mutate(("zone: LEO", "zone: strait")),
        "s.yaml:37:11: assets.blue_sat.zone: a space asset must be in an orbit zone, 'strait' is a theater",
    ),
    "direct-ascent ASAT aimed at a theater": (
        mutate(("adversaries: [BLUE]", "adversaries: [BLUE]\n    direct_ascent_asat: {zone: strait}")),
        "s.yaml:14:32: actors.RED.direct_ascent_asat.zone: a direct-ascent ASAT reaches an orbit zone, 'strait' is a "
        "theater",
    ),
    "direct-ascent ASAT at an unknown zone": (
        mutate(("adversaries: [BLUE]", "adversaries: [BLUE]\n    direct_ascent_asat: {zone: LOE}")),
        "s.yaml:14:32: actors.RED.direct_ascent_asat.zone: unknown zone 'LOE' (did you mean 'LEO'?)",
    ),
    "inject after the horizon": (
        mutate(("at_hours: 30", "at_hours: 300")),
        "s.yaml:45:15: injects[1].at_hours: after the horizon (72 hours)",
    ),
    "duplicate id across actors and assets": (
        mutate(("  blue_sat:", "  RED:")),
        "s.yaml:34:3: assets.RED: duplicate id 'RED': already used by an actor or zone",
    ),
    "tick/horizon limit": (
        mutate(("tick_hours: 1", "tick_hours: 0.0001")),
        "s.yaml:5:15: time.tick_hours: horizon/tick gives 720000 ticks, more than the limit of 100000",
    ),
    "top level not a mapping": (
        "# a comment\n- metadata\n- time\n",
        "s.yaml:2:1: : the top level must be a mapping of sections (metadata, time, zones, ...), got a list",
    ),
    "empty file": (
        "# nothing but a comment\n",
        "s.yaml:1:1: : the file is empty: expected a mapping of sections (metadata, time, zones, ...)",
    ),
    "non-UTF-8 file": (
        VALID.encode().replace(b"Test strait", b"Test \xe9trait"),
        "s.yaml:2:14: : not UTF-8 text: byte 0xe9 cannot start a character",
    ),
    "control character": (
        mutate(("Test strait", "Test\x07strait")),
        "s.yaml:2:13: : character #x0007 is not allowed in YAML",
    ),
    "too deep nesting": (
        "metadata: " + "[" * 40 + "]" * 40 + "\n",
        "s.yaml:1:42: metadata" + "[0]" * 31 + ": nested deeper than the limit of 32 levels",
    ),
    "recursive alias": (
        mutate(("adversaries: [BLUE]", "adversaries: &a [BLUE, *a]")),
        "s.yaml:13:28: actors.RED.adversaries[1]: alias '*a' refers to a node that contains it",
    ),
    "undefined alias": (
        mutate(("adversaries: [BLUE]", "adversaries: [*blue]")),
        "s.yaml:13:19: actors.RED.adversaries[0]: alias '*blue' has no anchor '&blue' before it",
    ),
    "second YAML document": (
        VALID + "---\nmetadata: {}\n",
        "s.yaml:51:1: : a second YAML document ('---'): a scenario file holds one document",
    ),
    "unsupported tag": (
        mutate(("size: 200", "size: !big 200")),
        "s.yaml:27:11: assets.red_swarm.size: YAML tag '!big' is not supported",
    ),
    "value a tag cannot read": (
        mutate(("size: 200", "size: !!int two")),
        "s.yaml:27:11: assets.red_swarm.size: cannot read 'two' as !!int: invalid literal for int() with base 10: "
        "'two'",
    ),
    "not a finite number": (
        mutate(("tracked_objects: 1000", "tracked_objects: .nan")),
        "s.yaml:10:52: zones.LEO.tracked_objects: must be a finite number (got .nan)",
    ),
    "a collection as a key": (
        mutate(("  open_sea:\n    kind: theater\n", "  ? [a, b]\n  : x\n  open_sea:\n    kind: theater\n")),
        "s.yaml:8:5: zones: a key must be a plain value, not a collection",
    ),
}


@pytest.mark.parametrize("text, expected", MISTAKES.values(), ids=MISTAKES.keys())
def test_each_mistake_is_located(text: str | bytes, expected: str) -> None:
    assert error_lines(text) == [expected]


def test_drones_over_the_limit_are_located_at_assets() -> None:
    swarm = "  swarm{}:\n    kind: drone_swarm\n    owner: RED\n    zone: strait\n    size: {}\n"
    count = limits.MAX_TOTAL_DRONES // limits.MAX_DRONES_PER_SWARM
    swarms = "".join(swarm.format(i, limits.MAX_DRONES_PER_SWARM) for i in range(count))
    lines = error_lines(mutate(("assets:\n", "assets:\n" + swarms)))
    total = limits.MAX_TOTAL_DRONES + 200
    assert lines == [f"s.yaml:22:1: assets: {total} drones in all exceed the limit of {limits.MAX_TOTAL_DRONES}"]


def test_billion_laughs_stops_at_the_node_limit() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    *before, stop = error_lines("\n".join(levels) + "\n")
    assert stop.startswith("s.yaml:6:")
    assert f"more YAML nodes than the limit of {limits.MAX_YAML_NODES} (aliases expanded)" in stop
    assert [line.split(": ")[1] for line in before] == [f"a{i}" for i in range(6)]  # keys read before the stop
    assert all("unknown key" in line for line in before)


def test_file_too_large_is_refused_before_parsing(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (limits.MAX_FILE_BYTES + 1))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}:1:1: : file is larger than the limit of {limits.MAX_FILE_BYTES} bytes"
    text = "#" * (limits.MAX_FILE_BYTES + 1)
    assert error_lines(text) == [
        f"s.yaml:1:1: : file is {limits.MAX_FILE_BYTES + 1} bytes, larger than the limit of {limits.MAX_FILE_BYTES}"
    ]


def test_missing_file_is_a_located_error(tmp_path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}:1:1: : cannot read: No such file or directory"


# --------------------------------------------------------------------------- all at once


def test_all_errors_are_reported_at_once_in_document_order() -> None:
    text = mutate(
        ("size: 200", "size: lots"), ("capability: 0.9", "capability: 1.5"), ("role: early_warning", "role: x")
    )
    lines = error_lines(text)
    assert [line.split(": ")[0] for line in lines] == ["s.yaml:21:19", "s.yaml:27:11", "s.yaml:38:11"]
    assert [line.split(": ")[1] for line in lines] == [
        "actors.BLUE.ai.capability",
        "assets.red_swarm.size",
        "assets.blue_sat.role",
    ]


def test_duplicate_keys_are_reported_with_the_schema_errors() -> None:
    text = mutate(("  tick_hours: 1\n", "  tick_hours: 1\n  tick_hours: 2\n"), ("size: 200", "size: -1"))
    assert error_lines(text) == [
        "s.yaml:6:3: time.tick_hours: duplicate key 'tick_hours' (first on line 5)",
        "s.yaml:28:11: assets.red_swarm.size: must be >= 1 (got -1)",
    ]


def test_located_error_format() -> None:
    error = LocatedError("f.yaml", 3, 7, "injects[2].at_hours", "after the horizon\n(72 hours)")
    assert error.format() == "f.yaml:3:7: injects[2].at_hours: after the horizon (72 hours)"
    assert str(ScenarioError([error, error])) == "\n".join([error.format()] * 2)


# --------------------------------------------------------------------------- attacks the engine could not carry out


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("blue_sat", "injects[1].target: 'red_swarm' (drone_swarm) can only attack a drone swarm or naval group"),
        ("red_swarm", "injects[1].target: 'red_swarm' belongs to the attacker's own side (RED)"),
    ],
)
def test_attack_inject_needs_a_target_it_can_reach(target, message) -> None:
    lines = error_lines(mutate(("    target: blue_group\n", f"    target: {target}\n")))
    assert len(lines) == 1 and lines[0].startswith("s.yaml:47:13: ") and message in lines[0], lines


def test_attack_inject_by_an_unarmed_satellite() -> None:
    lines = error_lines(mutate(("    attacker: red_swarm\n", "    attacker: blue_sat\n")))
    assert any(
        "injects[1].attacker: 'blue_sat' is a" in line and "only a co_orbital_asat attacks" in line for line in lines
    )


def test_partial_parameter_maps_keep_the_other_defaults_and_reject_negatives() -> None:
    scenario = load_scenario_text(VALID, "s.yaml", ("parameters.encounters.rate_per_day={drone_swarm: 3}",))
    assert scenario.parameters.encounters.rate_per_day == {"drone_swarm": 3.0, "naval_group": 0.08, "space_asset": 0.02}
    lines = error_lines(VALID, ("parameters.command.response_latency_factor={out_of_the_loop: -1}",))
    assert lines[0].startswith("--set:1:") and "response_latency_factor.out_of_the_loop" in lines[0], lines
