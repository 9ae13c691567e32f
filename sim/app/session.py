"""A live game as the app plays it: a :class:`~sim.engines.reference.wargame.Wargame` plus the record of what was done.

Everything the facilitator and the players do is recorded in order (ticks stepped, decisions,
hotline calls, autonomy changes, injects). A wargame is fully determined by its scenario, seed,
run and that record, so :meth:`GameRecord.replay` rebuilds the exact current state in a fresh
model; "odds from here" (:mod:`sim.app.odds`) forks futures from such replays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.engines import Wargame
from sim.scenario.schema import Scenario
from sim.vocabulary import clock

__all__ = ["Action", "GameRecord", "GameSession", "why"]


@dataclass(frozen=True)
class Action:
    """One recorded action.

    Attributes:
        kind: ``ticks`` (advance), ``decide``, ``hotline``, ``autonomy`` or ``inject``.
        args: Its arguments (ticks; decision id and rung; decision id; asset and level; the inject model).
        hours: Simulated time when it was taken.
    """

    kind: str
    args: tuple[Any, ...]
    hours: float


@dataclass(frozen=True)
class GameRecord:
    """What determines a game: scenario, seed, run, player and the actions taken (picklable)."""

    scenario: Scenario
    seed: int
    run: int
    player: str | None
    actions: tuple[Action, ...] = ()

    def replay(self) -> Wargame:
        """A fresh :class:`Wargame` with every action re-applied: the exact state of the recorded game."""
        game = Wargame(self.scenario, self.seed, self.run, self.player)
        for action in self.actions:
            apply_action(game, action)
        return game


def apply_action(game: Wargame, action: Action) -> Any:
    """Apply one recorded action to a game; returns what the underlying call returns."""
    if action.kind == "ticks":
        (ticks,) = action.args
        taken = 0
        while taken < ticks and game.model.running:
            game.model.step()
            taken += 1
        return taken
    if action.kind == "decide":
        return game.decide(*action.args)
    if action.kind == "hotline":
        return game.call_hotline(*action.args)
    if action.kind == "autonomy":
        return game.set_autonomy(*action.args)
    if action.kind == "inject":
        return game.inject(*action.args)
    raise ValueError(f"unknown action {action.kind!r}")


@dataclass
class GameSession:
    """The game the app is running, with its record.

    Args:
        scenario: The validated scenario (overrides applied).
        seed: Master seed.
        run: Replication index (each index is a different "dice" history).
        player: Actor the players decide for, or None.
    """

    scenario: Scenario
    seed: int
    run: int = 0
    player: str | None = None
    actions: list[Action] = field(default_factory=list)
    hotline_replies: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.game = Wargame(self.scenario, self.seed, self.run, self.player)

    @property
    def record(self) -> GameRecord:
        """The record that reproduces the current state."""
        return GameRecord(self.scenario, self.seed, self.run, self.player, tuple(self.actions))

    def _do(self, kind: str, *args: Any) -> Any:
        action = Action(kind, args, self.game.hours)
        result = apply_action(self.game, action)
        self.actions.append(action if kind != "ticks" else Action(kind, (result,), action.hours))
        return result

    def step_hours(self, hours: float) -> int:
        """Advance by ``hours`` (whole ticks, stopping at the horizon); returns ticks taken."""
        ticks = max(1, round(hours / self.game.model.tick_hours))
        return self._do("ticks", ticks)

    def step_to_decision(self, max_hours: float | None = None) -> int:
        """Advance until the player has a decision to make (or the limit, or the horizon)."""
        taken = self.game.step_to_decision(max_hours)
        self.actions.append(Action("ticks", (taken,), self.game.hours - taken * self.game.model.tick_hours))
        return taken

    def decide(self, decision_id: int, rung: int | None) -> None:
        """Answer a decision point at ``rung``, or hold with None."""
        self._do("decide", decision_id, rung)
        self.hotline_replies.pop(decision_id, None)

    def call_hotline(self, decision_id: int) -> str:
        """Call the blamed side on the hotline before deciding; returns what the player hears."""
        reply = self._do("hotline", decision_id)
        self.hotline_replies[decision_id] = reply
        return reply

    def set_autonomy(self, asset: str, level: str) -> str:
        """Change an asset's autonomy (policy caps apply); returns the level set."""
        return str(self._do("autonomy", asset, level).value)

    def inject(self, inject: Any) -> None:
        """Inject a facilitator event now (or at its ``at_hours`` if later)."""
        self._do("inject", inject)

    @property
    def finished(self) -> bool:
        """Whether the horizon has been reached."""
        return self.game.finished

    def clock(self) -> str:
        """Simulated time as 'day D HH:MM'."""
        return clock(self.game.hours)


def why(game: Wargame, entry_id: int) -> list[str]:
    """The chain of events that led to a log entry, root first, in plain language."""
    log = game.model.log
    entry = log[entry_id]
    return [f"{clock(log[i].hours)} — {log[i].text}" for i in entry.cause_chain if i != entry_id and i < len(log)]
