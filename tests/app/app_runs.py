"""Runs to play in the app's tests: searched in the model, never assumed (the model changes under the tests)."""

from __future__ import annotations

import functools

from sim.app.session import Cell, GameSession
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


def cells_run(scenario: Scenario, cells: tuple[Cell, ...], within_days: float = 6.0, candidates: int = 400) -> int:
    """A run in which every cell meets a decision within ``within_days`` when each answers at the rung it reads.

    Candidates come from the compiled engine's search (:func:`runs_with_decisions`); each is checked by
    playing it (a cell's answer changes what follows, so the search alone cannot promise a second decision).

    Raises:
        AssertionError: If no candidate works.
    """
    key = scenario_sha256(scenario)
    _SCENARIOS[key] = scenario
    return _search_cells(key, cells, within_days, candidates)


@functools.cache
def _search_cells(key: str, cells: tuple[Cell, ...], within_days: float, candidates: int) -> int:
    from sim.app.decision_runs import runs_with_decisions

    scenario = _SCENARIOS[key]
    seed = scenario.monte_carlo.seed
    found = runs_with_decisions(scenario, seed, cells, range(candidates), within_days * 24, limit=8)
    for choice in found:
        if not choice.every_cell_within(within_days * 24):
            continue
        session = GameSession(scenario, seed, choice.run, cells=cells)
        decided: set[str] = set()
        while not session.finished and session.game.hours <= within_days * 24 and len(decided) < len(cells):
            if session.step_to_decision().reason != "decision":
                continue
            for d in session.game.open_decisions():
                decided.add(session.cell_of(d.actor).name)
                session.decide(d.id, d.provocation_rung)
        if len(decided) == len(cells):
            return choice.run
    raise AssertionError(f"no run up to {candidates} gives every cell a decision within {within_days} days")
