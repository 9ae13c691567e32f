"""Versus scenarios for the levers of Model 2.0 part 2: raids before the operators, the human-control norm with
teeth, direct-ascent strikes under the ASAT moratorium, fresh debris and blindness, replenishment, the
capability balance and teacher blind spots. Each sets one mechanism to decide and checks what must follow."""

from __future__ import annotations

import pytest
from model_scenarios import duel

from sim.engines.reference import EscalationModel
from sim.kernels import technology as tech
from sim.scenario.schema import Autonomy

NO_CONTACTS = {"rate_per_day": {"drone_swarm": 0.0, "naval_group": 0.0, "space_asset": 0.0}}
FIRE = {str(k): "fire_at_threatening" for k in range(8)}
NORM_ON = {"enabled": True, "baseline_compliance": 1.0, "escalation_pressure": 0.0}


def run(scenario, seed=7):
    return EscalationModel(scenario, seed=seed, run=0).run()


def texts(model, kind):
    return [e.text for e in model.log if e.kind == kind]


# --------------------------------------------------------------------------- raids before the operators


def _raid(review_timeout: str, operators: int):
    """BLU's ships, in the loop, flag every contact with RED's 400-drone swarm: a raid of 100 tracks."""
    return duel(
        actors={
            "BLU": {
                "roe_threshold": -3.0,
                "rules_of_engagement": FIRE,
                "operators": operators,
                "review_timeout": review_timeout,
            }
        },
        assets={"red_swarm": {"size": 400}, "blu_ships": {"ships": 100, "air_defense": 0}},
        parameters={
            "encounters": {
                "rate_per_day": {"drone_swarm": 0.0, "naval_group": 4.0, "space_asset": 0.0},
                "hostile_share_base": 0.0,
                "hostile_share_per_rung": 0.0,
            },
            "command": {"minutes_per_track": 1.0},
        },
    )


@pytest.mark.parametrize(("timeout", "says"), [("hold", "not made"), ("engage", "engages")])
def test_a_raid_one_operator_cannot_clear_in_time_is_decided_by_doctrine(timeout, says):
    model = run(_raid(timeout, operators=1))
    lines = [t for t in texts(model, "c2") + texts(model, "engagement") if "not cleared within the engagement" in t]
    assert lines, "a raid of 100 tracks takes one operator 99 minutes past its first review"
    assert all(says in line for line in lines)
    assert all(("engaged by default" in line) == (timeout == "engage") for line in lines)


def test_enough_operators_clear_the_same_raid_in_time():
    model = run(_raid("hold", operators=100))
    assert texts(model, "classification")
    assert not [t for t in texts(model, "c2") if "not cleared" in t]


def test_raid_tracks_load_the_operators():
    model = EscalationModel(_raid("hold", operators=4), seed=7, run=0)
    resource = model.c2.operators["BLU"]
    request = resource.request()
    request.tracks = 100
    assert model.c2._load(model.actors["BLU"]) == pytest.approx(100 / 4)


# --------------------------------------------------------------------------- the human-control norm


def _norm(red_rung: int = 1, **norm):
    return duel(
        actors={
            "RED": {
                "autonomy": "out_of_the_loop",
                "commitments": ["human_control_norm", "hotline"],
                "initial_rung": red_rung,
            },
            "BLU": {"commitments": ["human_control_norm", "hotline"]},
        },
        policy={"human_control_norm": norm, "hotline": {"enabled": True, "reliability": 0.8}},
        parameters={"encounters": NO_CONTACTS},
        technology={"balance_gain": 0.0},
    )


def test_a_complying_actor_runs_its_assets_on_the_loop():
    on = EscalationModel(_norm(**NORM_ON), seed=7, run=0)
    off = EscalationModel(_norm(enabled=False), seed=7, run=0)
    assert on.assets["red_swarm"].autonomy == Autonomy.ON_THE_LOOP
    assert off.assets["red_swarm"].autonomy == Autonomy.OUT_OF_THE_LOOP


def test_a_detected_violation_brings_pressure_distrust_and_a_weaker_hotline():
    # at rung 7 with full escalation pressure RED defects, however sure detection is
    scn = _norm(
        red_rung=7,
        enabled=True,
        escalation_pressure=1.0,
        verification="attestation",
        detection_per_day={"attestation": 1000.0},
        violation_pressure=2.0,
        distrust=0.25,
        hotline_penalty=0.5,
    )
    model = EscalationModel(scn, seed=7, run=0)
    red, blu = model.actors["RED"], model.actors["BLU"]
    assert model.assets["red_swarm"].autonomy == Autonomy.OUT_OF_THE_LOOP  # RED defects
    assert model.escalation._tilt(blu, red) == 1.0
    model.step()
    assert texts(model, "norm")[0] == "RED's violation of the human-control norm is detected (attestation)"
    assert red.violation_detected and blu.trust == 0.25
    assert model.escalation._tilt(blu, red) == pytest.approx(3.0)
    assert model.escalation._tilt(red, blu) == 1.0
    assert model.escalation.reliability(blu, red) == pytest.approx(0.8 * 0.5)


def test_a_violation_nobody_can_detect_goes_unanswered():
    scn = _norm(enabled=True, baseline_compliance=0.0, verification="inspection", detection_per_day={"inspection": 0.0})
    model = run(scn)
    assert not texts(model, "norm") and not model.actors["RED"].violation_detected


# --------------------------------------------------------------------------- counter-space and the moratorium


