"""Behaviour tests as 'versus' scenarios: two actors, one mechanism each, expected action sequences.

Each scenario is built so that the mechanism under test decides what happens (probabilities of 0
or 1 where the schema allows), and the event log is checked for the sequence that must follow.
"""

from __future__ import annotations

import itertools

import pytest
from model_scenarios import duel

from sim.engines.reference import EscalationModel
from sim.vocabulary import narrate

BENIGN_ONLY = {
    "encounters": {"hostile_share_base": 0.0, "hostile_share_per_rung": 0.0, "threshold_shift_per_rung": 0.0}
}
TRIGGER_HAPPY_RED = {"RED": {"roe_threshold": -3.0}}


def run(scenario, seed=7):
    return EscalationModel(scenario, seed=seed, run=0).run()


def kinds(model, kind):
    return [e for e in model.log if e.kind == kind]


def test_out_of_the_loop_engages_every_flagged_contact_at_machine_speed():
    scn = duel(
        actors={"RED": {"roe_threshold": -3.0, "autonomy": "out_of_the_loop"}},
        parameters={"encounters": BENIGN_ONLY["encounters"]},
    )
    model = run(scn)
    flagged = kinds(model, "classification")
    engagements = [e for e in kinds(model, "engagement") if e.text.startswith("RED")]
    assert len(flagged) >= 3
    assert len(engagements) == len([e for e in flagged if e.text.startswith("RED")])
    for contact, engagement in zip(flagged, engagements, strict=False):
        assert "no human in the loop" in engagement.text
        assert engagement.hours - contact.hours == pytest.approx(2.0 / 3600.0)
    assert model.counts["engagements_true"] == 0
    assert model.counts["engagements_false"] == len(engagements)


def test_in_the_loop_operator_who_always_catches_errors_prevents_every_false_engagement():
    scn = duel(
        actors={"RED": {"roe_threshold": -3.0, "autonomy": "in_the_loop"}},
        parameters={"encounters": BENIGN_ONLY["encounters"], "command": {"catch_in_loop": 1.0}},
    )
    model = run(scn)
    caught = [e for e in kinds(model, "c2") if "operator caught the misidentification" in e.text]
    assert len(caught) >= 3
    assert model.counts["engagements_false"] == 0


def test_on_the_loop_with_free_operators_who_always_veto():
    scn = duel(
        actors={"RED": {"roe_threshold": -3.0, "autonomy": "on_the_loop", "operators": 50}},
        parameters={
            "encounters": BENIGN_ONLY["encounters"],
            "command": {"catch_on_loop": 1.0, "automation_bias_per_alert": 0.0},
        },
    )
    model = run(scn)
    vetoes = [e for e in kinds(model, "c2") if "vetoed by the supervising operator" in e.text]
    assert len(vetoes) >= 3
    assert model.counts["engagements_false"] == 0


def test_operator_queue_lapses_when_alerts_outrun_the_operators():
    scn = duel(
        actors={"RED": {"roe_threshold": -3.0, "autonomy": "in_the_loop", "operators": 1}},
        parameters={
            "encounters": {**BENIGN_ONLY["encounters"], "rate_per_day": {"drone_swarm": 500.0}},
            "command": {
                "engagement_window_minutes": 1.0,
                "review_minutes": {"low": 10.0, "mode": 10.0, "high": 10.0},
                "catch_in_loop": 0.0,
            },
        },
        time={"horizon_hours": 6, "tick_hours": 1},
    )
    model = run(scn)
    lapsed = [e for e in kinds(model, "c2") if "no operator free within the engagement window" in e.text]
    engaged = [e for e in kinds(model, "engagement") if e.text.startswith("RED")]
    assert lapsed and engaged
    # One operator, 10-minute reviews: approvals are at least 10 minutes apart.
    times = [e.hours for e in engaged]
    assert all(b - a >= 10.0 / 60.0 - 1e-9 for a, b in itertools.pairwise(times))


def _misidentification_duel(hotline_enabled: bool):
    return duel(
        actors={
            "RED": {"roe_threshold": -3.0, "autonomy": "out_of_the_loop", "commitments": ["hotline"]},
            "BLU": {"decision_latency_hours": 48.0, "commitments": ["hotline"]},
        },
        assets={"blu_ships": {"autonomy": "in_the_loop"}},
        parameters={"encounters": BENIGN_ONLY["encounters"], "command": {"error_discovery_hours": 0.01}},
        policy={"hotline": {"enabled": hotline_enabled, "latency_hours": 0.01, "reliability": 1.0}},
        time={"horizon_hours": 24, "tick_hours": 1},
    )


def test_hotline_clarification_beats_a_slow_response_to_a_misidentification():
    with_hotline = run(_misidentification_duel(True))
    assert any("stands its response down" in e.text for e in kinds(with_hotline, "hotline"))
    assert not [c for c in with_hotline.rung_changes if c.actor == "BLU" and c.cause.root == "misidentification"]


def test_without_hotline_the_misidentification_draws_a_response():
    scn = _misidentification_duel(False).model_copy(deep=True)
    scn.time.horizon_hours = 200
    model = run(scn)
    assert not kinds(model, "hotline")
    changes = [c for c in model.rung_changes if c.actor == "BLU"]
    assert changes and changes[0].cause.root == "misidentification" and changes[0].cause.inadvertent


