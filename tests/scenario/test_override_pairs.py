"""Overrides given as ``(path, value)`` pairs from Python: numpy scalars and dotted paths (issue 14, defect 3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.scenario import ScenarioError, load_scenario, load_scenario_data

SCS = Path(__file__).resolve().parents[2] / "scenarios" / "south_china_sea.yaml"


@pytest.fixture(scope="module")
def document() -> dict:
    return load_scenario(SCS).model_dump(mode="json")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(np.bool_(False), False), (np.float64(0.25), 0.25), (np.float32(0.5), 0.5), (np.int64(1), 1)],
)
def test_numpy_scalars_are_accepted_as_values(document, value, expected):
    path = ("policy", "hotline", "enabled") if isinstance(value, np.bool_) else ("actors", "PRC", "resolve")
    scenario = load_scenario_data(document, [(path, value)])
    got = scenario.policy.hotline.enabled if isinstance(value, np.bool_) else scenario.actors["PRC"].resolve
    assert got == expected


def test_numpy_list_indices_and_arrays(document):
    scenario = load_scenario_data(document, [(("injects", np.int64(0), "at_hours"), np.array(12.5))])
    assert scenario.injects[0].at_hours == 12.5


def test_a_dotted_path_in_a_pair_is_a_path_not_characters(document):
    scenario = load_scenario_data(document, [("policy.hotline.enabled", False), ("injects[0].at_hours", 3)])
    assert scenario.policy.hotline.enabled is False and scenario.injects[0].at_hours == 3
    with pytest.raises(ScenarioError) as caught:
        load_scenario_data(document, [("policy.hotline.enabld", True)])
    [error] = caught.value.errors
    assert error.format() == ("--set:1:1: policy.hotline.enabld: unknown key 'enabld' (did you mean 'enabled'?)")


def test_a_bad_path_in_a_pair_is_located(document):
    with pytest.raises(ScenarioError) as caught:
        load_scenario_data(document, [("a..b", 1), ((), 2), ((True,), 3)])
    assert [e.message.split(":")[0] for e in caught.value.errors] == [
        "malformed path 'a..b'",
        "empty path",
        "a path segment must be a key or a list index, got (True,)",
    ]
