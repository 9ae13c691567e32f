"""Statistics of simulated runs that calibration targets name (docs/calibration.md, "The mapping").

Each statistic is a function of one simulation's outcomes (in run order) and its scenario. The violence and
duration statistics map a run onto the International Crisis Behavior codes: a run is one crisis from its
trigger (the scenario's start) to its end (the first crisis ending, §13.2 of docs/model.md); its highest
rung gives ICB's VIOL (rungs 0-2: no violence; 3, a limited kinetic incident: minor clashes; 4, strikes:
serious clashes; 5 and above: full-scale war); its duration is the time to the first ending, and a run
that has not ended by the horizon has lasted at least that long.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.engines import alarm_acted_probability
from sim.scenario.schema import Autonomy, Scenario
from sim.vocabulary import RunOutcome

__all__ = ["STATISTICS", "Statistic", "statistic_value"]

Statistic = Callable[[Sequence[RunOutcome], Scenario], float]

HOURS_PER_YEAR = 8760.0


def _rungs(outcomes: Sequence[RunOutcome]) -> np.ndarray:
    return np.array([o.max_rung for o in outcomes], dtype=np.int64)


def _ended_within(days: float) -> Statistic:
    def share(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
        if days * 24.0 > scenario.time.horizon_hours:
            raise ValueError(f"the horizon ({scenario.time.horizon_hours:g} h) is shorter than {days:g} days")
        ends = np.array([o.end_hours for o in outcomes], dtype=float)
        return float(np.mean(~np.isnan(ends) & (ends <= days * 24.0)))

    return share


def contacts_per_year(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
    """Contacts (encounters of adversary assets) per year of the run."""
    per_run = np.mean([o.contacts for o in outcomes])
    return float(per_run * HOURS_PER_YEAR / scenario.time.horizon_hours)


def share_kinetic(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
    """Share of runs that reach a limited kinetic incident (rung 3) or beyond: shots fired."""
    return float(np.mean(_rungs(outcomes) >= 3))


def false_alarm_acted(outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
    """P(leaders act on a serious early-warning false alarm) in peacetime (rung 0), humans in the loop.

    The warning chain's exact probability (docs/model.md §12.2) at the scenario's parameters: the historical
    alarms were handled by crews and leaders, so the in-the-loop catch applies.
    """
    return alarm_acted_probability(scenario.parameters.warning, Autonomy.IN_THE_LOOP, 0)


STATISTICS: dict[str, Statistic] = {
    "contacts_per_year": contacts_per_year,
    "share_kinetic": share_kinetic,
    "false_alarm_acted": false_alarm_acted,
    "share_violence_none": lambda o, s: float(np.mean(_rungs(o) <= 2)),
    "share_violence_minor": lambda o, s: float(np.mean(_rungs(o) == 3)),
    "share_violence_serious": lambda o, s: float(np.mean(_rungs(o) == 4)),
    "share_violence_war": lambda o, s: float(np.mean(_rungs(o) >= 5)),
    "share_ended_within_30_days": _ended_within(30.0),
    "share_ended_within_90_days": _ended_within(90.0),
    "share_ended_within_365_days": _ended_within(365.0),
}
"""Every statistic a target can name."""


def statistic_value(name: str, outcomes: Sequence[RunOutcome], scenario: Scenario) -> float:
    """The named statistic of one simulation's outcomes."""
    return STATISTICS[name](outcomes, scenario)
