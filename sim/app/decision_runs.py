"""Games with decisions: which runs put the chosen cells before a decision early.

A run is a history of chance events; in many runs of a scenario a given side meets no decision for days
(with PRC played, runs 0-8 of the Taiwan Strait scenario have no PRC decision in the first 8 days). Before
a game starts, the new-game form searches runs with the compiled engine: a played actor meets its first
decision exactly when, in the same run played by the model alone, its leadership first decides a
response (the run is the same until then). Later decisions depend on what the cells decide, so the times
given for a second cell are what happens if the first decisions go as the model's doctrine would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sim import engines
from sim.app.session import Cell
from sim.scenario.schema import Scenario
from sim.vocabulary import clock

__all__ = ["DEFAULT_EARLY_HOURS", "RunWithDecisions", "first_decisions", "runs_with_decisions"]

DEFAULT_EARLY_HOURS = 96.0
"""A decision within this much game time counts as early."""
DEFAULT_SEARCH = 200
"""Runs searched by default."""


@dataclass(frozen=True)
class RunWithDecisions:
    """A run and when each cell meets its first decision in it.

    Attributes:
        run: The run index.
        first: Cell name to the hours of its first decision (None: none before the crisis ends).
    """

    run: int
    first: dict[str, float | None]

    @property
    def earliest(self) -> float | None:
        """The first decision of any cell, hours."""
        times = [h for h in self.first.values() if h is not None]
        return min(times) if times else None

    def every_cell_within(self, hours: float) -> bool:
        """Whether every cell meets a decision within ``hours``."""
        return all(h is not None and h <= hours for h in self.first.values())

    def describe(self) -> str:
        """'run 12 — Red decides at day 1 05:00 (first), Blue at about day 2 10:00'."""
        earliest = self.earliest
        parts = []
        for name, hours in sorted(self.first.items(), key=lambda kv: (kv[1] is None, kv[1] or 0.0)):
            if hours is None:
                parts.append(f"{name}: no decision")
            elif hours == earliest:
                parts.append(f"{name} decides at {clock(hours)}")
            else:
                parts.append(f"{name} at about {clock(hours)}")
        return f"run {self.run} — " + ", ".join(parts)


def first_decisions(scenario: Scenario, seed: int, run: int, actors: Sequence[str]) -> dict[str, float | None]:
    """When each actor's leadership first decides a response in the model-only run (compiled engine)."""
    log = engines.run_one(scenario, seed, run, engine="compiled", log=True).log
    first: dict[str, float | None] = dict.fromkeys(actors)
    for entry in log:
        if entry.kind != "response" or " leadership decides its response" not in entry.text:
            continue
        actor = entry.text.split(" ", 1)[0]
        if actor in first and first[actor] is None:
            first[actor] = float(entry.hours)
    return first


def runs_with_decisions(
    scenario: Scenario,
    seed: int,
    cells: Sequence[Cell],
    runs: Sequence[int] = range(DEFAULT_SEARCH),
    early_hours: float = DEFAULT_EARLY_HOURS,
    limit: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> list[RunWithDecisions]:
    """Runs in which every cell meets a decision within ``early_hours`` (the first ``limit``, in run order).

    If fewer than ``limit`` runs qualify, runs in which every cell meets a decision at all follow, earliest
    last decision first; then runs in which some cell does.
    """
    early, late, some = [], [], []
    actors = [a for cell in cells for a in cell.actors]
    for n, run in enumerate(runs):
        times = first_decisions(scenario, seed, int(run), actors)
        found = RunWithDecisions(int(run), {c.name: _earliest(times, c.actors) for c in cells})
        if found.every_cell_within(early_hours):
            early.append(found)
        elif all(h is not None for h in found.first.values()):
            late.append(found)
        elif found.earliest is not None:
            some.append(found)
        if progress:
            progress(n + 1, len(runs))
        if len(early) >= limit:
            break
    late.sort(key=lambda r: max(h for h in r.first.values() if h is not None))
    some.sort(key=lambda r: r.earliest or 0.0)
    return (early + late + some)[:limit]


def _earliest(times: dict[str, float | None], actors: Sequence[str]) -> float | None:
    found = [times[a] for a in actors if times.get(a) is not None]
    return min(found) if found else None
