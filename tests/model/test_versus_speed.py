"""Model 3.0 as 'versus' scenarios: machine-speed chains, leaders reading under time pressure, the hotline's race
against chains, the nuclear firebreak and crisis onset per dyad (docs/model.md §11, §12.3, §12.7, §13).

Each scenario is built so that the mechanism under test decides what happens, and the event log (or a frequency
over many independent draws, against its closed form) is checked.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from model_scenarios import duel, merge
from scipy import stats

from sim.engines import outcome_of, run_many
from sim.engines.reference import EscalationModel
from sim.engines.reference.records import Cause, PendingResponse
from sim.kernels import perception

BENIGN_ONLY = {"hostile_share_base": 0.0, "hostile_share_per_rung": 0.0, "threshold_shift_per_rung": 0.0}
FIRE = {str(k): "fire_at_threatening" for k in range(8)}
MACHINE = 2.0 / 3600.0
"""The default machine latency, hours."""


def run(scenario, seed=7):
    return EscalationModel(scenario, seed=seed, run=0).run()


def kinds(model, kind):
    return [e for e in model.log if e.kind == kind]


def misidentifying_red(red_defense="return_fire", blu_defense="return_fire", blu_autonomy="out_of_the_loop", **more):
    """RED's out-of-the-loop swarm fires at every (benign) contact; BLU's ships may answer at machine speed."""
    changes = {
        "actors": {
            "RED": {
                "roe_threshold": -3.0,
                "autonomy": "out_of_the_loop",
                "rules_of_engagement": FIRE,
                "self_defense": red_defense,
            },
            "BLU": {"autonomy": blu_autonomy, "self_defense": blu_defense, "rules_of_engagement": FIRE},
        },
        "assets": {"blu_ships": {"ships": 100, "air_defense": 0}, "red_swarm": {"size": 10000}},
        "parameters": {
            "encounters": {**BENIGN_ONLY, "rate_per_day": {"drone_swarm": 2.0}},
            "engagement": {"swarm_salvo_fraction": 0.001},
        },
        "time": {"horizon_hours": 24, "tick_hours": 1},
    }
    return duel(**merge(changes, more))


# --------------------------------------------------------------------------- machine-speed chains


def test_an_autonomous_victim_answers_at_machine_speed_and_its_forces_climb_before_any_leader_decides():
    model = run(misidentifying_red())
    engagements = kinds(model, "engagement")
    first = next(e for e in engagements if "no human in the loop" in e.text)
    answer = next(e for e in engagements if e.text.startswith("BLU") and "machine-speed self-defence" in e.text)
    assert answer.hours - first.hours == pytest.approx(MACHINE)
    step = next(e for e in kinds(model, "rung_change") if e.text.startswith("BLU escalates against RED"))
    assert "machine-speed self-defence (chain 0)" in step.text and "[root: misidentification]" in step.text
    assert step.hours == pytest.approx(answer.hours)
    assert not any(e.hours < step.hours for e in kinds(model, "response"))  # no leader has decided yet
    # RED's swarm answers BLU's answer: the chain's second exchange, two seconds later
    back = next(e for e in engagements if e.text.startswith("RED") and "machine-speed self-defence" in e.text)
    assert back.hours - answer.hours == pytest.approx(MACHINE)
    outcome = outcome_of(model)
    assert outcome.flash_chains == len(model.flash.chains) >= 1
    assert outcome.flash_max_rungs >= 2  # rung 1 to 3 within the chain


def test_each_asset_answers_once_per_chain_so_chains_end():
    model = run(misidentifying_red())
    for chain in model.flash.chains:
        assert chain.exchanges == len(chain.answered) <= 2
        assert chain.answered <= {"blu_ships", "red_swarm"}


def test_hold_means_no_machine_speed_answer():
    model = run(misidentifying_red(blu_defense="hold"))
    assert model.counts["engagements_false"] >= 2
    assert model.flash.chains == []
    assert not any("machine-speed" in e.text for e in model.log)


def test_assets_in_the_loop_never_answer_at_machine_speed():
    model = run(misidentifying_red(blu_autonomy="in_the_loop"))
    assert model.counts["engagements_false"] >= 2 and model.flash.chains == []


def test_on_the_loop_assets_answer_after_the_veto_window():
    model = run(misidentifying_red(blu_autonomy="on_the_loop"))
    first = next(e for e in kinds(model, "engagement") if "no human in the loop" in e.text)
    answer = next(e for e in kinds(model, "engagement") if e.text.startswith("BLU"))
    assert "machine-speed self-defence" in answer.text
    assert answer.hours - first.hours == pytest.approx(20.0 / 3600.0)


def _answers_by_zone_mates(model) -> tuple[int, int]:
    """BLU's machine-speed answers by the attacked asset itself, and by a zone-mate of it."""
    by_id = {e.id: e for e in model.log}
    own = mate = 0
    for e in kinds(model, "engagement"):
        if e.text.startswith("BLU") and "machine-speed" in e.text:
            answered = by_id[e.cause_chain[-1]]
            target = answered.text.split(" engages ")[1].split(" (")[0]
            if target == e.text.split(" engages ")[0]:
                own += 1
            else:
                mate += 1
    return own, mate


