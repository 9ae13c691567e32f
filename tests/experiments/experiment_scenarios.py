"""Small, fast scenarios for the experiment tests (a one-day two-actor 'duel', about 2 ms per run)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "scenarios"

TINY = {
    "metadata": {"name": "tiny duel"},
    "time": {"horizon_hours": 24, "tick_hours": 1},
    "zones": {
        "sea": {"kind": "theater"},
        "geo": {"kind": "orbit", "regime": "GEO", "tracked_objects": 1000},
    },
    "actors": {
        "BLU": {"adversaries": ["RED"], "ai": {"source": "frontier", "capability": 0.8}, "initial_rung": 1},
        "RED": {"ai": {"source": "frontier", "capability": 0.8}, "initial_rung": 1},
    },
    "assets": {
        "blu_ships": {"kind": "naval_group", "owner": "BLU", "zone": "sea", "ships": 4},
        "red_swarm": {"kind": "drone_swarm", "owner": "RED", "zone": "sea", "size": 100},
        "blu_ew": {"kind": "space_asset", "owner": "BLU", "zone": "geo", "role": "early_warning"},
        "red_asat": {"kind": "space_asset", "owner": "RED", "zone": "geo", "role": "co_orbital_asat"},
    },
    "parameters": {
        "encounters": {"rate_per_day": {"drone_swarm": 4.0, "naval_group": 0.0, "space_asset": 0.0}},
        "response": {"deliberate_escalation_per_day": 0.0, "de_escalation_per_day": 0.0},
    },
    "policy": {"hotline": {"enabled": False}},
    "monte_carlo": {"runs": 20, "seed": 11},
}
"""Copied from tests/model/conftest.py ``DUEL``, with a 24-hour horizon to keep runs cheap."""

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
