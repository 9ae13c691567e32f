"""Fixtures of the calibration tests: the observed statistics at the truth, and a fresh targets file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from calibration_problem import STATISTICS, TARGETS, TRUTH, duel_document


@pytest.fixture(scope="session")
def observed() -> dict[str, float]:
    """The targets' statistics at the truth, from 4,000 runs."""
    from sim.calibration.statistics import statistic_value
    from sim.engines import run_many
    from sim.scenario import load_scenario_data

    scenario = load_scenario_data(duel_document(TRUTH))
    outcomes = run_many(scenario, 99, range(4000))
    return {name: round(statistic_value(stat, outcomes, scenario), 3) for name, stat in STATISTICS.items()}


@pytest.fixture
def problem(tmp_path: Path, observed: dict[str, float]) -> Path:
    """A targets file (and its scenario) in a fresh directory; the scenario's own values are not the truth."""
    (tmp_path / "duel.yaml").write_text(json.dumps(duel_document()), encoding="utf-8")
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS.format(runs=150, **observed), encoding="utf-8")
    return path
