"""A run is a plain function: (scenario, seed, run index) → outcome record (EMA Workbench style)."""

from __future__ import annotations

from sim import engines
from sim.scenario.schema import Scenario
from sim.vocabulary import RunOutcome


def run_once(scenario: Scenario, seed: int, run: int, engine: str = "reference") -> RunOutcome:
    """Run one replication to the horizon.

    Args:
        scenario: A validated scenario (overrides already applied).
        seed: Master seed of the Monte Carlo.
        run: Replication index.
        engine: "reference" (the Mesa model) or "compiled" (the Numba twin); both give the same outcome.

    Returns:
        The run's outcome record.
    """
    return engines.run_one(scenario, seed, run, engine=engine).outcome
