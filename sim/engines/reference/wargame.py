"""A live wargame over the reference engine: step it, let a player decide for one actor, inject events.

The facilitator's app drives a :class:`Wargame`; nothing here imports the UI. Time advances in
whole ticks; a player's decision is applied at the end of the tick in which it was asked for (the
humans deliberate while the clock runs), and everything else in the model goes on meanwhile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.engines.reference.agents import DroneSwarmAgent, NavalGroupAgent, SpaceAssetAgent
from sim.engines.reference.model import EscalationModel
from sim.engines.reference.records import LogEntry, PlayerChoice
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


@dataclass(frozen=True)
class ZoneRow:
    """One zone of the map-like view: who has what there."""

    zone: str
    kind: str
    assets: tuple[str, ...]


class Wargame:
    """A live game: one replication of the reference engine with an optional player-controlled actor.

    Args:
        scenario: A validated scenario.
        seed: Master seed.
        run: Replication index.
        player: Actor the players decide for (``None``: the model decides for everyone).
    """

    def __init__(self, scenario: Scenario, seed: int, run: int = 0, player: str | None = None) -> None:
        self.model = EscalationModel(scenario, seed=seed, run=run, player=player)

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

    def open_decisions(self) -> list[OpenDecision]:
        """Decision points waiting for the player, oldest first."""
        model = self.model
        return [
            OpenDecision(
                p.pending.id,
                p.pending.actor,
                p.pending.blamed,
                p.pending.provocation_rung,
                p.pending.due_hours,
                model.actors[p.pending.actor].rung,
            )
            for p in model.decision_points.values()
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
