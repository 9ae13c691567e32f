"""Scenarios for the reference engine's tests: the shipped ones and small 'versus' duels."""

from __future__ import annotations

from scenario_builders import DUEL, SCENARIOS, SHIPPED, merge

from sim.scenario.schema import Scenario

__all__ = ["DUEL", "SCENARIOS", "SHIPPED", "duel", "merge"]


def duel(**changes) -> Scenario:
    """The two-actor 'versus' scenario with ``changes`` deep-merged in (keyword = top-level section)."""
    return Scenario.model_validate(merge(DUEL, changes))
