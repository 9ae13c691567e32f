"""``--set PATH=VALUE`` overrides: parsing, applying, and errors located at ``--set:N:COL``."""

from __future__ import annotations

import pytest
from scenario_text import VALID

from sim.scenario import (
    OverrideError,
    ScenarioError,
    apply_overrides,
    limits,
    load_scenario_text,
    parse_override,
    parse_path,
)


def set_errors(*overrides: str, text: str = VALID) -> list[str]:
    """Error lines of loading ``text`` with ``overrides``; fails the test if it loads."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "s.yaml", list(overrides))
    return str(caught.value).splitlines()


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text, path, value",
    [
        ("actors.PRC.ai.capability=0.7", ("actors", "PRC", "ai", "capability"), 0.7),
        ("policy.hotline.enabled=false", ("policy", "hotline", "enabled"), False),
        ("injects[0].at_hours=5", ("injects", 0, "at_hours"), 5),
        ("injects.0.at_hours=5", ("injects", 0, "at_hours"), 5),
        ("actors.RED.adversaries=[BLUE, GREEN]", ("actors", "RED", "adversaries"), ["BLUE", "GREEN"]),
        ("zones.z={kind: theater, maritime: false}", ("zones", "z"), {"kind": "theater", "maritime": False}),
        ("metadata.name=A = B", ("metadata", "name"), "A = B"),
        ("metadata.name='yes'", ("metadata", "name"), "yes"),
        ("metadata.name=yes", ("metadata", "name"), "yes"),
        ("metadata.description=", ("metadata", "description"), None),
        ("time.horizon_hours=48.0", ("time", "horizon_hours"), 48),
        ("a[1][2].b=x", ("a", 1, 2, "b"), "x"),
    ],
)
def test_parse_override(text: str, path: tuple, value: object) -> None:
    assert parse_override(text) == (path, value)


@pytest.mark.parametrize(
    "text, message, col",
    [
        ("no_equals_sign", "expected PATH=VALUE, got 'no_equals_sign'", 1),
        ("a..b=1", "malformed path 'a..b'", 1),
        ("a[x]=1", "malformed path 'a[x]'", 1),
        ("=1", "malformed path ''", 1),
        ("a.b=[1,", "YAML syntax error in the value", 5),
        ("a.b=&x [1]", "anchors and aliases are not allowed in a --set value", 5),
        ("a.b=!!python/object:os.system x", "YAML tags are not allowed in a --set value", 5),
        ("a.b=.inf", "must be a finite number (got inf)", 5),
    ],
)
def test_parse_override_errors(text: str, message: str, col: int) -> None:
    with pytest.raises(OverrideError) as caught:
        parse_override(text)
    assert caught.value.message.startswith(message)
    assert caught.value.col >= col


def test_parse_path_accepts_both_index_forms() -> None:
    assert parse_path("injects[2].at_hours") == parse_path("injects.2.at_hours") == ("injects", 2, "at_hours")


# --------------------------------------------------------------------------- applying


def test_valid_overrides_change_the_loaded_scenario() -> None:
    scenario = load_scenario_text(
        VALID,
        overrides=[
            "actors.RED.ai.capability=0.7",
            "policy.hotline.enabled=false",
            "injects[0].at_hours=5",
            "injects.1.at_hours=6",
            "actors.BLUE.commitments=[hotline, incidents_at_sea]",
        ],
    )
    assert scenario.actors["RED"].ai.capability == 0.7
    assert scenario.policy.hotline.enabled is False
    assert [inject.at_hours for inject in scenario.injects] == [5, 6]
    assert [c.value for c in scenario.actors["BLUE"].commitments] == ["hotline", "incidents_at_sea"]


def test_missing_sections_are_created_from_their_defaults() -> None:
    scenario = load_scenario_text(
        VALID,
        overrides=[
            "policy.incidents_at_sea.enabled=true",
            "parameters.command.review_minutes.low=0.1",
            "parameters.command.response_latency_factor.on_the_loop=0.3",
            "technology.domestic_chip_capacity.RED=0.4",
        ],
    )
    assert scenario.policy.incidents_at_sea.enabled is True
    review = scenario.parameters.command.review_minutes
    assert (review.low, review.mode, review.high) == (0.1, 3.7, 7.0)
    assert scenario.parameters.command.response_latency_factor["on_the_loop"] == 0.3
    assert scenario.parameters.command.response_latency_factor["in_the_loop"] == 1.0
    assert scenario.technology.domestic_chip_capacity == {"RED": 0.4}


def test_later_overrides_win() -> None:
    scenario = load_scenario_text(VALID, overrides=["time.horizon_hours=48", "time.horizon_hours=96"])
    assert scenario.time.horizon_hours == 96


def test_apply_overrides_on_plain_data_reports_what_it_applied() -> None:
    document = {"time": {"horizon_hours": 72}, "injects": [{"at_hours": 1}]}
    result = apply_overrides(document, ["time.horizon_hours=5", (("injects", 0, "at_hours"), 2.0)])
    assert result.errors == []
    assert document == {"time": {"horizon_hours": 5}, "injects": [{"at_hours": 2}]}
    assert [(o.index, o.path, o.value_col) for o in result.applied] == [
        (1, ("time", "horizon_hours"), 20),
        (2, ("injects", 0, "at_hours"), 1),
    ]
    assert result.origin(("injects", 0, "at_hours")).index == 2
    assert result.origin(("time",)).index == 1  # an error about a section blames an override inside it
    assert result.origin(("metadata", "name")) is None


# --------------------------------------------------------------------------- errors located at --set


def test_validation_error_of_an_overridden_value_is_located_at_the_option() -> None:
    assert set_errors("time.tick_hours=0.5", "actors.BLUE.ai.capability=1.7") == [
        "--set:2:27: actors.BLUE.ai.capability: must be <= 1 (got 1.7)"
    ]


def test_unknown_path_segments_have_a_hint() -> None:
    assert set_errors("actorz.RED.resolve=0.5", "policy.hotlin.enabled=false", "actors.REED.resolve=1") == [
        "--set:1:1: actorz.RED.resolve: unknown key 'actorz' (did you mean 'actors'?)",
        "--set:2:1: policy.hotlin.enabled: unknown key 'hotlin' in 'policy' (did you mean 'hotline'?)",
        "--set:3:1: actors.REED.resolve: unknown key 'REED' in 'actors' (did you mean 'RED'?)",
    ]


def test_a_key_the_schema_lacks_is_caught_by_validation_at_the_option() -> None:
    assert set_errors("actors.RED.ai.capabilty=0.5") == [
        "--set:1:25: actors.RED.ai.capabilty: unknown key 'capabilty' (did you mean 'capability'?)"
    ]


def test_cross_reference_errors_caused_by_an_override_are_located_at_it() -> None:
    assert set_errors("assets.red_swarm.owner=GREEN") == ["--set:1:24: assets.red_swarm.owner: unknown actor 'GREEN'"]


def test_model_level_error_of_an_overridden_section_is_located_at_the_option() -> None:
    assert set_errors("parameters.command.review_minutes.low=5") == [
        "--set:1:39: parameters.command.review_minutes: needs low <= mode <= high"
    ]


def test_override_errors_come_after_file_errors() -> None:
    text = VALID.replace("size: 200", "size: lots")
    assert set_errors("injects[7].at_hours=1", "metadata.name.first=x", "bad", text=text) == [
        "s.yaml:27:11: assets.red_swarm.size: expected a whole number, got 'lots'",
        "--set:1:1: injects[7].at_hours: index 7 is out of range: 'injects' has 2 items",
        "--set:2:1: metadata.name.first: 'metadata.name' is 'Test strait', not a mapping or a list",
        "--set:3:1: : expected PATH=VALUE, got 'bad'",
    ]


def test_value_syntax_error_is_located_in_the_value() -> None:
    (line,) = set_errors("actors.RED.adversaries=[BLUE")
    assert line.startswith("--set:1:29: actors.RED.adversaries: YAML syntax error in the value:")


def test_too_many_overrides() -> None:
    overrides = ["time.horizon_hours=10"] * (limits.MAX_OVERRIDES + 1)
    assert set_errors(*overrides) == [
        f"--set:{limits.MAX_OVERRIDES + 1}:1: : {limits.MAX_OVERRIDES + 1} --set options exceed the limit of "
        f"{limits.MAX_OVERRIDES}"
    ]