def test_defend_zone_brings_zone_mates_in_and_return_fire_does_not():
    """A second BLU group in the same zone answers an attack on the first only under defend_zone."""
    second = {"blu_second": {"kind": "naval_group", "owner": "BLU", "zone": "sea", "ships": 100, "air_defense": 0}}
    own, mate = _answers_by_zone_mates(run(misidentifying_red(blu_defense="return_fire", assets=second)))
    assert own >= 2 and mate == 0
    own, mate = _answers_by_zone_mates(run(misidentifying_red(blu_defense="defend_zone", assets=second)))
    assert own >= 2 and mate >= 2


def test_a_chain_that_becomes_a_battle_reads_as_theater_strikes_but_machines_never_cross_the_firebreak():
    scn = misidentifying_red(red_defense="defend_zone", parameters={"flash": {"theater_exchanges": 1}})
    model = run(scn)
    steps = [e for e in kinds(model, "rung_change") if "machine-speed" in e.text]
    assert steps
    assert {int(e.text.split("to rung ")[1].split(" ")[0]) for e in steps} == {4}


# --------------------------------------------------------------------------- leaders under time pressure


def _leaders_reading(scenario, hours: float, n: int = 4000) -> float:
    """Share of provocations a leadership reads one rung too high when it has ``hours`` to decide."""
    model = EscalationModel(scenario, seed=3, run=0)
    actor = model.actors["BLU"]
    pending = PendingResponse(1, "BLU", "RED", 3, Cause("deliberate"), 0.0, None, latency_hours=hours)
    return float(np.mean([model.escalation.read_rung(actor, pending) == 4 for _ in range(n)]))


@pytest.mark.parametrize("hours", [0.01, 0.6, 6.0, 600.0])
def test_leaders_over_read_provocations_more_the_less_time_they_have_as_the_closed_form_says(hours):
    scn = duel()
    lead = scn.parameters.leadership
    expected = perception.hurried_error(lead.over_reading, lead.d_prime, hours, lead.time_constant_hours)
    got = _leaders_reading(scn, hours)
    assert stats.binomtest(round(got * 4000), 4000, expected).pvalue > 1e-3, (hours, got, expected)


def test_leaders_misattribute_more_under_time_pressure():
    three = duel(
        actors={"GRN": {"ai": {"source": "frontier", "capability": 0.8}, "adversaries": ["BLU"]}},
        parameters={"response": {"misattribution_base": 0.03}},
    )
    model = EscalationModel(three, seed=5, run=0)
    attacker, victim = model.assets["red_swarm"], model.actors["BLU"]
    rates = {}
    for hours in (0.05, 50.0):
        rates[hours] = np.mean([model.escalation.attribute(attacker, victim, hours)[1] for _ in range(4000)])
    lead = three.parameters.leadership
    for hours, rate in rates.items():
        expected = perception.hurried_error(0.03, lead.d_prime, hours, lead.time_constant_hours)
        assert stats.binomtest(round(rate * 4000), 4000, expected).pvalue > 1e-3, (hours, rate, expected)
    assert rates[0.05] > 3 * rates[50.0]


# --------------------------------------------------------------------------- the hotline's race against a chain


def test_a_clarification_that_wins_the_race_stands_down_every_response_to_the_incident():
    scn = misidentifying_red(
        actors={
            "RED": {"commitments": ["hotline"], "decision_latency_hours": 200.0},
            "BLU": {"commitments": ["hotline"], "decision_latency_hours": 200.0},
        },
        policy={"hotline": {"enabled": True, "reliability": 1.0, "latency_hours": 0.01}},
        parameters={"command": {"error_discovery_hours": 0.01, "response_latency_factor": {"out_of_the_loop": 1.0}}},
    )
    model = run(scn)
    accepted = [e for e in kinds(model, "hotline") if "stands its response down" in e.text]
    incident = [e for e in kinds(model, "hotline") if "more responses to the same incident" in e.text]
    assert accepted and incident
    assert not kinds(model, "response")  # every response to every chain was stood down before it was decided


# --------------------------------------------------------------------------- the firebreak


