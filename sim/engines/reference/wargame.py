"""A live wargame over the reference engine: step it, let players decide for one or more actors, inject events.

The facilitator's app drives a :class:`Wargame`; nothing here imports the UI. Time advances in
whole ticks; a player's decision is applied at the end of the tick in which it was asked for (the
humans deliberate while the clock runs), and everything else in the model goes on meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sim.engines.reference.agents import DroneSwarmAgent, NavalGroupAgent, SpaceAssetAgent
from sim.engines.reference.model import EscalationModel
from sim.engines.reference.records import LogEntry, PlayerChoice, Sighting
from sim.scenario.schema import Autonomy, Scenario
from sim.vocabulary import clock


@dataclass(frozen=True)
class OpenDecision:
    """What the player sees at a decision point (not the ground truth behind it)."""

    id: int
    actor: str
    blamed: str
    provocation_rung: int
    asked_hours: float
    current_rung: int
    """The actor's rung: its highest posture toward anyone."""
    posture: int = 0
    """The actor's posture toward the blamed side: what "hold" keeps (a response sets this posture)."""


@dataclass(frozen=True)
class Provocation:
    """A provocation as the actor that must answer it read it, and the truth behind it (for the reveal).

    Attributes:
        id: The response decision's id (a decision point of a played actor has the same id).
        actor: The actor that must answer.
        blamed: Whom it blames.
        rung: The rung it reads the provocation as.
        hours: When it read it (the time of the latest event in its cause chain).
        due_hours: When its answer is (or was) due.
        root: The truth: the root cause of the chain behind it (``deliberate``, ``misidentification``, ...).
        chain: Event-log ids of that chain, root first.
        obligation: An ally's obligation (the rung it rises to), not a provocation against itself.
        stood_down: Whether a hotline clarification stood the response down before it was made.
    """

    id: int
    actor: str
    blamed: str
    rung: int
    hours: float
    due_hours: float
    root: str
    chain: tuple[int, ...]
    obligation: int | None
    stood_down: bool


@dataclass(frozen=True)
class ZoneRow:
    """One zone of the map-like view: who has what there."""

    zone: str
    kind: str
    assets: tuple[str, ...]


