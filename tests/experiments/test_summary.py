"""Tests of sim.experiments.summary on hand-built RunOutcome lists with known answers."""

from __future__ import annotations

import dataclasses
import json
import math
import pickle

import numpy as np
import pytest

from sim.experiments.stats import binomial_interval, wilson_interval
from sim.experiments.summary import KM_RUNGS, LOSS_FIELDS, MonteCarloSummary, summarize, summary_table
from sim.vocabulary import N_RUNGS, ROOT_CAUSES, RunOutcome

TICK = 1.0
N_TICKS = 48
HORIZON = 48.0

# Ten runs, clearly constructed. Run i climbs one rung every STEP hours from hour START[i]
# until it reaches MAX_RUNG[i]; run 9 then falls back to rung 1 at hour 40.
MAX_RUNG = [0, 0, 1, 1, 1, 2, 3, 3, 4, 7]
START = [0, 0, 5, 6, 7, 3, 2, 4, 1, 1]
STEP = 5
ROOT = ["none", "none", "deliberate", "deliberate", "false_alarm", "deliberate", "misidentification",
        "deliberate", "accident", "misattribution"]  # fmt: skip
INADVERTENT = [False, False, False, False, False, False, True, False, True, True]
ENG_TRUE = [0, 0, 1, 2, 0, 3, 4, 2, 5, 3]
ENG_FALSE = [0, 0, 0, 1, 0, 0, 2, 0, 1, 1]
DRONES = [0, 0, 0, 1, 0, 2, 3, 1, 6, 7]
SEVERITY = [0.0, 0.0, 4.0, 4.0, 4.0, 16.0, 44.0, 44.0, 72.0, 196.0]
CHAINS = [0, 0, 0, 0, 0, 0, 2, 0, 1, 3]
CHAIN_RISE = [0, 0, 0, 0, 0, 0, 1, 0, 2, 0]
SHOT_TO_RUNG4 = [math.nan] * 8 + [3.0, 5.0]


def first_hours(i: int) -> tuple[float, ...]:
    """Hour at which run i first reached rung k: rung k (1 <= k <= max) at START + (k - 1)·STEP."""
    out = [0.0]
    for k in range(1, N_RUNGS):
        out.append(float(START[i] + (k - 1) * STEP) if k <= MAX_RUNG[i] else math.nan)
    return tuple(out)


def trajectory(i: int) -> np.ndarray:
    """Crisis level at the end of each tick, consistent with first_hours."""
    ends = (np.arange(N_TICKS) + 1) * TICK
    fh = np.array(first_hours(i))
    level = np.array([int(np.sum(fh[np.isfinite(fh)] <= t)) - 1 for t in ends], dtype=np.int8)
    if i == 9:
        level[ends >= 40] = 1
    return level


def make_runs() -> list[RunOutcome]:
    return [
        RunOutcome(
            run=i,
            seed=99,
            max_rung=MAX_RUNG[i],
            first_hours=first_hours(i),
            inadvertent=INADVERTENT[i],
            root_cause=ROOT[i],
            engagements_true=ENG_TRUE[i],
            engagements_false=ENG_FALSE[i],
            hostile_strikes=i % 3,
            contacts=10 + i,
            drones_lost=DRONES[i],
            ships_lost=1 if i == 8 else 0,
            satellites_lost=2 if i == 9 else 0,
            debris=150 if i == 9 else 0,
            severity=SEVERITY[i],
            drawn_in=1 if i == 8 else 0,
            end_hours=60.0 if i == 2 else math.nan,
            end_state="settlement" if i == 2 else "none",
            flash_chains=CHAINS[i],
            flash_max_rungs=CHAIN_RISE[i],
            hours_first_shot_to_rung4=SHOT_TO_RUNG4[i],
            crisis_level=trajectory(i),
        )
        for i in range(10)
    ]


@pytest.fixture(scope="module")
def summary() -> MonteCarloSummary:
    return summarize(make_runs(), HORIZON, TICK)


def test_trajectories_are_built_as_intended() -> None:
    assert [int(trajectory(i).max()) for i in range(10)] == MAX_RUNG
    assert trajectory(9)[-1] == 1


def test_max_rung_probabilities_exact(summary: MonteCarloSummary) -> None:
    assert summary.n_runs == 10
    at_least = [p.p for p in summary.max_rung_at_least]
    assert at_least == [1.0, 0.8, 0.5, 0.4, 0.2, 0.1, 0.1, 0.1]
    exactly = [p.p for p in summary.max_rung_exactly]
    assert exactly == [0.2, 0.3, 0.1, 0.2, 0.1, 0.0, 0.0, 0.1]
    for k, p in enumerate(summary.max_rung_at_least):
        assert (p.lo, p.hi) == wilson_interval(p.count, 10)
        assert p.count == sum(m >= k for m in MAX_RUNG)
    assert summary.p_at_least(3).count == 4


