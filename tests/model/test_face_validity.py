"""Face validity on the shipped scenarios, over paired seeds (common random numbers).

Each test compares two or three arms of the same scenario on the same seeds and run indices, so
the difference is the lever's effect and not sampling noise between arms. Each can fail: the
assertions are on the direction of an effect the model must show (BRIEF §2 questions).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engines import run_many
from sim.scenario.schema import AUTONOMY_ORDER, AttackInject, Scenario

RUNS = 1000
SEED = 2026


def outcomes(scenario: Scenario, runs: int = RUNS):
    """Runs 0..runs-1 on the compiled engine (equal to the reference run for run, tests/engine)."""
    return run_many(scenario, SEED, range(runs))


def p_inadvertent(results) -> float:
    return float(np.mean([o.inadvertent for o in results]))


def mean_time_to_rung(results, rung: int, horizon: float) -> float:
    """Mean first time at ``rung``, runs that never get there counted at the horizon (restricted mean)."""
    return float(np.mean([horizon if math.isnan(o.first_hours[rung]) else o.first_hours[rung] for o in results]))


def with_autonomy(scenario: Scenario, level) -> Scenario:
    variant = scenario.model_copy(deep=True)
    for actor in variant.actors.values():
        actor.autonomy = level
    for asset in variant.assets.values():
        asset.autonomy = level
    return variant


def changed(scenario: Scenario, apply) -> Scenario:
    variant = scenario.model_copy(deep=True)
    apply(variant)
    return variant


def test_more_autonomy_raises_inadvertent_escalation_and_speeds_the_first_kinetic_incident(shipped):
    base = shipped["taiwan_strait"]
    arms = [outcomes(with_autonomy(base, level)) for level in AUTONOMY_ORDER]
    p = [p_inadvertent(arm) for arm in arms]
    t3 = [mean_time_to_rung(arm, 3, base.time.horizon_hours) for arm in arms]
    assert p[0] <= p[1] <= p[2] and p[2] > p[0] + 0.03, p
    assert t3[0] >= t3[1] >= t3[2] and t3[2] < t3[0], t3


def test_better_classifier_lowers_false_engagements(shipped):
    base = shipped["taiwan_strait"]
    poor = outcomes(changed(base, lambda s: setattr(s.technology, "dprime_at_full_capability", 1.5)))
    good = outcomes(changed(base, lambda s: setattr(s.technology, "dprime_at_full_capability", 4.5)))
    false_poor = np.mean([o.engagements_false for o in poor])
    false_good = np.mean([o.engagements_false for o in good])
    assert false_good < 0.75 * false_poor, (false_poor, false_good)


def commit_everyone_to_the_hotline(scenario: Scenario) -> None:
    for actor in scenario.actors.values():
        if "hotline" not in actor.commitments:
            actor.commitments = [*actor.commitments, "hotline"]


# taiwan_strait as shipped has no hotline between the pairs where most inadvertent steps happen
# (PRC-TWN, DPRK-JPN): there the lever is tested with every actor committed to it.
@pytest.mark.parametrize(("name", "everyone"), [("south_china_sea", False), ("taiwan_strait", True)])
def test_hotline_lowers_inadvertent_escalation(shipped, name, everyone):
    base = changed(shipped[name], commit_everyone_to_the_hotline) if everyone else shipped[name]
    off = outcomes(changed(base, lambda s: setattr(s.policy.hotline, "enabled", False)))
    on = outcomes(changed(base, lambda s: setattr(s.policy.hotline, "enabled", True)))
    assert p_inadvertent(on) < p_inadvertent(off), (p_inadvertent(on), p_inadvertent(off))


def test_incidents_at_sea_rules_lower_incident_rates_in_the_south_china_sea(shipped):
    base = shipped["south_china_sea"]
    off = outcomes(changed(base, lambda s: setattr(s.policy.incidents_at_sea, "enabled", False)))
    on = outcomes(changed(base, lambda s: setattr(s.policy.incidents_at_sea, "enabled", True)))

    def incidents(results):
        return np.mean([o.engagements_true + o.engagements_false for o in results])

    assert incidents(on) < 0.8 * incidents(off), (incidents(on), incidents(off))


def test_attack_on_early_warning_satellites_raises_strategic_escalation(shipped):
    base = shipped["taiwan_strait"]
    asat = next(k for k, a in base.assets.items() if a.kind == "space_asset" and a.role == "co_orbital_asat")
    owner = base.assets[asat].owner
    target = next(
        k
        for k, a in base.assets.items()
        if a.kind == "space_asset" and a.role == "early_warning" and a.owner in base.actors[owner].adversaries
    )
    attack = AttackInject(kind="attack", at_hours=24, attacker=asat, target=target)
    attacked = changed(base, lambda s: s.injects.append(attack))
    # read as strategic (entanglement): the victim's leadership answers a rung-5 provocation; the firebreak
    # holds most answers at theater strikes (§13.3), so P(>= 4) jumps and P(>= 5) rises
    base_runs, attacked_runs = outcomes(base), outcomes(attacked)
    p4_base, p4_attacked = (np.mean([o.max_rung >= 4 for o in runs]) for runs in (base_runs, attacked_runs))
    p5_base, p5_attacked = (np.mean([o.max_rung >= 5 for o in runs]) for runs in (base_runs, attacked_runs))
    assert p4_attacked > p4_base + 0.1, (p4_base, p4_attacked)
    assert p5_attacked > p5_base, (p5_base, p5_attacked)
