"""Fixtures for the compiled engine's tests: shipped scenarios and small scenarios that stress one path."""

from __future__ import annotations

from scenario_builders import SCENARIOS, SHIPPED, merge

from sim.scenario.schema import Scenario

__all__ = ["DUEL", "SCENARIOS", "SHIPPED", "VARIANTS", "merge", "variant"]

DUEL = {
    "metadata": {"name": "duel"},
    "time": {"horizon_hours": 96, "tick_hours": 1},
    "zones": {
        "sea": {"kind": "theater"},
        "geo": {"kind": "orbit", "regime": "GEO", "tracked_objects": 1000},
    },
    "actors": {
        "BLU": {
            "adversaries": ["RED"],
            "ai": {"source": "frontier", "capability": 0.8},
            "initial_rung": 1,
            "operators": 1,
            "commitments": ["hotline", "incidents_at_sea", "human_control_norm", "asat_test_moratorium"],
        },
        "RED": {
            "ai": {"source": "frontier", "capability": 0.6},
            "initial_rung": 1,
            "operators": 1,
            "autonomy": "on_the_loop",
            "commitments": ["hotline", "incidents_at_sea", "human_control_norm"],
        },
    },
    "assets": {
        "blu_ships": {"kind": "naval_group", "owner": "BLU", "zone": "sea", "ships": 4},
        "blu_swarm": {"kind": "drone_swarm", "owner": "BLU", "zone": "sea", "size": 40},
        "red_swarm": {"kind": "drone_swarm", "owner": "RED", "zone": "sea", "size": 100},
        "red_ships": {"kind": "naval_group", "owner": "RED", "zone": "sea", "ships": 3},
        "blu_ew": {"kind": "space_asset", "owner": "BLU", "zone": "geo", "role": "early_warning"},
        "red_asat": {"kind": "space_asset", "owner": "RED", "zone": "geo", "role": "co_orbital_asat"},
    },
    "parameters": {
        "encounters": {"rate_per_day": {"drone_swarm": 6.0, "naval_group": 3.0, "space_asset": 2.0}},
        "space": {"collision_coefficient_per_day": 1e-7},
        "warning": {"false_alarms_per_year": 60.0, "corroboration_probability": 0.6},
    },
}
"""A busy two-actor crisis: one operator each (queues and lapsed reviews), all three autonomy paths."""

