"""Behaviour tests as 'versus' scenarios: two or three actors, one mechanism each, expected action sequences.

Each scenario is built so that the mechanism under test decides what happens (probabilities of 0
or 1 where the schema allows), and the event log is checked for the sequence that must follow.
"""

from __future__ import annotations

import itertools

import pytest
from model_scenarios import duel

from sim.engines.reference import EscalationModel
from sim.vocabulary import narrate

NO_CONTACTS = {"rate_per_day": {"drone_swarm": 0.0, "naval_group": 0.0, "space_asset": 0.0}}
BENIGN_ONLY = {"hostile_share_base": 0.0, "hostile_share_per_rung": 0.0, "threshold_shift_per_rung": 0.0}
HOSTILE_ONLY = {"hostile_share_base": 1.0, "hostile_share_per_rung": 0.0, "threshold_shift_per_rung": 0.0}
FIRE = {str(k): "fire_at_threatening" for k in range(8)}
"""Rules of engagement that let every flagged contact go down the autonomy path."""
SHADOW = {str(k): "shadow" for k in range(8)}
WARN = {str(k): "warn" for k in range(8)}
SHARP_OPERATORS = {"operator_d_prime": 8.0, "operator_time_constant_seconds": 0.01, "automation_bias_per_alert": 0.0}
"""Operators who, given any time at all, see almost exactly what a contact is."""
OPEN_FIREBREAK = {"cross_strategic": 1.0, "cross_signaling": 1.0, "cross_use": 1.0}
"""Leaderships that always take the rung their response calls for (the firebreak out of the way, §13.3)."""
ENDURING = {"red_swarm": {"size": 10000}, "blu_ships": {"ships": 100, "air_defense": 0}}
"""Forces too large to be used up in a test: every flagged contact can still be engaged."""


def run(scenario, seed=7):
    return EscalationModel(scenario, seed=seed, run=0).run()


def kinds(model, kind):
    return [e for e in model.log if e.kind == kind]


def by(model, kind, actor):
    return [e for e in kinds(model, kind) if e.text.startswith(actor)]


# --------------------------------------------------------------------------- autonomy paths


def test_out_of_the_loop_engages_every_flagged_contact_at_machine_speed():
    scn = duel(
        actors={"RED": {"roe_threshold": -3.0, "autonomy": "out_of_the_loop", "rules_of_engagement": FIRE}},
        assets=ENDURING,
        parameters={"encounters": BENIGN_ONLY, "engagement": {"swarm_salvo_fraction": 0.0}},
    )
    model = run(scn)
    flagged = by(model, "classification", "RED")
    engagements = by(model, "engagement", "RED")
    assert len(flagged) >= 3
    assert len(engagements) == len(flagged)
    for contact, engagement in zip(flagged, engagements, strict=True):
        assert "no human in the loop" in engagement.text
        assert engagement.hours - contact.hours == pytest.approx(2.0 / 3600.0)
    assert model.counts["engagements_true"] == 0
    assert model.counts["engagements_false"] == len(engagements)


def test_in_the_loop_operators_who_see_clearly_prevent_every_false_engagement():
    scn = duel(
        actors={"RED": {"roe_threshold": -3.0, "autonomy": "in_the_loop", "rules_of_engagement": FIRE}},
        parameters={"encounters": BENIGN_ONLY, "command": SHARP_OPERATORS},
    )
    model = run(scn)
    judged = [e for e in kinds(model, "c2") if "judged the contact not hostile" in e.text]
    assert len(judged) >= 3
    assert model.counts["engagements_false"] == 0


def test_on_the_loop_operators_who_see_clearly_veto_every_false_engagement():
    scn = duel(
        actors={
            "RED": {"roe_threshold": -3.0, "autonomy": "on_the_loop", "operators": 50, "rules_of_engagement": FIRE}
        },
        parameters={"encounters": BENIGN_ONLY, "command": SHARP_OPERATORS},
    )
    model = run(scn)
    vetoes = [e for e in kinds(model, "c2") if "vetoed by the supervising operator" in e.text]
    assert len(vetoes) >= 3
    assert model.counts["engagements_false"] == 0


