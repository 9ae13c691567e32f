"""Fixtures for tests/engine. Helpers live in engine_scenarios.py: every test folder shares the module name
`conftest`, so a helper imported from it would clash with another folder's."""

from __future__ import annotations

import pytest
from engine_scenarios import SCENARIOS, SHIPPED

from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario


@pytest.fixture(scope="session")
def shipped() -> dict[str, Scenario]:
    """Every shipped scenario, loaded and validated once."""
    return {name: load_scenario(SCENARIOS / f"{name}.yaml") for name in SHIPPED}
