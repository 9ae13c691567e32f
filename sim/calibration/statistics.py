"""Statistics of simulated runs that calibration targets name (docs/calibration.md, "The mapping").

Each statistic is a function of one simulation's outcomes (in run order) and its scenario, with the range its
values (and so a target's observed value) can take and the horizon it needs.

**The crisis statistics** describe each run's *first crisis*, from its trigger to its end, as the
International Crisis Behavior (ICB) data describe a crisis from its breakpoint to its exit:

* the trigger is the first time the crisis level is at rung 1 or above (``first_hours[1]``; 0 in a
  scenario that opens in crisis);
* the end is the first crisis ending (``end_hours``, docs/model.md §13.2); a run whose crisis has not ended
  by the horizon is censored there;
* its highest rung is the highest rung reached between the two: the largest k with ``first_hours[k]`` at
  or before the end (rungs first reached in a later crisis of the same run do not count);
* its duration is end − trigger, and the share of crises ended within d days is 1 − S(d) of the
  Kaplan–Meier curve of the durations (censored at horizon − trigger).

Runs without any crisis (the level never left rung 0) are no crisis and are left out. ICB's highest
violence maps onto the highest rung as docs/calibration.md §1 argues: no violence → rungs 0–2, minor and
serious clashes → rung 3, full-scale war → rung 4 (a war *threatening* a great power is a theater war);
rung 5 and above (strategic strikes, nuclear signalling, use) have targets of their own. A crisis may signal
(jump to rung 6) from rungs 3–4 without strategic strikes (docs/model.md §13.3): "strategic strikes" is a crisis
that reached rung 5 before rung 6.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.engines import alarm_acted_probability
from sim.scenario.schema import Autonomy, Scenario
from sim.vocabulary import N_RUNGS, RunOutcome

__all__ = ["HOURS_PER_YEAR", "STATISTICS", "Statistic", "StatisticSpec", "first_crises", "statistic_value"]

Statistic = Callable[[Sequence[RunOutcome], Scenario], float]

HOURS_PER_YEAR = 8760.0


@dataclass(frozen=True)
class StatisticSpec:
    """A statistic, the range of its values and the horizon it needs.

    Attributes:
        function: The statistic of one simulation's outcomes.
        low: Smallest value it (and an observed value of it) can take.
        high: Largest value.
        horizon_days: Shortest horizon, days, at which it means what it says (0: any).
        about: One line for documentation and error messages.
    """

    function: Statistic
    low: float
    high: float
    horizon_days: float
    about: str


@dataclass(frozen=True)
class FirstCrises:
    """The first crisis of every run that had one.

    Attributes:
        top: Highest rung between trigger and end.
        duration: Hours from trigger to end, or to the horizon if it had not ended.
        ended: Whether it ended before the horizon.
        strategic: Whether it climbed through rung 5 (strategic strikes): reached 5 before it reached 6, not
            by a jump to nuclear signalling (docs/model.md §13.3), which reaches both at once.
    """

    top: np.ndarray
    duration: np.ndarray
    ended: np.ndarray
    strategic: np.ndarray


def first_crises(outcomes: Sequence[RunOutcome], scenario: Scenario) -> FirstCrises:
    """Each run's first crisis (see the module docstring); runs without one are left out."""
    first = np.array([o.first_hours for o in outcomes], dtype=float).reshape(len(outcomes), N_RUNGS)
    end = np.array([o.end_hours for o in outcomes], dtype=float)
    trigger = first[:, 1]
    crisis = np.isfinite(trigger)
    ended = np.isfinite(end)
    stop = np.where(ended, end, np.inf)[:, None]
    reached = np.isfinite(first) & (first <= stop)
    top = np.where(reached, np.arange(N_RUNGS), 0).max(axis=1)
    duration = np.where(ended, end, scenario.time.horizon_hours) - np.where(crisis, trigger, 0.0)
    to_six = np.where(reached[:, 6], first[:, 6], np.inf)
    strategic = reached[:, 5] & (first[:, 5] < to_six)
    return FirstCrises(top[crisis], np.maximum(duration[crisis], 0.0), ended[crisis], strategic[crisis])