def test_a_veto_takes_the_operator_for_the_whole_window():
    """One operator and contacts faster than the veto window: a flag that arrives while the operator is
    watching another finds nobody free to veto it."""
    scn = duel(
        actors={"RED": {"roe_threshold": -3.0, "autonomy": "on_the_loop", "operators": 1, "rules_of_engagement": FIRE}},
        assets=ENDURING,
        parameters={
            "encounters": {**BENIGN_ONLY, "rate_per_day": {"drone_swarm": 1000.0}},
            "command": {"veto_window_seconds": 600.0},
            "engagement": {"swarm_salvo_fraction": 0.0},
        },
        time={"horizon_hours": 4, "tick_hours": 1},
    )
    model = run(scn)
    free = [e for e in by(model, "engagement", "RED") if "no veto)" in e.text] + [
        e for e in kinds(model, "c2") if "vetoed" in e.text
    ]
    busy = [e for e in by(model, "engagement", "RED") if "no operator free to veto" in e.text]
    assert free and busy
    # every judged flag took the operator for ten minutes: no two start within the window
    starts = sorted(e.hours - 600.0 / 3600.0 for e in free)
    assert all(b - a >= 600.0 / 3600.0 - 1e-9 for a, b in itertools.pairwise(starts))


def test_operator_queue_lapses_when_alerts_outrun_the_operators():
    scn = duel(
        actors={"RED": {"roe_threshold": -3.0, "autonomy": "in_the_loop", "operators": 1, "rules_of_engagement": FIRE}},
        assets=ENDURING,
        parameters={
            "encounters": {**BENIGN_ONLY, "rate_per_day": {"drone_swarm": 500.0}},
            "command": {
                "engagement_window_minutes": 12.0,
                "review_minutes": {"low": 10.0, "mode": 10.0, "high": 10.0},
                "operator_d_prime": 0.0,
                "operator_bias": {"in_the_loop": -5.0},
            },
            "engagement": {"swarm_salvo_fraction": 0.0},
        },
        time={"horizon_hours": 6, "tick_hours": 1},
    )
    model = run(scn)
    # a request that waited more than 2 minutes cannot be reviewed within the 12-minute window: the operator
    # works on it until the window closes, and the hold doctrine lets it lapse
    uncleared = [e for e in kinds(model, "c2") if "not cleared within the engagement window" in e.text]
    engaged = by(model, "engagement", "RED")
    assert len(uncleared) > 10 and engaged
    # One operator, 10-minute reviews: approvals are at least 10 minutes apart.
    times = [e.hours for e in engaged]
    assert all(b - a >= 10.0 / 60.0 - 1e-9 for a, b in itertools.pairwise(times))


def test_a_doctrine_that_engages_on_timeout_fires_at_what_nobody_reviewed():
    scn = duel(
        actors={
            "RED": {
                "roe_threshold": -3.0,
                "autonomy": "in_the_loop",
                "operators": 1,
                "rules_of_engagement": FIRE,
                "review_timeout": "engage",
            }
        },
        assets=ENDURING,
        parameters={
            "encounters": {**BENIGN_ONLY, "rate_per_day": {"drone_swarm": 500.0}},
            "command": {"engagement_window_minutes": 1.0, "review_minutes": {"low": 10.0, "mode": 10.0, "high": 10.0}},
            "engagement": {"swarm_salvo_fraction": 0.0},
        },
        time={"horizon_hours": 6, "tick_hours": 1},
    )
    model = run(scn)
    by_default = [e for e in by(model, "engagement", "RED") if "engaged by default" in e.text]
    assert by_default
    assert not [e for e in kinds(model, "c2") if "no operator free within the engagement window" in e.text]


def test_operators_weigh_the_base_rate_bayes():
    """With no hostile contacts around the machine's flags are always wrong and a sharp reviewer rejects them
    all; when half the contacts are hostile the flags are more often right, and the reviewer approves some."""

    def engagements(hostile_share: float) -> tuple[int, int]:
        scn = duel(
            actors={
                "RED": {"roe_threshold": -1.0, "autonomy": "in_the_loop", "operators": 50, "rules_of_engagement": FIRE}
            },
            parameters={
                "encounters": {
                    "hostile_share_base": hostile_share,
                    "hostile_share_per_rung": 0.0,
                    "rate_per_day": {"drone_swarm": 20.0},
                },
                "command": {"automation_bias_per_alert": 0.0},
                "engagement": {"swarm_salvo_fraction": 0.001},
            },
            assets={"red_swarm": {"size": 5000}, "blu_ships": {"ships": 100}},
        )
        model = run(scn)
        return model.counts["engagements_false"], model.counts["engagements_true"]

    false_none, _ = engagements(0.0)
    _, true_half = engagements(0.5)
    assert false_none == 0
    assert true_half > 0


# --------------------------------------------------------------------------- two-sided contacts


