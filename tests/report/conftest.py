"""Fixtures for the report tests: a synthetic Monte Carlo summary (seeded, no engine needed)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.summary import MonteCarloSummary, summarize
from sim.vocabulary import N_RUNGS, ROOT_CAUSES, RunOutcome

HORIZON_HOURS = 72.0
TICK_HOURS = 1.0


def make_runs(n: int = 60, seed: int = 20260101) -> list[RunOutcome]:
    """Runs that climb one rung with probability 0.05 per hourly tick (seeded Generator)."""
    rng = np.random.default_rng(seed)
    n_ticks = int(HORIZON_HOURS / TICK_HOURS)
    runs = []
    for i in range(n):
        level = np.minimum(np.cumsum(rng.random(n_ticks) < 0.05), N_RUNGS - 1).astype(np.int8)
        ends = (np.arange(n_ticks) + 1) * TICK_HOURS
        first = tuple(
            0.0 if k == 0 else (float(ends[np.argmax(level >= k)]) if np.any(level >= k) else math.nan)
            for k in range(N_RUNGS)
        )
        top = int(level.max())
        runs.append(
            RunOutcome(
                run=i,
                seed=seed,
                max_rung=top,
                first_hours=first,
                inadvertent=top >= 3 and bool(rng.random() < 0.5),
                root_cause="none" if top == 0 else str(rng.choice(ROOT_CAUSES[1:])),
                engagements_true=int(rng.poisson(2.0)),
                engagements_false=int(rng.poisson(0.5)),
                hostile_strikes=int(rng.poisson(0.3)),
                contacts=int(rng.poisson(20.0)),
                drones_lost=int(rng.poisson(3.0)),
                ships_lost=int(rng.poisson(0.2)),
                satellites_lost=int(rng.poisson(0.1)),
                debris=int(rng.poisson(4.0)),
                severity=float(4 * top + rng.normal(0.0, 2.0)),
                drawn_in=int(top >= 3 and rng.random() < 0.3),
                end_hours=math.nan,
                end_state="none",
                crisis_level=level,
            )
        )
    return runs


@pytest.fixture(scope="session")
def report_summary() -> MonteCarloSummary:
    """Summary of 60 synthetic runs over a 72-hour horizon."""
    return summarize(make_runs(60), HORIZON_HOURS, TICK_HOURS)