def test_attack_on_early_warning_satellite_is_read_as_strategic():
    scn = duel(
        assets={"red_asat": {"kill_probability": 1.0}},
        injects=[{"kind": "attack", "at_hours": 5, "attacker": "red_asat", "target": "blu_ew"}],
        parameters={"encounters": {"rate_per_day": {"drone_swarm": 0.0, "naval_group": 0.0, "space_asset": 0.0}}},
    )
    model = run(scn)
    assert model.assets["blu_ew"].operational is False
    response = next(e for e in kinds(model, "response") if e.text.startswith("BLU"))
    assert "provocation read as rung 5" in response.text
    blu = [c for c in model.rung_changes if c.actor == "BLU"]
    assert blu[0].new_rung >= 5 and blu[0].cause.root == "entanglement"


@pytest.mark.parametrize(("catch", "escalates"), [(0.0, True), (1.0, False)])
def test_early_warning_false_alarm_escalates_unless_recognised(catch, escalates):
    scn = duel(
        injects=[{"kind": "false_alarm", "at_hours": 2, "actor": "BLU", "blamed": "RED"}],
        parameters={
            "encounters": {"rate_per_day": {"drone_swarm": 0.0, "naval_group": 0.0, "space_asset": 0.0}},
            "space": {"catch_false_alarm": {"in_the_loop": catch}, "early_warning_false_alarms_per_year": 0.0},
        },
    )
    model = run(scn)
    assert len(kinds(model, "false_alarm")) == 1
    blu = [c for c in model.rung_changes if c.actor == "BLU"]
    if escalates:
        assert blu and blu[0].new_rung >= 5 and blu[0].cause.root == "false_alarm"
    else:
        assert not blu
        assert any("recognise the false alarm" in e.text for e in kinds(model, "c2"))


@pytest.mark.parametrize("moratorium", [True, False])
def test_asat_test_moratorium(moratorium):
    scn = duel(
        actors={"RED": {"commitments": ["asat_test_moratorium"]}},
        injects=[{"kind": "asat_test", "at_hours": 3, "actor": "RED", "zone": "geo", "debris": 1500}],
        policy={"asat_test_moratorium": {"enabled": moratorium, "compliance": 1.0}},
        parameters={"encounters": {"rate_per_day": {"drone_swarm": 0.0, "naval_group": 0.0, "space_asset": 0.0}}},
    )
    model = run(scn)
    assert model.counts["debris"] == (0 if moratorium else 1500)
    assert any(("forgoes" in e.text) == moratorium for e in kinds(model, "inject"))


def test_collision_at_sea_is_an_accident_both_sides_answer():
    scn = duel(
        injects=[{"kind": "collision_at_sea", "at_hours": 1, "assets": ["blu_ships", "red_swarm"]}],
        parameters={"encounters": {"rate_per_day": {"drone_swarm": 0.0, "naval_group": 0.0, "space_asset": 0.0}}},
    )
    model = run(scn)
    roots = {c.actor: c.cause.root for c in model.rung_changes}
    assert roots == {"BLU": "accident", "RED": "accident"}


def test_proliferated_systems_are_blamed_on_the_state_they_resemble():
    scn = duel(
        actors={
            "PROXY": {
                "kind": "non_state",
                "adversaries": ["BLU"],
                "ai": {"source": "distilled"},
                "roe_threshold": -3.0,
                "autonomy": "out_of_the_loop",
            }
        },
        assets={"proxy_swarm": {"kind": "drone_swarm", "owner": "PROXY", "zone": "sea", "size": 50}},
        technology={"proliferation": {"level": 1.0, "recipients": ["PROXY"], "source_actor": "RED"}},
        parameters={
            "encounters": BENIGN_ONLY["encounters"],
            "response": {"misattribution_base": 0.0, "misattribution_per_proliferation": 1.0},
        },
    )
    model = run(scn)
    blamed = [e for e in model.log if e.kind == "attribution"]
    assert blamed and all("attributes the attack to RED" in e.text for e in blamed)


def test_event_log_reads_as_a_narrative():
    model = run(duel(actors={"RED": {"roe_threshold": -3.0, "autonomy": "out_of_the_loop"}}))
    text = narrate(model.log)
    assert text.splitlines()[0].startswith("#0")
    assert "day 1 " in text or "day 2 " in text
    assert "RED swarm red_swarm classifies BLU naval group blu_ships as hostile" in text


def test_operators_weigh_the_base_rate_bayes():
    """With no hostile contacts around, a reviewer who always catches errors catches every one; when
    half the contacts are hostile the machine's flags are more often right, and the reviewer defers to them."""

    def false_engagements(hostile_share: float) -> tuple[int, int]:
        scn = duel(
            actors={"RED": {"roe_threshold": -1.0, "autonomy": "in_the_loop", "operators": 50}},
            parameters={
                "encounters": {
                    "hostile_share_base": hostile_share,
                    "hostile_share_per_rung": 0.0,
                    "rate_per_day": {"drone_swarm": 20.0},
                },
                "command": {"catch_in_loop": 1.0, "automation_bias_per_alert": 0.0},
                "engagement": {"swarm_salvo_fraction": 0.001},
            },
            assets={"red_swarm": {"size": 5000}, "blu_ships": {"ships": 100}},
        )
        model = run(scn)
        caught = sum("operator caught the misidentification" in e.text for e in kinds(model, "c2"))
        return model.counts["engagements_false"], caught

    assert false_engagements(0.0)[0] == 0
    made, caught = false_engagements(0.5)
    assert made > 0 and caught > 0
