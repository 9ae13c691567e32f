"""Runs of a shipped scenario in which a given actor has a response to decide (found, not hard-coded).

Which run of a scenario gives the player a decision depends on the model; the app's tests look the run
up on the compiled engine rather than pin a number that an honest model change would move.
"""

from __future__ import annotations

from functools import cache

from sim.engines import run_one
from sim.scenario.schema import Scenario


@cache
def _first_response_hours(scenario_json: str, seed: int, run: int, actor: str) -> float | None:
    scenario = Scenario.model_validate_json(scenario_json)
    for entry in run_one(scenario, seed, run, log=True).log:
        if entry.kind == "response" and entry.text.startswith(f"{actor} leadership decides"):
            return entry.hours
    return None


def run_with_a_decision(scenario: Scenario, actor: str, after_hours: float = 0.0, before_hours: float = 100.0) -> int:
    """The first run index where ``actor``'s first response to decide falls between the two times."""
    text = scenario.model_dump_json()
    for run in range(200):
        hours = _first_response_hours(text, scenario.monte_carlo.seed, run, actor)
        if hours is not None and after_hours < hours < before_hours:
            return run
    raise AssertionError(f"no run in 200 gives {actor} a response to decide within {before_hours} h")
