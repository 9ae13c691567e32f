"""The model's vocabulary, shared by both engines, the experiments, the report and the app.

The escalation ladder (rungs and their names), the root causes of a rung change and which of them
are inadvertent, the outcome record of one replication (:class:`RunOutcome`) and the column layout
the compiled engine writes it in, and the event log (:class:`LogEntry`, :func:`clock`,
:func:`narrate`). This module is the bottom of the package: it imports nothing of ``sim``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

import numpy as np

# --------------------------------------------------------------------------- the escalation ladder

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

# --------------------------------------------------------------------------- causes

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

END_STATES = ("none", "settlement", "competition")
"""How a run's crisis ended: not by the horizon, settled above rung 1, or faded back to competition."""

# --------------------------------------------------------------------------- the outcome record


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
        hostile_strikes: Strikes by truly hostile contacts that were not engaged or warned off in time.
        contacts: Contacts between assets of adversaries (intercepts; every one that went ahead).
        drones_lost: Drones destroyed, all actors.
        ships_lost: Ships put out of action, all actors.
        satellites_lost: Satellites disabled (attacks and collisions), all actors.
        debris: Trackable fragments created during the run.
        severity: Severity score of all rung changes (Rivera et al. 2024 weights).
        drawn_in: Actors that rose to rung >= 3 before any of their assets had attacked.
        end_hours: When the crisis first ended, hours (NaN if it had not by the horizon).
        end_state: How it ended: one of :data:`END_STATES`.
        crisis_level: Crisis level at the end of each tick, int8 array of length n_ticks.
        flash_chains: Machine-speed chains (autonomous assets answering attacks, and the answers answered).
        flash_max_rungs: The largest rise of the crisis level inside one chain, rungs (0 without chains).
        hours_first_shot_to_rung4: Hours from the run's first shot (an engagement or a strike) to the crisis
            level's first reaching rung 4 (NaN if it never did, or did before any shot).
    """

    run: int
    seed: int
    max_rung: int
    first_hours: tuple[float, ...]
    inadvertent: bool
    root_cause: str
    engagements_true: int
    engagements_false: int
    hostile_strikes: int
    contacts: int
    drones_lost: int
    ships_lost: int
    satellites_lost: int
    debris: int
    severity: float
    drawn_in: int
    end_hours: float
    end_state: str
    crisis_level: np.ndarray = field(repr=False)
    flash_chains: int = 0
    flash_max_rungs: int = 0
    hours_first_shot_to_rung4: float = math.nan

    @property
    def kinetic_incidents(self) -> int:
        """Shots fired: engagements (true and false) and hostile strikes."""
        return self.engagements_true + self.engagements_false + self.hostile_strikes

    def key(self) -> tuple:
        """Every field as a hashable value; NaN times become ``None`` so equal runs compare equal."""
        values = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "first_hours":
                value = tuple(_finite_or_none(h) for h in value)
            elif f.name == "crisis_level":
                value = np.asarray(value, dtype=np.int8).tobytes()
            elif isinstance(value, float):
                value = _finite_or_none(value)
            values.append(value)
        return tuple(values)

    def __eq__(self, other: object) -> bool:
        """Exact equality of every field, trajectory included."""
        return isinstance(other, RunOutcome) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())


def _finite_or_none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def shot_to_rung4(first_shot_hours: float, rung4_hours: float) -> float:
    """Hours from a run's first shot to its crisis level's first reaching rung 4 (NaN if not after a shot)."""
    if math.isnan(first_shot_hours) or math.isnan(rung4_hours) or rung4_hours < first_shot_hours:
        return math.nan
    return rung4_hours - first_shot_hours


# Column layout of a batch of outcomes as the compiled engine writes them: int64 columns ``OI_*``
# and float64 columns ``OF_*`` (first hours at rungs 0..7, then the severity score).
OI_MAX_RUNG = 0
OI_INADVERTENT = 1
OI_ROOT = 2
"""Index into :data:`ROOT_CAUSES`."""
OI_ENG_TRUE = 3
OI_ENG_FALSE = 4
OI_DRONES = 5
OI_SHIPS = 6
OI_SATELLITES = 7
OI_DEBRIS = 8
OI_STATUS = 9
"""0 when the replication finished; anything else is an engine-internal status."""
OI_STRIKES = 10
OI_CONTACTS = 11
OI_DRAWN_IN = 12
OI_END_STATE = 13
"""Index into :data:`END_STATES`."""
OI_FLASH_CHAINS = 14
OI_FLASH_MAX_RUNGS = 15
N_OI = 16
OF_FIRST_HOURS = 0
"""First of the eight first-hours columns (rung k is column ``OF_FIRST_HOURS + k``)."""
OF_SEVERITY = 8
OF_END_HOURS = 9
OF_SHOT_TO_RUNG4 = 10
N_OF = 11

# --------------------------------------------------------------------------- the event log


@dataclass(frozen=True)
class LogEntry:
    """One line of the event log.

    Attributes:
        id: Sequence number in the log, from 0.
        hours: Simulated time, hours from crisis start.
        kind: Machine-readable kind (contact, engagement, response, rung_change, hotline, ...).
        text: Plain-language description for facilitators.
        cause_chain: Ids of the log entries that caused this one (empty for roots).
    """

    id: int
    hours: float
    kind: str
    text: str
    cause_chain: tuple[int, ...] = ()


def clock(hours: float) -> str:
    """Simulated time as 'day D HH:MM' (day 1 starts at hour 0)."""
    minutes = round(hours * 60.0)
    day, rest = divmod(minutes, 24 * 60)
    return f"day {day + 1} {rest // 60:02d}:{rest % 60:02d}"


def narrate(entries: Iterable[LogEntry], with_causes: bool = False) -> str:
    """The event log as text, one line per entry (optionally with the ids of its causes)."""
    lines = []
    for entry in entries:
        cause = f"  ← #{', #'.join(map(str, entry.cause_chain))}" if with_causes and entry.cause_chain else ""
        lines.append(f"#{entry.id:<4d} {clock(entry.hours)} — {entry.text}{cause}")
    return "\n".join(lines)
