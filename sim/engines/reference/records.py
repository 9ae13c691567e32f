"""Plain records of the model's state: causes, rung changes, the event log, and pending work.

Pending work (a review waiting for an operator, a response waiting out its decision latency, a
hotline message in transit) is kept as inspectable records so a paused model's full state can be
read and handed on (to the compiled engine's ``continue_from``, later).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.vocabulary import INADVERTENT_CAUSES, LogEntry

__all__ = [
    "Cause",
    "Chain",
    "Contact",
    "DecisionPoint",
    "HotlineMessage",
    "LogEntry",
    "PendingResponse",
    "PendingReview",
    "PendingWork",
    "PlayerChoice",
    "RungChange",
]


@dataclass(frozen=True)
class Cause:
    """Why something happened: the root of the chain and the event ids that lead to it.

    Attributes:
        root: One of :data:`sim.vocabulary.ROOT_CAUSES` (not "none").
        chain: Event-log ids from the root event to the latest one.
    """

    root: str
    chain: tuple[int, ...] = ()

    @property
    def inadvertent(self) -> bool:
        """Whether the root makes this step inadvertent (BRIEF §3.11)."""
        return self.root in INADVERTENT_CAUSES

    def extended(self, event_id: int) -> Cause:
        """The same root, with one more event in the chain."""
        return Cause(self.root, (*self.chain, event_id))


@dataclass(frozen=True)
class RungChange:
    """One actor changing its posture toward another, and what that did to its rung and the crisis level.

    Attributes:
        hours: When.
        actor: The actor that moved.
        toward: The actor its posture is toward.
        old_posture, new_posture: The posture before and after.
        old_rung, new_rung: The actor's rung (its highest posture) before and after.
        crisis_before, crisis_after: The crisis level before and after.
        cause: Why.
        log_id: The log entry of the step.
    """

    hours: float
    actor: str
    toward: str
    old_posture: int
    new_posture: int
    old_rung: int
    new_rung: int
    crisis_before: int
    crisis_after: int
    cause: Cause
    log_id: int


@dataclass
class Contact:
    """A contact between an asset and an adversary asset: whether it is hostile, and what became of it.

    A hostile contact that is neither engaged nor deterred before its strike time strikes the asset.
    """

    id: int
    asset: str
    other: str
    hostile: bool
    engaged: bool = False
    deterred: bool = False


@dataclass
class PendingReview:
    """An engagement request waiting for, or under review by, a human operator."""

    id: int
    asset: str
    target: str
    requested_hours: float
    deadline_hours: float
    hostile: bool
    tracks: int = 1
    started_hours: float | None = None


@dataclass
class PendingResponse:
    """A response decision waiting out the victim's decision latency (cancellable by the hotline)."""

    id: int
    actor: str
    blamed: str
    provocation_rung: int
    cause: Cause
    due_hours: float
    clarifiable_by: str | None
    cancelled: bool = False
    obligation: int | None = None
    """An ally's obligation: the rung it rises to (no doctrine draw); None for a victim's own response."""
    latency_hours: float = 0.0
    """The time the leadership takes to decide: the less it has, the worse it reads the provocation (§12.3)."""
    chain: int = -1
    """The machine-speed chain whose exchange provoked this response (-1: none); a clarification accepted
    stands down every response to the same incident."""


@dataclass
class Chain:
    """A machine-speed chain: autonomous assets answering attacks, and the answers answered (§12.7).

    Attributes:
        id: Sequence number in the run, from 0.
        cause: The root and cause chain of the shot that started it; every exchange carries it.
        start_hours: When its first shot was fired.
        level_before: Crisis level when its first shot was fired.
        top_level: Highest crisis level its exchanges have taken the crisis to.
        top_hours: When it first reached ``top_level`` (NaN while it has not raised the level).
        exchanges: Machine-speed answers made so far.
        kinetic: Exchanges with losses so far, its first shot included.
        answered: Assets that have answered (or are answering) in it: each answers once.
    """

    id: int
    cause: Cause
    start_hours: float
    level_before: int
    top_level: int
    top_hours: float = float("nan")
    exchanges: int = 0
    kinetic: int = 0
    answered: set[str] = field(default_factory=set)

    @property
    def rise(self) -> int:
        """Rungs the crisis level rose while the chain ran at machine speed."""
        return self.top_level - self.level_before


@dataclass
class HotlineMessage:
    """A clarification in transit from one leadership to another."""

    id: int
    sender: str
    receiver: str
    response_id: int
    sent_hours: float
    arrives_hours: float
    delivered: bool


@dataclass
class PendingWork:
    """All pending work of a model, by id (insertion order is creation order)."""

    reviews: dict[int, PendingReview] = field(default_factory=dict)
    responses: dict[int, PendingResponse] = field(default_factory=dict)
    messages: dict[int, HotlineMessage] = field(default_factory=dict)


@dataclass(frozen=True)
class PlayerChoice:
    """A player's decision at a decision point: respond at ``rung`` (``None`` means hold)."""

    rung: int | None = None


@dataclass
class DecisionPoint:
    """A response decision of the player's actor waiting for the player (its event carries the choice)."""

    pending: PendingResponse
    event: Any