def test_inadvertent_and_root_causes(summary: MonteCarloSummary) -> None:
    assert summary.inadvertent.count == 3 and summary.inadvertent.p == 0.3
    assert (summary.inadvertent.lo, summary.inadvertent.hi) == wilson_interval(3, 10)
    assert list(summary.root_causes) == list(ROOT_CAUSES)
    shares = {c: p.p for c, p in summary.root_causes.items()}
    assert shares == {
        "none": 0.2,
        "deliberate": 0.4,
        "misidentification": 0.1,
        "false_alarm": 0.1,
        "misattribution": 0.1,
        "entanglement": 0.0,
        "accident": 0.1,
    }
    assert sum(p.count for p in summary.root_causes.values()) == 10


def test_time_to_rung_curves(summary: MonteCarloSummary) -> None:
    assert set(summary.time_to_rung) == set(KM_RUNGS)
    # rung 3 reached by runs 6, 7, 8, 9 at hours 12, 14, 11, 11; six runs censored at 48 h
    km3 = summary.time_to_rung[3]
    np.testing.assert_array_equal(km3.time, [0.0, 11.0, 12.0, 14.0])
    np.testing.assert_allclose(km3.survival, [1.0, 0.8, 0.7, 0.6])
    assert km3.n_censored == 6
    assert km3.cumulative_at(HORIZON) == pytest.approx(summary.p_at_least(3).p)
    km7 = summary.time_to_rung[7]  # run 9 only: 1 + 6·5 = 31 h
    np.testing.assert_allclose(km7.time, [0.0, 31.0])
    np.testing.assert_allclose(km7.survival, [1.0, 0.9])


def test_fan_chart_data(summary: MonteCarloSummary) -> None:
    assert summary.fan_p.shape == (N_RUNGS, N_TICKS)
    assert summary.n_ticks == N_TICKS
    np.testing.assert_allclose(summary.fan_time_hours, np.arange(1, N_TICKS + 1) * TICK)
    np.testing.assert_array_equal(summary.fan_p[0], 1.0)
    # end of tick 0 (hour 1): runs 8 and 9 are at rung 1
    np.testing.assert_allclose(summary.fan_p[:, 0], [1.0, 0.2, 0, 0, 0, 0, 0, 0])
    # hour 35 (tick 34): run 9 at 7 (since 31 h), run 8 at 4 (16 h), runs 6, 7 at 3
    np.testing.assert_allclose(summary.fan_p[:, 34], [1.0, 0.8, 0.5, 0.4, 0.2, 0.1, 0.1, 0.1])
    # at the end run 9 has fallen back to rung 1
    np.testing.assert_allclose(summary.fan_p[:, -1], [1.0, 0.8, 0.4, 0.3, 0.1, 0.0, 0.0, 0.0])
    assert np.all(summary.fan_lo <= summary.fan_p) and np.all(summary.fan_p <= summary.fan_hi)
    assert np.all(np.diff(summary.fan_p, axis=0) <= 0)  # P(level >= k) decreases in k


def test_engagements_losses_severity(summary: MonteCarloSummary) -> None:
    assert summary.engagements_true.total == sum(ENG_TRUE) == 20
    assert summary.engagements_false.total == sum(ENG_FALSE) == 5
    assert summary.engagements_true.mean == 2.0
    assert summary.engagements_false.mean == 0.5
    fp, lo, hi = summary.false_positive_share
    assert fp == pytest.approx(5 / 25)
    assert 0.0 <= lo < fp < hi <= 1.0
    drones = summary.losses["drones_lost"]
    assert drones.mean == pytest.approx(np.mean(DRONES))
    half = 1.959963984540054 * np.std(DRONES, ddof=1) / math.sqrt(10)
    assert (drones.lo, drones.hi) == pytest.approx((drones.mean - half, drones.mean + half))
    assert summary.losses["debris"].mean == 15.0
    assert summary.losses["satellites_lost"].total == 2
    assert list(summary.losses) == list(LOSS_FIELDS)
    sev = summary.severity
    assert sev.mean.mean == pytest.approx(np.mean(SEVERITY))
    assert sev.median == 10.0
    assert sev.p90 == pytest.approx(np.percentile(SEVERITY, 90))
    assert (sev.min, sev.max) == (0.0, 196.0)
    assert sev.counts.sum() == 10 and sev.bin_edges.size == sev.counts.size + 1