VARIANTS = {
    "busy": {},
    "queues": {
        "actors": {
            "BLU": {"rules_of_engagement": {0: "fire_at_threatening", 1: "fire_at_threatening"}},
            "RED": {"rules_of_engagement": {1: "fire_at_threatening"}, "review_timeout": "engage"},
        },
        "parameters": {
            "command": {"engagement_window_minutes": 2.0, "review_minutes": {"low": 1, "mode": 5, "high": 9}}
        },
        "injects": [{"kind": "autonomy_change", "at_hours": 20, "actor": "RED", "autonomy": "in_the_loop"}],
    },
    "raids": {
        "actors": {
            "BLU": {"operators": 2, "rules_of_engagement": {1: "fire_at_threatening"}},
            "RED": {"operators": 3, "review_timeout": "engage", "autonomy": "in_the_loop"},
        },
        "assets": {"blu_swarm": {"size": 160}, "red_swarm": {"size": 300}},
        "parameters": {"command": {"minutes_per_track": 1.0, "automation_bias_per_alert": 0.1}},
    },
    "alliance": {
        "actors": {
            "GRN": {
                "adversaries": ["RED"],
                "ai": {"source": "distilled"},
                "initial_rung": 0,
                "obligations": [{"partner": "BLU", "rung": 3}],
                "commitments": ["hotline"],
            },
            "BLU": {"obligations": [{"partner": "GRN", "rung": 2}]},
        },
        "assets": {"grn_swarm": {"kind": "drone_swarm", "owner": "GRN", "zone": "sea", "size": 30}},
        "parameters": {"ending": {"end_per_day": 0.4}, "response": {"crisis_onset_per_day": 0.2}},
    },
    "policies": {
        "policy": {
            "incidents_at_sea": {"enabled": True},
            "human_control_norm": {"enabled": True},
            "asat_test_moratorium": {"enabled": True, "compliance": 0.5},
            "hotline": {"latency_hours": 0.2, "reliability": 0.8},
        }
    },
    "injects": {
        "injects": [
            {"kind": "false_alarm", "at_hours": 3, "actor": "BLU", "blamed": "RED", "description": "a phantom"},
            {"kind": "asat_test", "at_hours": 5, "actor": "BLU", "zone": "geo", "debris": 40000},
            {"kind": "collision_at_sea", "at_hours": 7.5, "assets": ["blu_ships", "red_ships"]},
            {"kind": "attack", "at_hours": 9, "attacker": "red_asat", "target": "blu_ew"},
            {"kind": "attack", "at_hours": 10, "attacker": "red_ships", "target": "blu_swarm"},
            {"kind": "autonomy_change", "at_hours": 12, "actor": "BLU", "autonomy": "out_of_the_loop"},
            {"kind": "autonomy_change", "at_hours": 30, "actor": "RED", "autonomy": "in_the_loop"},
        ]
    },
    "short_ticks": {"time": {"horizon_hours": 50, "tick_hours": 0.7}},
    "levers": {
        "actors": {
            "BLU": {"autonomy": "out_of_the_loop", "direct_ascent_asat": {"zone": "geo", "debris": 2000}},
            "RED": {
                "ai": {"source": "distilled"},
                "direct_ascent_asat": {"zone": "geo", "debris": 0, "kill_probability": 0.7},
                "commitments": ["hotline", "human_control_norm", "asat_test_moratorium"],
            },
        },
        "assets": {
            "blu_isr": {"kind": "space_asset", "owner": "BLU", "zone": "geo", "role": "isr"},
            "red_isr": {"kind": "space_asset", "owner": "RED", "zone": "geo", "role": "isr"},
            "red_ships": {"magazine": 20},
        },
        "policy": {
            "human_control_norm": {"enabled": True, "verification": "attestation", "baseline_compliance": 0.3},
            "asat_test_moratorium": {"enabled": True, "compliance": 0.5},
        },
        "technology": {
            "replenishment_per_day": 0.5,
            "balance_gain": 2.0,
            "distillation": {"blind_spot_episodes_per_day": 2.0, "blind_spot_hours": 6.0},
        },
        "parameters": {
            "space": {"fragment_hit_per_day": 2e-4, "counterspace_rung": 3, "isr_dependence": 0.8},
            "response": {"deliberate_escalation_per_day": 0.5},
        },
        "injects": [{"kind": "asat_test", "at_hours": 6, "actor": "BLU", "zone": "geo", "debris": 500}],
    },
    "chains": {
        "actors": {
            "BLU": {"autonomy": "out_of_the_loop", "self_defense": "defend_zone", "decision_latency_hours": 2.0},
            "RED": {"autonomy": "on_the_loop", "self_defense": "defend_zone", "operators": 2},
        },
        "assets": {
            "blu_swarm": {"size": 200},
            "blu_second": {"kind": "naval_group", "owner": "BLU", "zone": "sea", "ships": 3},
            "red_second": {"kind": "drone_swarm", "owner": "RED", "zone": "sea", "size": 120},
        },
        "policy": {"hotline": {"latency_hours": 0.1, "reliability": 0.9}},
        "parameters": {
            "command": {"machine_latency_seconds": 600.0, "veto_window_seconds": 1800.0, "error_discovery_hours": 0.2},
            "flash": {"theater_exchanges": 2},
            "leadership": {"over_reading": 0.2, "time_constant_hours": 4.0},
        },
    },
    "firebreak": {
        "zones": {"sea": {"homeland": "BLU"}},
        "actors": {
            "BLU": {"initial_rung": 0, "doctrine": "escalate_to_dominate", "resolve": 0.9, "risk_tolerance": 0.9},
            "RED": {"initial_rung": 0, "autonomy": "out_of_the_loop"},
        },
        "crisis_dyads": [["BLU", "RED"]],
        "parameters": {
            "response": {"crisis_onset_per_day": 2.0},
            "firebreak": {
                "strategic_per_day": 0.2,
                "signaling_per_day": 0.2,
                "use_per_day": 0.1,
                "cross_strategic": 0.3,
                "cross_signaling": 0.3,
                "cross_use": 0.2,
                "stakes_factor": 1.5,
                "losing_share": 0.2,
            },
            "leadership": {"over_reading": 0.1, "d_prime": 1.0},
        },
        "injects": [
            {"kind": "attack", "at_hours": 30, "attacker": "red_asat", "target": "blu_ew"},
            {"kind": "false_alarm", "at_hours": 40, "actor": "RED", "blamed": "BLU"},
        ],
    },
}
"""Small scenarios, each stressing one part of the model (the 'busy' duel with changes deep-merged)."""


def variant(name: str) -> Scenario:
    """One of :data:`VARIANTS` as a validated scenario."""
    return Scenario.model_validate(merge(DUEL, VARIANTS[name]))
