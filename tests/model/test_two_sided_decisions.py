"""Model 2.0, part 1, on the shipped scenarios: paired comparisons on common random numbers (compiled engine).

- Autonomy cuts both ways: taking every actor from in the loop to out of the loop stops more hostile
  contacts before they strike, and raises the chance of inadvertent escalation.
- Peacetime is possible: a year of US–PRC contact in the 2021–23 pattern has about 90 contacts, rarely
  a shot, and almost never a strategic rung.
- Escalation is between pairs: proliferated look-alike systems get attacks blamed on the state they
  resemble, which is drawn in without having attacked.
- The warning chain's acted-on rate matches its closed form.
"""

from __future__ import annotations

import numpy as np
import pytest
from model_scenarios import duel

from sim.engines import run_many, run_one
from sim.experiments.compare import compare
from sim.kernels.warning import false_alarm_acted_probability, leaders_act_probability
from sim.scenario.schema import Scenario

RUNS = 2000
SEED = 20261130


def _autonomy_arm(name: str, scenario: Scenario, level: str) -> str:
    sets = [f"actors.{a}.autonomy={level}" for a in scenario.actors]
    sets += [f"assets.{a}.autonomy={level}" for a in scenario.assets]
    return f"{name}:{','.join(sets)}"


@pytest.fixture(scope="module")
def autonomy_comparison(shipped):
    base = shipped["taiwan_strait"]
    arms = [_autonomy_arm("in", base, "in_the_loop"), _autonomy_arm("out", base, "out_of_the_loop")]
    return compare(base, arms, runs=RUNS, seed=SEED, metrics=("hostile_strikes", "p_inadvertent", "p_ge_3"))


def test_out_of_the_loop_stops_more_hostile_contacts_before_they_strike(autonomy_comparison):
    strikes = autonomy_comparison.difference("out", "hostile_strikes").paired
    assert strikes.hi < 0.0, (strikes.diff, strikes.lo, strikes.hi)


def test_out_of_the_loop_raises_inadvertent_escalation(autonomy_comparison):
    inadvertent = autonomy_comparison.difference("out", "p_inadvertent").paired
    assert inadvertent.lo > 0.0, (inadvertent.diff, inadvertent.lo, inadvertent.hi)


@pytest.fixture(scope="module")
def peacetime(shipped):
    return run_many(shipped["peacetime_contact"], SEED, range(RUNS))


def test_a_peacetime_year_has_about_ninety_contacts(peacetime):
    contacts = np.mean([o.contacts for o in peacetime])
    assert 0.75 * 90 <= contacts <= 1.25 * 90, contacts


def test_a_peacetime_year_rarely_sees_a_shot_fired(peacetime):
    p_kinetic = np.mean([o.kinetic_incidents > 0 for o in peacetime])
    assert p_kinetic <= 0.10, p_kinetic


def test_a_peacetime_year_almost_never_reaches_a_strategic_rung(peacetime):
    p5 = np.mean([o.max_rung >= 5 for o in peacetime])
    assert p5 <= 0.01, p5


def test_proliferation_draws_in_actors_that_did_not_attack(shipped):
    result = compare(
        shipped["proliferation"],
        ["none:technology.proliferation.level=0", "wide:technology.proliferation.level=1"],
        runs=RUNS,
        seed=SEED,
        metrics=("drawn_in",),
    )
    drawn = result.difference("wide", "drawn_in").paired
    assert drawn.lo > 0.0, (drawn.diff, drawn.lo, drawn.hi)


def test_the_warning_chain_acts_on_false_alarms_at_its_closed_form_rate():
    """Many alarms, no other events: the share acted on is corroboration x (1 - conference catch) x leaders."""
    corroboration, catch, leaders_base = 0.6, 0.5, 0.5
    scn = duel(
        actors={"BLU": {"initial_rung": 0}, "RED": {"initial_rung": 0}},
        parameters={
            "encounters": {"rate_per_day": {"drone_swarm": 0.0}},
            "warning": {
                "false_alarms_per_year": 500.0,
                "corroboration_probability": corroboration,
                "conference_catch": {"in_the_loop": catch},
                "leaders_act_base": leaders_base,
                "leaders_act_per_rung": 0.0,
            },
            "response": {"answer_from_rung": 8},
        },
        policy={"hotline": {"enabled": False}},
        time={"horizon_hours": 24 * 7, "tick_hours": 24},
    )
    expected = false_alarm_acted_probability(corroboration, catch, leaders_act_probability(leaders_base, 0.0, 0))
    stopped = ("the alarm is dismissed", "recognise the false alarm", "leaders doubt")
    alarms = acted = 0
    for run in range(300):
        log = run_one(scn, SEED, run, log=True).log
        raised = sum(e.kind == "false_alarm" for e in log)
        alarms += raised
        acted += raised - sum(e.kind == "c2" and any(s in e.text for s in stopped) for e in log)
    share = acted / alarms
    se = np.sqrt(expected * (1 - expected) / alarms)
    assert alarms > 1000
    assert abs(share - expected) < 4 * se, (share, expected, alarms)


def test_a_single_leaker_strikes_when_its_strike_time_beats_the_review():
    """Closed form: every contact is hostile and is flagged and approved after a fixed review of T minutes;
    the contact strikes first when its strike time, Exp(mean m), is shorter: P = 1 - exp(-T / m)."""
    review, mean_strike = 4.0, 8.0
    fire = {str(k): "fire_at_threatening" for k in range(8)}
    scn = duel(
        actors={
            "RED": {"roe_threshold": -3.0, "autonomy": "in_the_loop", "operators": 50, "rules_of_engagement": fire}
        },
        assets={
            "red_swarm": {"size": 10000, "classifier": {"d_prime": 8.0}},
            "blu_ships": {"ships": 100, "air_defense": 0},
        },
        parameters={
            "encounters": {"hostile_share_base": 1.0, "hostile_share_per_rung": 0.0, "threshold_shift_per_rung": 0.0},
            "engagement": {"swarm_salvo_fraction": 0.0, "strike_minutes": mean_strike},
            "command": {
                "review_minutes": {"low": review, "mode": review, "high": review},
                "operator_bias": {"in_the_loop": -10.0},
            },
        },
    )
    outcomes = run_many(scn, SEED, range(400))
    contacts = sum(o.contacts for o in outcomes)
    strikes = sum(o.hostile_strikes for o in outcomes)
    expected = 1.0 - np.exp(-review / mean_strike)
    se = np.sqrt(expected * (1 - expected) / contacts)
    assert contacts > 3000
    # every contact was engaged, in time or late (but a few still under review at the horizon)
    assert 0 <= contacts - sum(o.engagements_true for o in outcomes) < 0.01 * contacts
    assert abs(strikes / contacts - expected) < 4 * se, (strikes / contacts, expected)