def _hostile_red(review_minutes: float = 3.7, **blu):
    """BLU's swarm meets RED's swarm; every contact is hostile; RED never fires first (it only strikes)."""
    return duel(
        actors={"BLU": {"roe_threshold": -3.0, **blu}, "RED": {"rules_of_engagement": SHADOW}},
        assets={"blu_swarm": {"kind": "drone_swarm", "owner": "BLU", "zone": "sea", "size": 10000}},
        parameters={
            "encounters": {**HOSTILE_ONLY, "rate_per_day": {"drone_swarm": 4.0, "naval_group": 0.0}},
            "engagement": {"swarm_salvo_fraction": 0.01},
            "command": {"review_minutes": {"low": review_minutes, "mode": review_minutes, "high": review_minutes}},
        },
    )


def test_a_hostile_contact_that_is_only_shadowed_strikes():
    model = run(_hostile_red(rules_of_engagement=SHADOW))
    shadows = [e for e in kinds(model, "intercept") if "shadows" in e.text]
    strikes = kinds(model, "strike")
    assert shadows and strikes
    assert model.counts["hostile_strikes"] == len(strikes)
    assert all("(hostile strike)" in model.log[e.id + 1].text for e in strikes)
    assert model.counts["engagements_true"] + model.counts["engagements_false"] == 0


def test_a_warned_hostile_contact_breaks_off_when_warnings_always_work():
    scn = _hostile_red(rules_of_engagement=WARN).model_copy(deep=True)
    scn.parameters.engagement.warning_deterrence = 1.0
    model = run(scn)
    flagged = by(model, "classification", "BLU")
    broke_off = [e for e in kinds(model, "intercept") if "breaks off" in e.text]
    assert flagged and len(broke_off) == len(flagged)
    contacts = model.counts["contacts"]
    # only the contacts the machine did not flag (nobody warned them) strike
    assert model.counts["hostile_strikes"] <= contacts - len(flagged)


def test_machine_speed_defence_stops_hostile_contacts_before_they_strike():
    slow = _hostile_red(review_minutes=20.0, rules_of_engagement=FIRE, autonomy="in_the_loop", operators=50)
    fast = _hostile_red(review_minutes=20.0, rules_of_engagement=FIRE, autonomy="out_of_the_loop")
    in_loop, out_loop = run(slow), run(fast)
    assert in_loop.counts["hostile_strikes"] > out_loop.counts["hostile_strikes"]
    assert out_loop.counts["engagements_true"] > 0


def test_a_human_can_reject_a_true_hostile():
    scn = _hostile_red(rules_of_engagement=FIRE, autonomy="in_the_loop", operators=50).model_copy(deep=True)
    scn.parameters.command.operator_bias = {"in_the_loop": 6.0, "on_the_loop": -1.0}
    model = run(scn)
    rejected = [e for e in kinds(model, "c2") if "judged the contact not hostile" in e.text]
    assert rejected and model.counts["engagements_true"] == 0 and model.counts["hostile_strikes"] > 0


# --------------------------------------------------------------------------- hotline and responses


def _misidentification_duel(hotline_enabled: bool):
    return duel(
        actors={
            "RED": {
                "roe_threshold": -3.0,
                "autonomy": "out_of_the_loop",
                "commitments": ["hotline"],
                "rules_of_engagement": FIRE,
            },
            "BLU": {"decision_latency_hours": 48.0, "commitments": ["hotline"]},
        },
        assets={"blu_ships": {"autonomy": "in_the_loop"}},
        parameters={"encounters": BENIGN_ONLY, "command": {"error_discovery_hours": 0.01}},
        policy={"hotline": {"enabled": hotline_enabled, "latency_hours": 0.01, "reliability": 1.0}},
        time={"horizon_hours": 24, "tick_hours": 1},
    )


def test_hotline_clarification_beats_a_slow_response_to_a_misidentification():
    with_hotline = run(_misidentification_duel(True))
    assert any("stands its response down" in e.text for e in kinds(with_hotline, "hotline"))
    assert not [c for c in with_hotline.rung_changes if c.actor == "BLU" and c.cause.root == "misidentification"]


def test_without_hotline_the_misidentification_draws_a_response_against_the_attacker():
    scn = _misidentification_duel(False).model_copy(deep=True)
    scn.time.horizon_hours = 200
    model = run(scn)
    assert not kinds(model, "hotline")
    changes = [c for c in model.rung_changes if c.actor == "BLU"]
    assert changes and changes[0].cause.root == "misidentification" and changes[0].cause.inadvertent
    assert changes[0].toward == "RED"


