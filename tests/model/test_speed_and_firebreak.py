"""Model 3.0's acceptance, measured: machine speed moves outcomes, the hotline works through its race, and the
nuclear firebreak holds where the record says it does (paired comparisons on common random numbers, compiled
engine; benchmarks/speed_and_firebreak.py measures the same on a second seed and writes docs/model.md's table).
"""

from __future__ import annotations

import numpy as np
import pytest
from model_scenarios import SCENARIOS

from sim.engines import run_many
from sim.experiments.compare import compare
from sim.experiments.stats import paired_difference
from sim.scenario import load_scenario

SEED = 777
RUNS = 4000


def every_actor(scenario, field, value):
    return [f"actors.{a}.{field}={value}" for a in scenario.actors]


def every_asset(scenario, field, value):
    return every_actor(scenario, field, value) + [f"assets.{a}.{field}={value}" for a in scenario.assets]


def arm(name, overrides):
    return f"{name}:{','.join(overrides)}"


@pytest.fixture(scope="module")
def taiwan(shipped):
    return shipped["taiwan_strait"]


def test_faster_leaders_raise_theater_war_and_inadvertent_escalation(taiwan):
    """All leaders' decision latency 6 h -> 0.6 h: more misreadings, more misattributions, races lost."""
    result = compare(
        taiwan,
        [
            arm("six", every_actor(taiwan, "decision_latency_hours", 6)),
            arm("fast", every_actor(taiwan, "decision_latency_hours", 0.6)),
        ],
        runs=RUNS,
        seed=SEED,
        metrics=("p_ge_4", "p_inadvertent"),
    )
    for metric in ("p_ge_4", "p_inadvertent"):
        d = result.difference("fast", metric).paired
        assert d.lo > 0.0, (metric, d.diff, d.lo, d.hi)


def test_every_asset_out_of_the_loop_raises_machine_speed_chains_and_theater_war(taiwan):
    result = compare(
        taiwan,
        [
            arm("in", every_asset(taiwan, "autonomy", "in_the_loop")),
            arm("out", every_asset(taiwan, "autonomy", "out_of_the_loop")),
        ],
        runs=2000,
        seed=SEED,
        metrics=("flash_chains", "p_ge_4", "hostile_strikes"),
    )
    assert result.difference("out", "flash_chains").paired.lo > 0.0
    assert result.difference("out", "p_ge_4").paired.lo > 0.0
    assert result.difference("out", "hostile_strikes").paired.hi < 0.0  # the trade-off still holds


def test_the_hotline_works_through_its_race_and_machine_speed_outruns_it(taiwan):
    """Every actor committed (as shipped, TWN and the DPRK have no hotline), the assumed de-escalation bonus 0:
    the hotline still lowers P(inadvertent) at 6 h, and by less when leaders decide in 0.6 h (a
    difference of the paired differences over the same runs)."""
    committed = [f"actors.{a}.commitments=[hotline]" for a in ("TWN", "DPRK")] + ["policy.hotline.deescalation_bonus=0"]
    arms = []
    for latency in (6, 0.6):
        base = [*committed, *every_actor(taiwan, "decision_latency_hours", latency)]
        arms += [arm(f"off{latency}", [*base, "policy.hotline.enabled=false"]), arm(f"on{latency}", base)]
    result = compare(taiwan, arms, runs=RUNS, seed=SEED, metrics=("p_inadvertent",))
    values = {name: result.values(name, "p_inadvertent") for name in ("off6", "on6", "off0.6", "on0.6")}
    effect_slow = values["on6"] - values["off6"]
    effect_fast = values["on0.6"] - values["off0.6"]
    six = paired_difference(values["on6"], values["off6"])
    assert six.hi < 0.0, (six.diff, six.lo, six.hi)
    smaller = paired_difference(effect_fast, effect_slow)
    assert smaller.lo > 0.0, (smaller.diff, smaller.lo, smaller.hi)


def _p_at_least(scenario, runs, seed=SEED):
    rungs = np.array([o.max_rung for o in run_many(scenario, seed, range(runs))])
    return {k: float(np.mean(rungs >= k)) for k in range(8)}


def test_the_firebreak_holds_in_a_fourteen_day_crisis_yet_signalling_happens(taiwan):
    p = _p_at_least(taiwan, 5000)
    assert p[7] <= 0.002 and p[6] > 0.0, p


def test_the_firebreak_holds_over_a_year_long_crisis(taiwan):
    """The record: 0 of 88 US/USSR crises reached nuclear use (95% upper bound 0.034)."""
    year = load_scenario(SCENARIOS / "taiwan_strait.yaml", ["time.horizon_hours=8760", "time.tick_hours=6"])
    p = _p_at_least(year, 2000)
    assert p[7] <= 0.034, p


def test_a_peacetime_year_around_taiwan_rarely_turns_violent_and_never_nuclear(taiwan):
    peace = load_scenario(
        SCENARIOS / "taiwan_strait.yaml",
        ["time.horizon_hours=8760", "time.tick_hours=6", *every_actor(taiwan, "initial_rung", 0)],
    )
    p = _p_at_least(peace, 2000)
    assert p[3] <= 0.10 and p[7] <= 0.005, p


def test_peacetime_contact_keeps_its_intercept_record(shipped):
    outcomes = run_many(shipped["peacetime_contact"], SEED, range(2000))
    contacts = np.mean([o.contacts for o in outcomes])
    assert 0.9 * 90 <= contacts <= 1.1 * 90, contacts
    assert np.mean([o.max_rung >= 3 for o in outcomes]) <= 0.05
