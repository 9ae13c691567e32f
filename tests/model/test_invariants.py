"""Invariants as property tests: rungs in 0-7, losses within forces, time within [0, horizon]."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_scenarios import duel

from sim.engines import outcome_of
from sim.engines.reference import EscalationModel
from sim.engines.reference.agents import DroneSwarmAgent, NavalGroupAgent, SpaceAssetAgent
from sim.scenario.schema import AUTONOMY_ORDER

levers = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 2**40),
        "autonomy": st.sampled_from(AUTONOMY_ORDER),
        "capability": st.floats(0.0, 1.0),
        "roe": st.floats(-3.0, 6.0),
        "rate": st.floats(0.0, 30.0),
        "hostile": st.floats(0.0, 1.0),
        "resolve": st.floats(0.0, 1.0),
        "hazard": st.floats(0.0, 5.0),
    }
)


def scenario_for(p):
    return duel(
        actors={
            "RED": {"autonomy": p["autonomy"], "roe_threshold": p["roe"], "resolve": p["resolve"]},
            "BLU": {"ai": {"capability": p["capability"]}, "resolve": 1 - p["resolve"]},
        },
        assets={"red_asat": {"debris_per_kill": 500}},
        parameters={
            "encounters": {
                "rate_per_day": {"drone_swarm": p["rate"], "naval_group": p["rate"], "space_asset": p["rate"]},
                "hostile_share_base": p["hostile"],
            },
            "response": {"deliberate_escalation_per_day": p["hazard"], "de_escalation_per_day": p["hazard"]},
        },
        time={"horizon_hours": 48, "tick_hours": 0.5},
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers)
def test_run_invariants(p):
    scenario = scenario_for(p)
    model = EscalationModel(scenario, seed=p["seed"], run=0)
    while model.running:
        model.step()
        assert all(0 <= actor.rung <= 7 for actor in model.actors.values())
        assert 0 <= model.crisis_level <= 7
    horizon = scenario.time.horizon_hours
    assert all(0.0 <= entry.hours <= horizon for entry in model.log)
    assert all(0.0 <= change.hours <= horizon for change in model.rung_changes)
    assert len(model.crisis_level_history) == 96
    for asset in model.assets.values():
        if isinstance(asset, DroneSwarmAgent):
            assert 0 <= asset.drones <= asset.drones_at_start
        elif isinstance(asset, NavalGroupAgent):
            assert 0 <= asset.ships <= asset.spec.ships
    swarms = [a for a in model.assets.values() if isinstance(a, DroneSwarmAgent)]
    groups = [a for a in model.assets.values() if isinstance(a, NavalGroupAgent)]
    assert model.total_losses("drones") == sum(a.drones_at_start - a.drones + a.replaced for a in swarms)
    assert model.total_losses("ships") == sum(a.spec.ships - a.ships for a in groups)
    lost_satellites = sum(isinstance(a, SpaceAssetAgent) and not a.operational for a in model.assets.values())
    assert model.total_losses("satellites") == lost_satellites
    outcome = outcome_of(model)
    firsts = [h for h in outcome.first_hours if not math.isnan(h)]
    assert firsts == sorted(firsts) and len(firsts) == outcome.max_rung + 1
    assert all(0.0 <= h <= horizon for h in firsts)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levers, st.integers(2, 12))
def test_monte_carlo_probabilities_are_probabilities(p, runs):
    from sim.experiments.monte_carlo import run_monte_carlo

    summary = run_monte_carlo(scenario_for(p), runs=runs, seed=p["seed"]).summary
    proportions = [*summary.max_rung_at_least, summary.inadvertent, *summary.root_causes.values()]
    assert all(0.0 <= q.lo <= q.p <= q.hi <= 1.0 for q in proportions)
    assert sum(q.p for q in summary.root_causes.values()) == pytest.approx(1.0)
    assert all(0.0 <= v <= 1.0 for v in summary.fan_p.ravel())
