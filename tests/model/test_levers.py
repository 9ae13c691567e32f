"""Every lever acts: on the shipped scenario the catalogue names, the paired 95% interval of the lever's stated
metric (2,000 runs per arm, common random numbers) excludes zero, in the direction docs/model.md states."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.experiments.lever_effects import LEVERS, SCENARIOS, Lever, measure
from sim.experiments.metrics import KNOWN_METRICS
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
RUNS = 2000
SEED = 20261130

ISSUE_ROWS = (
    "operators per actor",
    "automation bias",
    "human-control norm",
    "ASAT moratorium",
    "orbital debris hazard (Kessler)",
    "hotline",
    "export controls",
    "domestic chips (controlled actors)",
    "proliferation",
    "PRC doctrine",
)
"""The levers that once moved nothing (issue 11's table): none may be null."""


def test_the_catalogue_is_well_formed_and_covers_the_levers_that_once_moved_nothing():
    names = [lever.name for lever in LEVERS]
    assert len(set(names)) == len(names)
    assert set(ISSUE_ROWS) <= set(names)
    for lever in LEVERS:
        assert lever.metric in KNOWN_METRICS and lever.direction in (-1, 1) and lever.scenario in SCENARIOS
        assert lever.path.startswith("§")


@pytest.fixture(scope="module")
def shipped():
    return {name: load_scenario(ROOT / "scenarios" / f"{name}.yaml") for name in SCENARIOS}


@pytest.mark.parametrize("lever", LEVERS, ids=[lever.name for lever in LEVERS])
def test_lever_moves_its_metric_in_the_stated_direction(shipped, lever: Lever):
    diffs = measure(shipped[lever.scenario], lever, RUNS, SEED)
    assert diffs is not None, f"{lever.name} has no hold on {lever.scenario}"
    d = diffs[lever.metric]
    interval = f"{d.diff:+.4f} [{d.lo:+.4f}, {d.hi:+.4f}]"
    if lever.direction > 0:
        assert d.lo > 0, f"{lever.name} on {lever.scenario}: {lever.metric} should rise, got {interval}"
    else:
        assert d.hi < 0, f"{lever.name} on {lever.scenario}: {lever.metric} should fall, got {interval}"
