"""A live game as the app plays it: a :class:`~sim.engines.Wargame` plus the record of what was done.

Everything the facilitator and the players do is recorded in order (ticks stepped, decisions,
hotline calls, autonomy changes, injects). A wargame is fully determined by its scenario, seed,
run and that record, so :meth:`GameRecord.replay` rebuilds the exact current state in a fresh
model: "odds from here" (:mod:`sim.app.odds`) forks futures from such replays, undo drops the last
action and replays the rest, redo applies it again, and a saved game (:mod:`sim.app.gamefile`) is
loaded by replaying its record.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sim import engines
from sim.scenario.printable import first_unsafe
from sim.scenario.schema import Commitment, Scenario
from sim.vocabulary import clock

_SURROGATE = re.compile("[\ud800-\udfff]")

if TYPE_CHECKING:
    from sim.engines import Wargame

__all__ = [
    "DAY_HOURS",
    "Action",
    "Cell",
    "GameOrigin",
    "GameRecord",
    "GameSession",
    "StepReport",
    "apply_action",
    "describe_action",
    "hotline_available",
    "why",
]

DAY_HOURS = 24.0
""""To next decision" never advances more than this much game time."""
MAX_CELL_NAME = 24
"""Longest cell name, characters."""

StopReason = Literal["decision", "waiting", "day", "horizon", "ticks"]


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
class Cell:
    """A team of players in its own room: the actors it decides for (Blue, Red, ... of a seminar game).

    Attributes:
        name: What the room calls it ("Blue", "Red").
        actors: The actors it plays; the model plays every actor no cell plays.
    """

    name: str
    actors: tuple[str, ...]

    def plays(self, actor: str) -> bool:
        """Whether this cell decides for ``actor``."""
        return actor in self.actors

    def label(self) -> str:
        """'Blue (USA, JPN)'."""
        return f"{self.name} ({', '.join(self.actors)})"


def check_cells(cells: Sequence[Cell], actors: Sequence[str]) -> tuple[Cell, ...]:
    """The cells of a game, checked: named, distinct names, known actors, no actor in two cells.

    Raises:
        ValueError: Saying what is wrong.
    """
    names: set[str] = set()
    played: dict[str, str] = {}
    for cell in cells:
        name = cell.name.strip()
        if not name or len(name) > MAX_CELL_NAME:
            raise ValueError(f"a cell needs a name of 1 to {MAX_CELL_NAME} characters (got {cell.name!r})")
        if name.casefold() in names or name.casefold() == "white":
            raise ValueError(f"two cells are named {name!r} (and White is the facilitators)")
        names.add(name.casefold())
        if not cell.actors:
            raise ValueError(f"cell {name} plays no actor")
        for actor in cell.actors:
            if actor not in actors:
                raise ValueError(f"cell {name}: {actor!r} is not an actor of the scenario")
            if actor in played:
                raise ValueError(f"{actor} is played by two cells ({played[actor]} and {name})")
            played[actor] = name
    return tuple(Cell(c.name.strip(), tuple(c.actors)) for c in cells)


@dataclass(frozen=True)
class GameOrigin:
    """Where a game's scenario came from: enough to rebuild it exactly (and to save it in a file).

    Attributes:
        source: File name the text came from.
        text: The scenario YAML, before overrides.
        overrides: ``PATH=VALUE`` overrides applied to it (the levers').
        levers: The lever values that gave those overrides (to restore the app's controls).
    """

    source: str
    text: str
    overrides: tuple[str, ...] = ()
    levers: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text_sha256(self) -> str:
        """SHA-256 of the scenario text (UTF-8)."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class GameRecord:
    """What determines a game: scenario, seed, run, the actors played and the actions taken (picklable)."""

    scenario: Scenario
    seed: int
    run: int
    players: tuple[str, ...]
    actions: tuple[Action, ...] = ()

    def replay(self, upto: int | None = None) -> Wargame:
        """A fresh :class:`Wargame` with every action (the first ``upto``) re-applied: the exact recorded state."""
        game = engines.Wargame(self.scenario, self.seed, self.run, self.players)
        for action in self.actions[:upto]:
            apply_action(game, action)
        return game


def apply_action(game: Wargame, action: Action) -> Any:
    """Apply one recorded action to a game; returns what the underlying call returns."""
    if action.kind == "ticks":
        (ticks,) = action.args
        taken = 0
        while taken < ticks and not game.finished:
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


@dataclass(frozen=True)
class StepReport:
    """What a step of the clock did, and why it stopped.

    Attributes:
        ticks: Ticks advanced.
        start_hours: Game time before the step.
        end_hours: Game time after it.
        reason: ``decision`` (a decision point opened), ``waiting`` (one was already open: no step),
            ``day`` (a day passed without a decision), ``horizon`` (the crisis is over) or ``ticks``
            (a plain step of the asked length).
    """

    ticks: int
    start_hours: float
    end_hours: float
    reason: StopReason

    def describe(self) -> str:
        """One sentence for the facilitator."""
        span = f"from {clock(self.start_hours)} to {clock(self.end_hours)}"
        return {
            "decision": f"Stopped at a decision point: {span}.",
            "waiting": "A decision is already waiting: the clock did not move.",
            "day": f"No decision point within a day: stopped after 24 h, {span}.",
            "horizon": f"The crisis is over: {span}.",
            "ticks": f"Advanced {span}.",
        }[self.reason]


def hotline_available(scenario: Scenario, actor: str, other: str) -> bool:
    """Whether ``actor`` can call ``other`` on the hotline: the hotline is on and both are committed to it."""
    if not scenario.policy.hotline.enabled:
        return False
    return all(Commitment.HOTLINE in scenario.actors[a].commitments for a in (actor, other) if a in scenario.actors)


class GameSession:
    """The game the app is running, with its record, undo/redo, and the rungs sampled over game time.

    Args:
        scenario: The validated scenario (overrides applied).
        seed: Master seed.
        run: Replication index (each index is a different "dice" history).
        player: Actor the players decide for (one cell, "Players"), or None; ignored when ``cells`` are given.
        origin: Where the scenario came from (needed to save the game to a file).
        cells: The cells and the actors each plays (see :class:`Cell`); the model plays every other actor.

    Raises:
        ValueError: For cells that do not fit the scenario (:func:`check_cells`).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        run: int = 0,
        player: str | None = None,
        origin: GameOrigin | None = None,
        cells: Sequence[Cell] = (),
    ) -> None:
        self.scenario = scenario
        self.seed = int(seed)
        self.run = int(run)
        if not cells and player is not None:
            cells = (Cell("Players", (player,)),)
        self.cells = check_cells(cells, list(scenario.actors))
        self.players = tuple(actor for cell in self.cells for actor in cell.actors)
        self.origin = origin
        self.actions: list[Action] = []
        self.undone: list[Action] = []
        self._reset()

    # ------------------------------------------------------------------ state

    def _reset(self) -> None:
        self.game = engines.Wargame(self.scenario, self.seed, self.run, self.players)
        self.hotline_replies: dict[int, str] = {}
        # length of the event log before the latest action that changed anything (newer entries are "now")
        self.last_mark = 0
        self.history: list[tuple[float, dict[str, int]]] = []
        self._sample()

    def _sample(self) -> None:
        """Record every actor's rung now (the chart of rungs over game time reads these)."""
        self.history.append((float(self.game.hours), dict(self.game.rungs())))

    @property
    def record(self) -> GameRecord:
        """The record that reproduces the current state."""
        return GameRecord(self.scenario, self.seed, self.run, self.players, tuple(self.actions))

    @property
    def state_key(self) -> str:
        """A digest of the record: equal keys, equal states (results computed from a state carry it)."""
        text = repr((self.seed, self.run, self.cells, self.actions))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @property
    def player(self) -> str | None:
        """The one actor played, when the players decide for exactly one (else None)."""
        return self.players[0] if len(self.players) == 1 else None

    def cell(self, name: str) -> Cell:
        """The cell called ``name``.

        Raises:
            KeyError: If there is none.
        """
        found = next((c for c in self.cells if c.name == name), None)
        if found is None:
            raise KeyError(f"no cell {name!r}")
        return found

    def cell_of(self, actor: str) -> Cell | None:
        """The cell that plays ``actor`` (None: the model plays it)."""
        return next((c for c in self.cells if actor in c.actors), None)

    @property
    def tick_hours(self) -> float:
        """Length of one tick, hours."""
        return float(self.game.model.tick_hours)

    @property
    def finished(self) -> bool:
        """Whether the crisis is over (horizon reached)."""
        return self.game.finished

    def clock(self) -> str:
        """Simulated time as 'day D HH:MM'."""
        return clock(self.game.hours)

    # ------------------------------------------------------------------ applying actions

    def _ticks(self, ticks: int, to_decision: bool = False) -> int:
        taken = 0
        while taken < ticks and not self.game.finished:
            tick = self.tick_hours
            moved = self.game.step_to_decision(tick) if to_decision else self.game.step_hours(tick)
            if not moved:
                break
            taken += moved
            self._sample()
        return taken

    def _apply(self, action: Action) -> Any:
        self.last_mark = len(self.game.timeline())
        if action.kind == "ticks":
            return self._ticks(action.args[0])
        result = apply_action(self.game, action)
        if action.kind == "hotline":
            self.hotline_replies[action.args[0]] = result
        elif action.kind == "decide":
            self.hotline_replies.pop(action.args[0], None)
        self._sample()
        return result

    def _do(self, kind: str, *args: Any) -> Any:
        action = Action(kind, args, float(self.game.hours))
        result = self._apply(action)
        self.actions.append(action)
        self.undone.clear()
        return result

    def _record_ticks(self, taken: int, start: float, mark: int) -> None:
        if taken:
            self.actions.append(Action("ticks", (taken,), start))
            self.undone.clear()
            self.last_mark = mark

    # ------------------------------------------------------------------ the clock

    def step_hours(self, hours: float) -> StepReport:
        """Advance by ``hours`` (whole ticks, stopping at the horizon)."""
        start, mark = float(self.game.hours), len(self.game.timeline())
        taken = self._ticks(max(1, round(hours / self.tick_hours)))
        self._record_ticks(taken, start, mark)
        return StepReport(taken, start, float(self.game.hours), "horizon" if self.finished else "ticks")

    def step_to_decision(self) -> StepReport:
        """Advance until the player has a decision to make, one day of game time has passed, or the horizon."""
        start, mark = float(self.game.hours), len(self.game.timeline())
        if self.game.open_decisions():
            return StepReport(0, start, start, "waiting")
        day = max(1, int(DAY_HOURS / self.tick_hours + 1e-9))
        taken = self._ticks(day, to_decision=True)
        self._record_ticks(taken, start, mark)
        if self.game.open_decisions():
            reason: StopReason = "decision"
        elif self.finished:
            reason = "horizon"
        else:
            reason = "day"
        return StepReport(taken, start, float(self.game.hours), reason)

    # ------------------------------------------------------------------ decisions and the facilitator

    def decide(self, decision_id: int, rung: int | None) -> None:
        """Answer a decision point at ``rung``, or hold with None."""
        self._do("decide", decision_id, rung)

    def hotline_available(self, decision_id: int) -> bool:
        """Whether the hotline can be called at this open decision (both sides committed, hotline on)."""
        decision = next((d for d in self.game.open_decisions() if d.id == decision_id), None)
        return decision is not None and hotline_available(self.scenario, decision.actor, decision.blamed)

    def call_hotline(self, decision_id: int) -> str:
        """Call the blamed side on the hotline before deciding; returns what the player hears."""
        return self._do("hotline", decision_id)

    def set_autonomy(self, asset: str, level: str) -> str:
        """Change an asset's autonomy (policy caps apply); returns the level set."""
        return str(self._do("autonomy", asset, level).value)

    def inject(self, inject: Any) -> None:
        """Inject a facilitator event now (or at its ``at_hours`` if later).

        Raises:
            ValueError: If its description is not printable Unicode text (a control character or a lone
                surrogate), which a game file could not carry: nothing is done then.
        """
        description = getattr(inject, "description", None) or ""
        if code := first_unsafe(description) or _first_surrogate(description):
            raise ValueError(f"inject description: holds the character {code}: text must be printable")
        self._do("inject", inject)

    # ------------------------------------------------------------------ undo and redo

    @property
    def can_undo(self) -> bool:
        """Whether there is an action to take back."""
        return bool(self.actions)

    @property
    def can_redo(self) -> bool:
        """Whether an undone action can be applied again."""
        return bool(self.undone)

    def replay(self, actions: list[Action]) -> None:
        """Rebuild the game from its start with ``actions`` (the redo stack is kept)."""
        self._reset()
        self.actions = []
        for action in actions:
            self._apply(action)
            self.actions.append(action)

    def undo(self) -> Action | None:
        """Take back the last action: replay every earlier one into a fresh game. Returns the action undone."""
        if not self.actions:
            return None
        action = self.actions[-1]
        self.replay(self.actions[:-1])
        self.undone.append(action)
        return action

    def redo(self) -> Action | None:
        """Apply the last undone action again. Returns it."""
        if not self.undone:
            return None
        action = self.undone.pop()
        self._apply(action)
        self.actions.append(action)
        return action


def describe_action(action: Action) -> str:
    """An action in words (for the undo and redo buttons)."""
    kind, args = action.kind, action.args
    if kind == "ticks":
        return f"{args[0]} tick(s) from {clock(action.hours)}"
    if kind == "decide":
        return f"decision #{args[0]}: " + ("hold" if args[1] is None else f"respond at rung {args[1]}")
    if kind == "hotline":
        return f"hotline call at decision #{args[0]}"
    if kind == "autonomy":
        return f"autonomy of {args[0]} to {str(args[1]).replace('_', ' ')}"
    return f"inject: {getattr(args[0], 'kind', 'event')}"


def why(game: Wargame, entry_id: int) -> list[str]:
    """The chain of events that led to a log entry, root first, in plain language."""
    log = game.timeline()
    entry = log[entry_id]
    return [f"{clock(log[i].hours)} — {log[i].text}" for i in entry.cause_chain if i != entry_id and i < len(log)]


def _first_surrogate(text: str) -> str | None:
    """The first lone surrogate of ``text`` as ``U+XXXX`` (it cannot be written as UTF-8), or None."""
    match = _SURROGATE.search(text)
    return f"U+{ord(match.group()):04X}" if match else None
