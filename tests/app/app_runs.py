"""Runs to play in the app's tests: searched in the model, never assumed (the model changes under the tests)."""

from __future__ import annotations

import functools

from sim.app.session import GameSession
from sim.experiments.provenance import scenario_sha256
from sim.scenario.schema import Scenario

_SCENARIOS: dict[str, Scenario] = {}


def decision_run(scenario: Scenario, player: str = "PRC", within_days: float = 6.0, runs: int = 200) -> int:
    """A run in which ``player`` meets a decision point, preferably within ``within_days`` (the first such run).

    Raises:
        AssertionError: If no run up to ``runs`` gives the player a decision.
    """
    key = scenario_sha256(scenario)
    _SCENARIOS[key] = scenario
    return _search(key, player, within_days, runs)


@functools.cache
def _search(key: str, player: str, within_days: float, runs: int) -> int:
    scenario = _SCENARIOS[key]
    late = None
    for run in range(runs):
        session = GameSession(scenario, scenario.monte_carlo.seed, run, player)
        while not session.finished:
            if session.step_to_decision().reason == "decision":
                if session.game.hours <= within_days * 24:
                    return run
                late = run if late is None else late
                break
    assert late is not None, f"no run up to {runs} gives {player} a decision point"
    return late