class Wargame:
    """A live game: one replication of the reference engine with actors the players decide for.

    Args:
        scenario: A validated scenario.
        seed: Master seed.
        run: Replication index.
        player: Actor the players decide for, or several (one per actor a cell plays); ``None``: the model
            decides for everyone.
    """

    def __init__(self, scenario: Scenario, seed: int, run: int = 0, player: str | Sequence[str] | None = None) -> None:
        self.model = EscalationModel(scenario, seed=seed, run=run, player=player)

    @property
    def players(self) -> frozenset[str]:
        """The actors the players decide for."""
        return self.model.players

    @property
    def hours(self) -> float:
        """Simulated time, hours."""
        return self.model.now

    @property
    def finished(self) -> bool:
        """Whether the horizon has been reached."""
        return not self.model.running

    def step_hours(self, hours: float) -> int:
        """Advance by whole ticks covering ``hours`` (stops at the horizon); returns ticks taken."""
        ticks = max(1, round(hours / self.model.tick_hours))
        taken = 0
        while taken < ticks and self.model.running:
            self.model.step()
            taken += 1
        return taken

    def step_to_decision(self, max_hours: float | None = 24.0) -> int:
        """Advance tick by tick until the player has a decision to make, ``max_hours`` have passed, or the horizon.

        Args:
            max_hours: Most game time to advance (one day by default; whole ticks, never more than this
                unless one tick is longer; ``None``: no limit).

        Returns:
            Ticks taken (0 when a decision is already waiting).
        """
        tick = self.model.tick_hours
        limit = self.model.n_ticks if max_hours is None else max(1, math.floor(max_hours / tick + 1e-9))
        taken = 0
        while taken < limit and self.model.running and not self.model.decision_points:
            self.model.step()
            taken += 1
        return taken

    def open_decisions(self, actors: Collection[str] | None = None) -> list[OpenDecision]:
        """Decision points waiting for the players (of ``actors`` only, if given), oldest first."""
        model = self.model
        return [
            OpenDecision(
                p.pending.id,
                p.pending.actor,
                p.pending.blamed,
                p.pending.provocation_rung,
                p.pending.due_hours,
                model.actors[p.pending.actor].rung,
                model.posture_of(model.actors[p.pending.actor], model.actors[p.pending.blamed]),
            )
            for p in model.decision_points.values()
            if actors is None or p.pending.actor in actors
        ]

    def decide(self, decision_id: int, rung: int | None) -> None:
        """Answer a decision point: respond at ``rung`` (0-7), or hold with ``None``."""
        if rung is not None and not 0 <= rung <= 7:
            raise ValueError(f"rung must be 0-7 (got {rung})")
        point = self.model.decision_points.pop(decision_id)
        point.event.succeed(PlayerChoice(rung))
        self._settle()

    def call_hotline(self, decision_id: int) -> str:
        """Before deciding, call the blamed side on the hotline; returns what the player hears."""
        return self.model.escalation.player_hotline_call(self.model.decision_points[decision_id].pending)

    def set_autonomy(self, asset: str, level: Autonomy | str) -> Autonomy:
        """Change one of the player's (or any) asset's autonomy; policy caps still apply. Returns the level set."""
        model = self.model
        target = model.assets[asset]
        target.wanted_autonomy = Autonomy(level)
        target.autonomy = model.capped_autonomy(target, target.wanted_autonomy)
        model.record("player", f"{target.describe()} set to {target.autonomy.value.replace('_', ' ')}")
        return target.autonomy

    def inject(self, inject) -> None:
        """The facilitator injects an event (an inject model; ``at_hours`` earlier than now means now)."""
        self.model.c2.add_inject(inject)
        self._settle()

    def timeline(self, since: int = 0) -> list[LogEntry]:
        """Event-log entries from id ``since`` on."""
        return self.model.log[since:]

    def rungs(self) -> dict[str, int]:
        """Each actor's rung now."""
        return {key: actor.rung for key, actor in self.model.actors.items()}

    def sightings(self, actors: Collection[str]) -> list[Sighting]:
        """What the sensors of ``actors``' assets saw of everyone else's assets, in order (a side's picture)."""
        assets = self.model.assets
        return [
            s
            for s in self.model.sightings
            if assets[s.observer].owner.key in actors and assets[s.observed].owner.key not in actors
        ]

    def provocations(self, actors: Collection[str] | None = None) -> list[Provocation]:
        """The provocations ``actors`` (everyone, if None) read and had to answer, in order, with the truth behind."""
        log = self.model.log
        return [
            Provocation(
                p.id,
                p.actor,
                p.blamed,
                p.provocation_rung,
                log[p.cause.chain[-1]].hours if p.cause.chain else p.due_hours,
                p.due_hours,
                p.cause.root,
                tuple(p.cause.chain),
                p.obligation,
                p.cancelled,
            )
            for p in self.model.provocations
            if actors is None or p.actor in actors
        ]

    def zones(self) -> list[ZoneRow]:
        """A map-like view: each zone with the operational assets in it."""
        rows = []
        for key, zone in self.model.spec.zones.items():
            here = [a for a in self.model.assets.values() if a.zone == key]
            rows.append(ZoneRow(key, zone.kind, tuple(_asset_line(a) for a in here)))
        return rows

    def clock(self) -> str:
        """Simulated time as 'day D HH:MM'."""
        return clock(self.hours)

    def _settle(self) -> None:
        """Process what is due now (the player's choice, an immediate inject) without advancing the clock."""
        env = self.model.env
        while env.peek() == env.now:
            env.step()


def _asset_line(asset) -> str:
    if isinstance(asset, DroneSwarmAgent):
        state = f"{asset.drones}/{asset.drones_at_start} drones"
    elif isinstance(asset, NavalGroupAgent):
        state = f"{asset.ships}/{asset.spec.ships} ships"
    elif isinstance(asset, SpaceAssetAgent):
        state = asset.spec.role.value.replace("_", " ") + ("" if asset.operational else ", disabled")
    else:
        state = ""
    return f"{asset.owner.key} {asset.label} ({state}, {asset.autonomy.value.replace('_', ' ')})"
