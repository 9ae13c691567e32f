"""Small, fast scenarios for the experiment tests (a one-day two-actor 'duel', about 2 ms per run)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from scenario_builders import DUEL, merge

from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "scenarios"

TINY = merge(
    DUEL, {"metadata": {"name": "tiny duel"}, "time": {"horizon_hours": 24}, "monte_carlo": {"runs": 20, "seed": 11}}
)
"""The shared two-actor duel with a 24-hour horizon, to keep runs cheap."""

CAPABILITY = "actors.RED.ai.capability"
RATE = "parameters.encounters.rate_per_day.drone_swarm"


def tiny_data() -> dict:
    """A fresh copy of the tiny scenario document."""
    return copy.deepcopy(TINY)


def tiny() -> Scenario:
    """The tiny scenario, validated."""
    return Scenario.model_validate(tiny_data())


def write_tiny(directory: Path) -> Path:
    """Write the tiny scenario as a YAML file (JSON is YAML) and return its path."""
    path = directory / "tiny.yaml"
    path.write_text(json.dumps(tiny_data(), indent=1), encoding="utf-8")
    return path