def strategic_provocations(cross: float, **more):
    """RED's co-orbital ASAT attacks BLU's early-warning satellite every 6 hours: provocations at rung 5."""
    injects = [{"kind": "attack", "at_hours": 1 + 6 * i, "attacker": "red_asat", "target": "blu_ew"} for i in range(8)]
    changes = {
        "actors": {"BLU": {"doctrine": "escalate_to_dominate", "resolve": 1.0, "risk_tolerance": 1.0}},
        "assets": {"red_asat": {"kill_probability": 0.0}},
        "parameters": {
            "encounters": {"rate_per_day": {"drone_swarm": 0.0}},
            "firebreak": {"cross_strategic": cross, "cross_signaling": cross, "cross_use": cross},
        },
        "injects": injects,
    }
    return duel(**merge(changes, more))


def test_a_leadership_that_will_not_cross_holds_at_the_firebreak():
    model = run(strategic_provocations(0.0))
    holds = kinds(model, "firebreak")
    assert holds and all("it holds at rung 4" in e.text for e in holds)
    assert model.actors["BLU"].rung == 4


def test_a_leadership_that_crosses_takes_the_rung_its_doctrine_calls_for():
    model = run(strategic_provocations(1.0))
    assert not kinds(model, "firebreak")
    assert model.actors["BLU"].rung >= 6


@pytest.mark.parametrize("stakes", [0, 2])
def test_threshold_decisions_descend_from_the_doctrine_target_with_the_closed_form_odds(stakes):
    """A response calling for 6 from rung 3: take 6 w.p. q6 s^S, else 5 w.p. q5 s^S, else hold at 4."""
    q5, q6, factor = 0.1, 0.2, 2.0
    scn = duel(parameters={"firebreak": {"cross_strategic": q5, "cross_signaling": q6, "stakes_factor": factor}})
    model = EscalationModel(scn, seed=13, run=0)
    blu, red = model.actors["BLU"], model.actors["RED"]
    blu.strategic_hit = stakes >= 1
    blu.homeland_hit = stakes >= 2
    assert model.firebreak.stakes(blu) == stakes
    taken = np.array([model.firebreak.gate(blu, red, 3, 6, 0) for _ in range(6000)])
    a6, a5 = min(1.0, q6 * factor**stakes), min(1.0, q5 * factor**stakes)
    for rung, p in ((6, a6), (5, (1 - a6) * a5), (4, (1 - a6) * (1 - a5))):
        count = int(np.sum(taken == rung))
        assert stats.binomtest(count, len(taken), p).pvalue > 1e-3, (rung, count / len(taken), p)


def test_signalling_needs_no_strategic_strikes_first():
    """A leadership standing at a limited kinetic incident can signal (rung 6) at its own hazard, skipping 5."""
    scn = duel(
        actors={"BLU": {"initial_rung": 3}, "RED": {"initial_rung": 3}},
        parameters={
            "encounters": {"rate_per_day": {"drone_swarm": 0.0}},
            "response": {"deliberate_escalation_per_day": 0.0},
            "firebreak": {"signaling_per_day": 2.0, "cross_strategic": 0.0},
        },
        time={"horizon_hours": 48, "tick_hours": 1},
    )
    model = run(scn)
    steps = [e for e in kinds(model, "rung_change") if "to rung 6" in e.text]
    assert steps and all("deliberate escalation" in e.text for e in steps)
    assert not any("to rung 5" in e.text for e in kinds(model, "rung_change"))


# --------------------------------------------------------------------------- onset per crisis dyad


@pytest.mark.parametrize("dyad", [False, True])
def test_a_crisis_opens_from_peace_only_in_a_crisis_dyad_at_the_onset_hazard(dyad):
    """Each side of a dyad opens it at half the onset hazard h: the crisis opens within T hours with
    probability 1 - exp(-h T / 24) exactly (tick by tick); a pair that is not a dyad never opens one."""
    h, hours = 0.5, 48
    scn = duel(
        actors={"BLU": {"initial_rung": 0}, "RED": {"initial_rung": 0}},
        parameters={
            "encounters": {"rate_per_day": {"drone_swarm": 0.0}},
            "response": {"crisis_onset_per_day": h, "answer_from_rung": 8},
        },
        crisis_dyads=[["BLU", "RED"]] if dyad else [],
        time={"horizon_hours": hours, "tick_hours": 1},
    )
    opened = np.mean([o.max_rung >= 1 for o in run_many(scn, 2026, range(4000))])
    expected = 1.0 - math.exp(-h * hours / 24.0) if dyad else 0.0
    if dyad:
        assert stats.binomtest(round(opened * 4000), 4000, expected).pvalue > 1e-3, (opened, expected)
    else:
        assert opened == 0.0
