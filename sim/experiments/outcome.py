"""The outcome record of one replication: what a run is, reduced to what Monte Carlo needs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np

N_RUNGS = 8
"""Rungs 0..7 of the escalation ladder (BRIEF §3.1)."""

RUNG_NAMES = (
    "competition",
    "gray-zone pressure",
    "show of force",
    "limited kinetic incident",
    "theater conventional strikes",
    "strategic non-nuclear",
    "nuclear signaling",
    "nuclear use",
)

ROOT_CAUSES = (
    "none",
    "deliberate",
    "misidentification",
    "false_alarm",
    "misattribution",
    "entanglement",
    "accident",
)
"""Root causes of a rung change; "none" means the crisis never rose above its starting level."""

INADVERTENT_CAUSES = frozenset({"misidentification", "false_alarm", "misattribution", "entanglement", "accident"})
"""Roots that make a step inadvertent (BRIEF §3.11; a collision at sea, "accident", counts too)."""


@dataclass(frozen=True, eq=False)
class RunOutcome:
    """Outcome of one replication.

    Attributes:
        run: Replication index within its Monte Carlo.
        seed: Master seed of the Monte Carlo.
        max_rung: Highest crisis level (max over actors' rungs) reached, 0-7.
        first_hours: First time, hours, the crisis level was >= k, for k = 0..7 (NaN if never).
        inadvertent: Whether any step that took the crisis level to rung >= 3 had an inadvertent root.
        root_cause: Root cause of the step that first reached ``max_rung`` ("none" if the crisis
            never rose above its initial level).
        engagements_true: Engagements against truly hostile contacts.
        engagements_false: Engagements against contacts that were not hostile (false positives).
        drones_lost: Drones destroyed, all actors.
        ships_lost: Ships put out of action, all actors.
        satellites_lost: Satellites disabled (attacks and collisions), all actors.
        debris: Trackable fragments created during the run.
        severity: Severity score of all rung changes (Rivera et al. 2024 weights).
        crisis_level: Crisis level at the end of each tick, int8 array of length n_ticks.
    """

    run: int
    seed: int
    max_rung: int
    first_hours: tuple[float, ...]
    inadvertent: bool
    root_cause: str
    engagements_true: int
    engagements_false: int
    drones_lost: int
    ships_lost: int
    satellites_lost: int
    debris: int
    severity: float
    crisis_level: np.ndarray = field(repr=False)

    def key(self) -> tuple:
        """Every field as a hashable value; NaN first-times become ``None`` so equal runs compare equal."""
        values = [getattr(self, f.name) for f in fields(self)]
        values[3] = tuple(None if math.isnan(h) else float(h) for h in self.first_hours)
        values[-1] = np.asarray(self.crisis_level, dtype=np.int8).tobytes()
        return tuple(values)

    def __eq__(self, other: object) -> bool:
        """Exact equality of every field, trajectory included."""
        return isinstance(other, RunOutcome) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())