def test_attack_on_early_warning_satellite_is_read_as_strategic():
    scn = duel(
        assets={"red_asat": {"kill_probability": 1.0}},
        injects=[{"kind": "attack", "at_hours": 5, "attacker": "red_asat", "target": "blu_ew"}],
        parameters={"encounters": NO_CONTACTS, "firebreak": OPEN_FIREBREAK},
    )
    model = run(scn)
    assert model.assets["blu_ew"].operational is False
    response = next(e for e in kinds(model, "response") if e.text.startswith("BLU"))
    assert "provocation read as rung 5" in response.text
    blu = [c for c in model.rung_changes if c.actor == "BLU"]
    assert blu[0].new_rung >= 5 and blu[0].cause.root == "entanglement"


def test_an_escalation_is_answered_by_the_side_it_is_aimed_at():
    """BLU's response raises its posture toward RED above RED's: RED reads the step as a provocation."""
    scn = duel(
        assets={"red_asat": {"kill_probability": 1.0}},
        injects=[{"kind": "attack", "at_hours": 5, "attacker": "red_asat", "target": "blu_ew"}],
        parameters={"encounters": NO_CONTACTS},
    )
    model = run(scn)
    blu_step = next(c for c in model.rung_changes if c.actor == "BLU")
    red_answer = next(c for c in model.rung_changes if c.actor == "RED")
    assert red_answer.toward == "BLU" and red_answer.hours > blu_step.hours
    assert blu_step.log_id in red_answer.cause.chain


@pytest.mark.parametrize(
    ("warning", "outcome"),
    [
        ({"corroboration_probability": 0.0}, "dismissed"),
        ({"corroboration_probability": 1.0, "conference_catch": {"in_the_loop": 1.0}}, "recognise"),
        (
            {"corroboration_probability": 1.0, "conference_catch": {"in_the_loop": 0.0}, "leaders_act_base": 0.0},
            "doubt",
        ),
        (
            {"corroboration_probability": 1.0, "conference_catch": {"in_the_loop": 0.0}, "leaders_act_base": 1.0},
            "acts",
        ),
    ],
)
def test_a_false_alarm_goes_down_the_warning_chain(warning, outcome):
    scn = duel(
        actors={"BLU": {"initial_rung": 0}},
        injects=[{"kind": "false_alarm", "at_hours": 2, "actor": "BLU", "blamed": "RED"}],
        parameters={
            "encounters": NO_CONTACTS,
            "warning": {**warning, "false_alarms_per_year": 0.0},
            "firebreak": OPEN_FIREBREAK,
        },
    )
    model = run(scn)
    assert len(kinds(model, "false_alarm")) == 1
    blu = [c for c in model.rung_changes if c.actor == "BLU"]
    texts = " ".join(e.text for e in kinds(model, "c2"))
    if outcome == "acts":
        assert blu and blu[0].new_rung >= 5 and blu[0].cause.root == "false_alarm"
        assert blu[0].hours > 2.0  # the conference and the leadership took time
    else:
        assert not blu
        assert {"dismissed": "dismissed", "recognise": "recognise the false alarm", "doubt": "doubt"}[outcome] in texts


@pytest.mark.parametrize("moratorium", [True, False])
def test_asat_test_moratorium(moratorium):
    scn = duel(
        actors={"RED": {"commitments": ["asat_test_moratorium"]}},
        injects=[{"kind": "asat_test", "at_hours": 3, "actor": "RED", "zone": "geo", "debris": 1500}],
        policy={"asat_test_moratorium": {"enabled": moratorium, "compliance": 1.0}},
        parameters={"encounters": NO_CONTACTS},
    )
    model = run(scn)
    assert model.counts["debris"] == (0 if moratorium else 1500)
    assert any(("forgoes" in e.text) == moratorium for e in kinds(model, "inject"))


def test_collision_at_sea_is_an_accident_both_sides_answer():
    scn = duel(
        injects=[{"kind": "collision_at_sea", "at_hours": 1, "assets": ["blu_ships", "red_swarm"]}],
        parameters={"encounters": NO_CONTACTS},
    )
    model = run(scn)
    roots = {(c.actor, c.toward): c.cause.root for c in model.rung_changes}
    assert roots == {("BLU", "RED"): "accident", ("RED", "BLU"): "accident"}


# --------------------------------------------------------------------------- escalation between pairs


def _proxy_duel(**red):
    """A PROXY that fields systems like RED's attacks BLU; RED itself never fires (rules: shadow)."""
    return duel(
        actors={
            "PROXY": {"kind": "non_state", "adversaries": ["BLU"], "ai": {"source": "distilled"}},
            "RED": {"rules_of_engagement": SHADOW, **red},
        },
        assets={"proxy_swarm": {"kind": "drone_swarm", "owner": "PROXY", "zone": "sea", "size": 50}},
        injects=[
            {"kind": "attack", "at_hours": h, "attacker": "proxy_swarm", "target": "blu_ships"} for h in (2, 20, 40)
        ],
        technology={"proliferation": {"level": 1.0, "recipients": ["PROXY"], "source_actor": "RED"}},
        parameters={
            "encounters": BENIGN_ONLY,
            "response": {"misattribution_base": 0.0, "misattribution_per_proliferation": 1.0},
        },
    )


