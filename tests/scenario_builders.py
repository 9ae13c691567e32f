"""Scenario data shared by the test folders: the shipped scenarios and a small two-actor 'duel'.

A module of its own (not a conftest): every test folder has a ``conftest`` module of the same name,
so helpers imported from one would clash with another folder's.
"""

from __future__ import annotations

import copy
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))

DUEL = {
    "metadata": {"name": "duel"},
    "time": {"horizon_hours": 72, "tick_hours": 1},
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
        "response": {"deliberate_escalation_per_day": 0.0, "de_escalation_per_day": 0.0, "crisis_onset_per_day": 0.0},
        "ending": {"end_per_day": 0.0},
    },
    "policy": {"hotline": {"enabled": False}},
}
"""Two actors, one asset of each kind that matters; only RED's swarm meets contacts by default; no
deliberate hazards and no crisis endings, so each versus test sees only the mechanism it sets up."""


def merge(base: dict, changes: dict) -> dict:
    """Deep-merge ``changes`` into a copy of ``base`` (dicts merge, everything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