def test_machine_speed(summary: MonteCarloSummary) -> None:
    speed = summary.machine_speed
    assert speed.chains.mean == pytest.approx(0.6) and speed.chains.total == 6
    assert (speed.any_chain.count, speed.chain_climbed.count, speed.reached_rung4.count) == (3, 2, 2)
    assert speed.shot_to_rung4_hours == pytest.approx((3.5, 4.0, 4.5))
    none = summarize(
        [
            dataclasses.replace(r, flash_chains=0, flash_max_rungs=0, hours_first_shot_to_rung4=math.nan)
            for r in make_runs()
        ],
        HORIZON,
        TICK,
    )
    assert none.machine_speed.reached_rung4.count == 0 and all(map(math.isnan, none.machine_speed.shot_to_rung4_hours))
    assert none.to_dict()["machine_speed"]["hours_first_shot_to_rung4"]["median"] is None
    assert summary_table(none).splitlines()[-1].split() == [
        "hours",
        "from",
        "first",
        "shot",
        "to",
        "rung",
        "4",
        "(median)",
        "n/a",
    ]


def test_machine_speed_probabilities_take_the_summary_s_interval() -> None:
    exact = summarize(make_runs(), HORIZON, TICK, interval="clopper-pearson").machine_speed
    for share in (exact.any_chain, exact.chain_climbed, exact.reached_rung4):
        assert (share.lo, share.hi) == binomial_interval(share.count, share.n, "clopper-pearson")
        assert (share.lo, share.hi) != wilson_interval(share.count, share.n)


def test_to_dict_is_json_and_stable(summary: MonteCarloSummary) -> None:
    d = summary.to_dict()
    assert list(d) == [
        "scenario",
        "n_runs",
        "horizon_hours",
        "tick_hours",
        "n_ticks",
        "confidence",
        "interval",
        "rung_names",
        "max_rung",
        "inadvertent",
        "root_causes",
        "time_to_rung",
        "fan",
        "engagements",
        "losses",
        "severity",
        "machine_speed",
    ]
    text = json.dumps(d, allow_nan=False)
    again = summarize(make_runs(), HORIZON, TICK)
    assert json.dumps(again.to_dict(), allow_nan=False) == text
    assert again == summary
    entry = d["max_rung"]["at_least"][3]
    assert list(entry) == ["count", "n", "p", "lo", "hi"]
    assert (entry["count"], entry["n"], entry["p"]) == (4, 10, 0.4)
    assert list(d["time_to_rung"]) == [str(k) for k in KM_RUNGS]
    assert len(d["fan"]["p_at_least"]) == N_RUNGS and len(d["fan"]["p_at_least"][0]) == N_TICKS
    assert d["time_to_rung"]["3"]["median_hours"] is None  # never reaches 50%
    assert pickle.loads(pickle.dumps(summary)) == summary


def test_summary_table_text(summary: MonteCarloSummary) -> None:
    text = summary_table(summary)
    lo, hi = wilson_interval(4, 10)
    assert f"0.400  [{lo:.3f}, {hi:.3f}]" in text
    assert "P(max rung ≥ 3)" in text
    assert "P(inadvertent escalation to ≥ 3)" in text
    assert "misidentification" in text and "debris fragments" in text
    assert "P(a chain climbed a rung by itself)" in text and "[3.5, 4.5] quartiles" in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_short_trajectory_is_held_at_its_last_level() -> None:
    runs = make_runs()
    r = runs[8]
    runs[8] = dataclasses.replace(r, crisis_level=r.crisis_level[:20])
    s = summarize(runs, HORIZON, TICK)
    assert s.n_ticks == N_TICKS
    assert s.fan_p[4, -1] == pytest.approx(0.1)  # run 8 held at rung 4


def test_errors() -> None:
    with pytest.raises(ValueError, match="at least one"):
        summarize([], HORIZON, TICK)
    runs = make_runs()
    runs[0] = dataclasses.replace(runs[0], root_cause="gremlins")
    with pytest.raises(ValueError, match="gremlins"):
        summarize(runs, HORIZON, TICK)
    with pytest.raises(ValueError, match="horizon"):
        summarize(make_runs(), 10.0, TICK)  # first passages after the horizon


def test_parameter_spread_widens_the_machine_speed_section_and_keeps_its_estimates(summary: MonteCarloSummary) -> None:
    from sim.experiments.summary_spread import with_parameter_spread

    draws = np.repeat(np.arange(5), 2)  # five parameter sets, two runs each
    wide = with_parameter_spread(summary, make_runs(), draws).machine_speed
    narrow = summary.machine_speed
    for name in ("chains", "any_chain", "chain_climbed", "reached_rung4"):
        before, after = getattr(narrow, name), getattr(wide, name)
        assert after.spread is not None and after.lo <= max(before.lo, 0.0) and after.hi >= before.hi, (
            name
        )  # clipped at 0
        assert (getattr(after, "p", None), getattr(after, "mean", None)) == (
            getattr(before, "p", None),
            getattr(before, "mean", None),
        )
    assert wide.shot_to_rung4_hours == narrow.shot_to_rung4_hours