def test_proliferated_systems_are_blamed_on_the_state_they_resemble():
    model = run(_proxy_duel())
    blamed = [e for e in model.log if e.kind == "attribution"]
    assert len(blamed) == 3 and all("attributes the attack to RED" in e.text for e in blamed)


def test_a_wrongly_blamed_state_is_drawn_in():
    """BLU answers PROXY's attacks against RED; RED answers BLU's escalation and rises to rung 3 without
    having attacked anyone."""
    model = run(_proxy_duel(doctrine="escalate_to_dominate"))
    toward_red = [c for c in model.rung_changes if c.actor == "BLU" and c.toward == "RED"]
    toward_proxy = [c for c in model.rung_changes if c.actor == "BLU" and c.toward == "PROXY"]
    assert toward_red and not toward_proxy
    assert toward_red[0].cause.root == "misattribution"
    assert "RED" in model.drawn_in and not model.actors["RED"].has_attacked


def test_an_ally_with_an_obligation_reaches_its_stated_rung_when_its_partner_is_struck():
    scn = duel(
        actors={
            "GRN": {
                "adversaries": ["RED"],
                "ai": {"source": "frontier", "capability": 0.8},
                "initial_rung": 0,
                "obligations": [{"partner": "BLU", "rung": 4}],
            },
        },
        assets={"red_swarm": {"hit_probability": 1.0}},
        injects=[{"kind": "attack", "at_hours": 2, "attacker": "red_swarm", "target": "blu_ships"}],
        parameters={"encounters": NO_CONTACTS, "engagement": {"swarm_salvo_fraction": 1.0}},
    )
    model = run(scn)
    assert model.counts["engagements_true"] == 1 and model.actors["BLU"].losses["ships"] > 0
    grn = [c for c in model.rung_changes if c.actor == "GRN"]
    assert grn and grn[0].toward == "RED" and grn[0].new_posture == 4
    assert any("honours an obligation" in e.text for e in kinds(model, "response"))


def test_no_obligation_without_a_kinetic_attack_on_the_partner():
    scn = duel(
        actors={
            "GRN": {
                "adversaries": ["RED"],
                "ai": {"source": "frontier", "capability": 0.8},
                "initial_rung": 0,
                "obligations": [{"partner": "BLU", "rung": 4}],
            },
        },
        injects=[{"kind": "false_alarm", "at_hours": 2, "actor": "BLU", "blamed": "RED"}],
        parameters={"encounters": NO_CONTACTS, "warning": {"corroboration_probability": 1.0}},
    )
    model = run(scn)
    assert not [c for c in model.rung_changes if c.actor == "GRN"]


# --------------------------------------------------------------------------- crisis endings


@pytest.mark.parametrize(("rung", "state"), [(1, "competition"), (3, "settlement")])
def test_a_crisis_ends_and_every_side_stands_down(rung, state):
    scn = duel(
        actors={"BLU": {"initial_rung": rung}, "RED": {"initial_rung": rung}},
        parameters={"encounters": NO_CONTACTS, "ending": {"end_per_day": 10.0, "level_decay": 0.0}},
    )
    model = run(scn)
    assert model.end_state == state and 1.0 <= model.end_hours <= 72.0
    assert kinds(model, "crisis_end")[0].text.startswith(f"the crisis ends ({state})")
    ended = int(model.end_hours)
    assert all(level == rung for level in model.crisis_level_history[: ended - 1])
    assert all(level == 0 for level in model.crisis_level_history[ended - 1 :])


def test_no_crisis_no_ending():
    scn = duel(
        actors={"BLU": {"initial_rung": 0}, "RED": {"initial_rung": 0}},
        parameters={"encounters": NO_CONTACTS, "ending": {"end_per_day": 10.0}},
    )
    model = run(scn)
    assert model.end_state == "none" and not kinds(model, "crisis_end")


def test_event_log_reads_as_a_narrative():
    model = run(
        duel(actors={"RED": {"roe_threshold": -3.0, "autonomy": "out_of_the_loop", "rules_of_engagement": FIRE}})
    )
    text = narrate(model.log)
    assert text.splitlines()[0].startswith("#0")
    assert "day 1 " in text or "day 2 " in text
    assert "RED swarm red_swarm classifies BLU naval group blu_ships as hostile" in text