def _crisis_share(test: Callable[[np.ndarray], np.ndarray]) -> Statistic:
    def share(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
        crises = first_crises(outcomes, scenario)
        return float(np.mean(test(crises.top))) if crises.top.size else math.nan

    return share


def strategic_strikes(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
    """Share of first crises that climbed through rung 5, strategic strikes (not a jump to signalling)."""
    crises = first_crises(outcomes, scenario)
    return float(np.mean(crises.strategic)) if crises.top.size else math.nan


def _ended_within(days: float) -> Statistic:
    def share(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
        crises = first_crises(outcomes, scenario)
        if crises.top.size == 0:
            return math.nan
        return 1.0 - kaplan_meier_survival(crises.duration, crises.ended, days * 24.0)

    return share


def kaplan_meier_survival(times: np.ndarray, events: np.ndarray, t: float) -> float:
    """Kaplan–Meier S(t) = Π_{t_j ≤ t} (1 − d_j / n_j) of right-censored times (events before censorings)."""
    order = np.argsort(times, kind="stable")
    times, events = np.asarray(times, float)[order], np.asarray(events, bool)[order]
    survival = 1.0
    event_times = np.unique(times[events & (times <= t)])
    for s in event_times:
        at_risk = int(np.sum(times >= s))
        deaths = int(np.sum((times == s) & events))
        survival *= 1.0 - deaths / at_risk
    return float(survival)


def contacts_per_year(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
    """Contacts (encounters of adversary assets) per year of the run."""
    per_run = np.mean([o.contacts for o in outcomes])
    return float(per_run * HOURS_PER_YEAR / scenario.time.horizon_hours)


def share_kinetic(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
    """Share of runs that reach a limited kinetic incident (rung 3) or beyond: shots fired."""
    return float(np.mean(np.array([o.max_rung for o in outcomes]) >= 3))


def false_alarm_acted(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
    """P(leaders act on a serious early-warning false alarm) in peacetime (rung 0), humans in the loop.

    The warning chain's exact probability (docs/model.md §12.2) at the scenario's parameters: the historical
    alarms were handled by crews and leaders, so the in-the-loop catch applies.
    """
    return alarm_acted_probability(scenario.parameters.warning, Autonomy.IN_THE_LOOP, 0)


def _specs() -> dict[str, StatisticSpec]:
    specs = {
        "contacts_per_year": StatisticSpec(contacts_per_year, 0.0, math.inf, 0.0, "contacts per year"),
        "share_kinetic": StatisticSpec(share_kinetic, 0.0, 1.0, 0.0, "share of runs with shots fired (rung ≥ 3)"),
        "false_alarm_acted": StatisticSpec(
            false_alarm_acted, 0.0, 1.0, 0.0, "P(leaders act on a serious false alarm), in the loop, rung 0"
        ),
        "crisis_rung_at_most_2": StatisticSpec(
            _crisis_share(lambda top: top <= 2), 0.0, 1.0, 0.0, "share of first crises whose highest rung is 0–2"
        ),
        "crisis_rung_3": StatisticSpec(
            _crisis_share(lambda top: top == 3), 0.0, 1.0, 0.0, "share of first crises whose highest rung is 3"
        ),
    }
    for k in range(1, N_RUNGS):
        specs[f"crisis_rung_at_least_{k}"] = StatisticSpec(
            _crisis_share(lambda top, k=k: top >= k), 0.0, 1.0, 0.0, f"share of first crises reaching rung {k} or above"
        )
    specs["crisis_strategic_strikes"] = StatisticSpec(
        strategic_strikes, 0.0, 1.0, 0.0, "share of first crises that climbed through rung 5 (strategic strikes)"
    )
    for days in (30, 90, 365):
        specs[f"crisis_ended_within_{days}_days"] = StatisticSpec(
            _ended_within(days), 0.0, 1.0, float(days), f"share of first crises ended within {days} days (Kaplan–Meier)"
        )
    return specs


STATISTICS: dict[str, StatisticSpec] = _specs()
"""Every statistic a target can name."""


def statistic_value(name: str, outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
    """The named statistic of one simulation's outcomes."""
    return STATISTICS[name].function(outcomes, scenario)
