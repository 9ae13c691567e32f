"""The live wargame: a player deciding for one actor, the facilitator stepping and injecting."""

from __future__ import annotations

import pytest
from model_scenarios import duel

from sim.engines.reference.wargame import Wargame
from sim.scenario.schema import Autonomy, FalseAlarmInject

HOTLINE = {"enabled": True, "latency_hours": 0.5, "reliability": 1.0}


def provoked_duel(**changes):
    """RED's out-of-the-loop swarm misidentifies BLU's ships; BLU is the player."""
    base = {
        "actors": {
            "RED": {"roe_threshold": -3.0, "autonomy": "out_of_the_loop", "commitments": ["hotline"]},
            "BLU": {"decision_latency_hours": 1.0, "commitments": ["hotline"]},
        },
        "parameters": {"encounters": {"hostile_share_base": 0.0, "hostile_share_per_rung": 0.0}},
    }
    base.update(changes)
    return duel(**base)


def test_player_gets_a_decision_point_and_escalates():
    game = Wargame(provoked_duel(), seed=3, player="BLU")
    game.step_to_decision()
    [decision] = game.open_decisions()
    assert decision.actor == "BLU" and decision.blamed == "RED"
    assert decision.current_rung == 1
    game.decide(decision.id, 4)
    assert game.rungs()["BLU"] == 4
    change = game.model.rung_changes[-1]
    assert change.actor == "BLU" and change.cause.root == "misidentification"
    assert any("(player) responds to RED at rung 4" in e.text for e in game.timeline())
    assert not game.open_decisions()


def test_player_can_hold_and_the_game_goes_on():
    game = Wargame(provoked_duel(), seed=3, player="BLU")
    game.step_to_decision()
    [decision] = game.open_decisions()
    game.decide(decision.id, None)
    assert game.rungs()["BLU"] == 1
    before = game.hours
    game.step_hours(5)
    assert game.hours == before + 5


def test_without_a_player_the_model_decides():
    game = Wargame(provoked_duel(), seed=3)
    game.step_to_decision(max_hours=72)
    assert game.finished and not game.open_decisions()
    assert any(e.kind == "response" and "leadership decides" in e.text for e in game.timeline())


def test_hotline_call_before_deciding_reveals_a_mistake():
    game = Wargame(provoked_duel(policy={"hotline": HOTLINE}), seed=3, player="BLU")
    game.step_to_decision()
    decision = game.open_decisions()[0]
    heard = game.call_hotline(decision.id)
    assert "says it was not intended (misidentification)" in heard


def test_no_hotline_no_call():
    game = Wargame(provoked_duel(), seed=3, player="BLU")
    game.step_to_decision()
    decision = game.open_decisions()[0]
    assert "has no hotline" in game.call_hotline(decision.id)


def test_facilitator_inject_happens_now():
    game = Wargame(provoked_duel(), seed=3, player="BLU")
    game.step_hours(3)
    game.inject(FalseAlarmInject(kind="false_alarm", at_hours=0.0, actor="BLU", blamed="RED"))
    alarms = [e for e in game.timeline() if e.kind == "false_alarm"]
    assert len(alarms) == 1 and alarms[0].hours == pytest.approx(3.0)


def test_autonomy_change_respects_policy_caps():
    game = Wargame(provoked_duel(policy={"autonomy_caps": {"naval_group": "on_the_loop"}}), seed=3, player="BLU")
    assert game.set_autonomy("blu_ships", "out_of_the_loop") == Autonomy.ON_THE_LOOP
    assert game.set_autonomy("red_swarm", "in_the_loop") == Autonomy.IN_THE_LOOP


def test_zone_view_lists_assets_with_state():
    game = Wargame(provoked_duel(), seed=3, player="BLU")
    rows = {row.zone: row for row in game.zones()}
    assert any(line.startswith("BLU blu_ships (4/4 ships") for line in rows["sea"].assets)
    assert rows["geo"].kind == "orbit"


def test_same_seed_and_same_decisions_replay_identically():
    logs = []
    for _ in range(2):
        game = Wargame(provoked_duel(), seed=3, player="BLU")
        game.step_to_decision()
        game.decide(game.open_decisions()[0].id, 3)
        game.step_hours(24)
        logs.append(game.timeline())
    assert logs[0] == logs[1]


# --------------------------------------------------------------------------- several actors played, each side seen


def test_two_played_actors_each_get_their_own_decisions():
    game = Wargame(provoked_duel(), seed=3, player=("BLU", "RED"))
    assert game.players == {"BLU", "RED"}
    game.step_to_decision()
    [blue] = game.open_decisions()
    assert blue.actor == "BLU" and game.open_decisions(["RED"]) == [] and game.open_decisions(["BLU"]) == [blue]
    assert blue.posture == game.model.posture[1][0]
    game.decide(blue.id, 3)  # BLU answers; RED sees the step aimed at it and must now answer in turn
    game.step_to_decision(max_hours=72)
    [red] = game.open_decisions(["RED"])
    assert red.blamed == "BLU" and red.provocation_rung == 3
    assert not any("RED leadership decides its response" in e.text for e in game.timeline())


def test_an_unknown_played_actor_is_refused():
    with pytest.raises(ValueError, match="unknown player actor 'NOPE'"):
        Wargame(provoked_duel(), seed=3, player=("BLU", "NOPE"))


def test_sightings_record_every_contact_with_the_machines_call_and_the_truth(shipped):
    game = Wargame(shipped["taiwan_strait"], seed=11, player="PRC")
    game.step_hours(24 * 6)
    model = game.model
    contacts = [s for s in model.sightings if s.event == "contact"]
    assert len(contacts) == model.counts["contacts"] > 0
    flagged = [s for s in contacts if s.classified != "not hostile"]
    classifications = [e for e in game.timeline() if e.kind == "classification"]
    assert len(flagged) == len(classifications)
    for sighting, entry in zip(flagged, classifications, strict=True):
        assert entry.hours == sighting.hours
        assert ("misidentification" in entry.text) == (not sighting.hostile)
    owners = {k: a.owner.key for k, a in model.assets.items()}
    by_side = {actor: game.sightings({actor}) for actor in model.actors}
    for actor, seen in by_side.items():
        assert all(owners[s.observer] == actor and owners[s.observed] != actor for s in seen)
    assert sum(len(seen) for seen in by_side.values()) == len(model.sightings)
    assert game.sightings(set(model.actors)) == []  # nobody is "other" to a side that is everyone


def test_provocations_are_what_the_actor_read_with_the_truth_behind():
    game = Wargame(provoked_duel(), seed=3, player="BLU")
    game.step_to_decision()
    [decision] = game.open_decisions()
    [provocation] = game.provocations(["BLU"])
    assert (provocation.id, provocation.blamed, provocation.rung) == (decision.id, "RED", decision.provocation_rung)
    assert provocation.root == "misidentification" and not provocation.stood_down
    assert provocation.hours <= decision.asked_hours