def _counterspace(compliance: float | None, debris: int = 500):
    policy = {"asat_test_moratorium": {"enabled": compliance is not None, "compliance": compliance or 0.0}}
    return duel(
        actors={
            "RED": {
                "direct_ascent_asat": {"zone": "geo", "kill_probability": 1.0, "debris": debris},
                "commitments": ["asat_test_moratorium"],
                "resolve": 1.0,
            },
            "BLU": {"commitments": ["asat_test_moratorium"]},
        },
        policy=policy,
        parameters={
            "encounters": NO_CONTACTS,
            "space": {"counterspace_rung": 2, "fragment_hit_per_day": 0.0},
            "response": {"deliberate_escalation_per_day": 10.0},
            "firebreak": {"cross_strategic": 1.0, "cross_signaling": 1.0, "cross_use": 1.0},
        },
        technology={"balance_gain": 0.0},
        time={"horizon_hours": 24, "tick_hours": 1},
    )


def test_rising_to_the_counter_space_rung_fires_a_direct_ascent_interceptor():
    model = run(_counterspace(None))
    strike = [t for t in texts(model, "engagement") if "direct-ascent" in t]
    assert strike == [
        "RED strikes BLU early warning satellite blu_ew with a direct-ascent interceptor: target disabled"
    ]
    assert not model.assets["blu_ew"].operational and model.counts["debris"] == 500
    answers = [c for c in model.rung_changes if c.actor == "BLU" and c.toward == "RED"]
    assert max(c.new_rung for c in answers) >= 5  # an early-warning satellite is strategic


def test_a_bound_actor_that_complies_holds_its_destructive_strike():
    model = run(_counterspace(1.0))
    assert any("holds its direct-ascent strike" in t for t in texts(model, "moratorium"))
    assert model.assets["blu_ew"].operational and model.counts["debris"] == 0


def test_a_breach_is_answered_and_releases_everyone():
    model = run(_counterspace(0.0))
    assert "RED breaches the ASAT moratorium" in texts(model, "moratorium")
    assert model.moratorium_broken and not model.counterspace.bound(model.actors["BLU"])
    answers = [c for c in model.rung_changes if c.actor == "BLU" and c.toward == "RED"]
    assert answers


def test_a_non_destructive_strike_is_outside_the_moratorium():
    model = run(_counterspace(1.0, debris=0))
    assert not texts(model, "moratorium") and not model.assets["blu_ew"].operational


# --------------------------------------------------------------------------- fresh debris and blindness


def test_fresh_debris_destroys_a_satellite_and_an_isr_loss_blinds_its_owner():
    scn = duel(
        assets={"blu_isr": {"kind": "space_asset", "owner": "BLU", "zone": "geo", "role": "isr"}},
        injects=[{"kind": "asat_test", "at_hours": 0.5, "actor": "RED", "zone": "geo", "debris": 100000}],
        parameters={"encounters": NO_CONTACTS, "space": {"fragment_hit_per_day": 1e-3, "isr_dependence": 0.5}},
    )
    model = run(scn)
    destroyed = {t.split(" destroyed by fragments")[0] for t in texts(model, "collision") if "by fragments" in t}
    # every satellite in the shell is exposed, RED's own included
    assert destroyed == {
        "BLU early warning satellite blu_ew",
        "BLU isr satellite blu_isr",
        "RED co orbital asat satellite red_asat",
    }
    assert model.actors["BLU"].isr_lost == 1
    ships = model.assets["blu_ships"]
    assert model.c2._d_prime(ships) == pytest.approx(ships.d_prime * 0.5)


# --------------------------------------------------------------------------- the technology layer in the crisis


def test_replenishment_over_a_day_at_half_compute():
    scn = duel(
        actors={"RED": {"compute": {"frontier_chip_access": 0.5}}},
        technology={"replenishment_per_day": 0.2},
        parameters={"encounters": NO_CONTACTS},
        time={"horizon_hours": 72, "tick_hours": 6},
    )
    model = EscalationModel(scn, seed=7, run=0)
    swarm = model.assets["red_swarm"]
    fielded = swarm.drones_at_start
    swarm.drones = fielded - 40
    for _ in range(4):
        model.logistics.replenish()
    share = model.actors["RED"].technology.compute_share
    assert swarm.drones == fielded - 40 + int(0.2 * share * fielded)
    assert swarm.replaced == int(0.2 * share * fielded)


def test_the_capability_balance_tilts_deliberate_escalation():
    scn = duel(actors={"RED": {"ai": {"capability": 0.2}}}, technology={"balance_gain": 1.0})
    model = EscalationModel(scn, seed=7, run=0)
    red, blu = model.actors["RED"], model.actors["BLU"]
    b = tech.capability_balance(red.technology.strength, blu.technology.strength)
    assert b < 0
    assert model.escalation._tilt(red, blu) == pytest.approx(1.0 + b)
    assert model.escalation._tilt(blu, red) == pytest.approx(1.0 - b)


def test_teacher_blind_spots_blind_every_distilled_student_at_once():
    scn = duel(
        actors={"RED": {"ai": {"source": "distilled"}}, "BLU": {"ai": {"source": "distilled"}}},
        technology={"distillation": {"blind_spot_episodes_per_day": 5.0, "blind_spot_hours": 12.0}},
        parameters={"encounters": NO_CONTACTS},
    )
    model = EscalationModel(scn, seed=7, run=0)
    swarm, ships = model.assets["red_swarm"], model.assets["blu_ships"]
    seen = False
    while model.running:
        model.step()
        if model.blind_spot:
            seen = True
            assert model.c2._d_prime(swarm) == pytest.approx(swarm.d_prime * 0.5)
            assert model.c2._d_prime(ships) == pytest.approx(ships.d_prime * 0.5)
    assert seen
    assert texts(model, "blind_spot")[0] == "the frontier teacher's blind spot is exposed: distilled students misread"
