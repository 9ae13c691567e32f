"""A seminar game's room: one game, one writer, seats with join links, and the odds each seat asked for.

A facilitator (White) creates a game with its cells (Blue, Red, ...: the actors each plays; the model
plays the rest). Every seat — White and each cell — gets a join link with its own random token; a
token opens only its seat. Every action from every seat goes through the :class:`Room`, under one lock,
against the game's **version**: an action sent from a window that shows an older version is refused
with :class:`StaleActionError` (nothing is applied, nothing is lost, the window is redrawn), so two
windows can never overwrite each other's play. What a seat may do is checked too: only White runs the
clock, injects, undoes and reveals; a cell decides, calls the hotline and sets autonomy for its own
actors only.

Rooms are kept by the server (:class:`RoomRegistry`) and written to disk after every action (the game
file of :mod:`sim.app.gamefile` with the seats), so a refresh of any seat or a server restart restores
them. "Odds from here" requests are queued (one at a time, behind the engine's preparation), shown with
their progress and a cancel, and kept — marked with the clock they were asked at — even when the game
moves on.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sim.app.gamefile import MAX_GAME_FILE_BYTES, GameFileError, game_from_json, game_to_dict
from sim.app.jobs import Job, JobQueue, Progress
from sim.app.odds import OddsResult, Option, odds_from_here
from sim.app.session import Cell, GameSession, StepReport, describe_action

__all__ = [
    "WHITE",
    "NotYourSeatError",
    "OddsRequest",
    "Room",
    "RoomRegistry",
    "StaleActionError",
    "seat_lines",
    "valid_token",
]

WHITE = "White"
"""The facilitators' seat."""
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ROOM_FORMAT = "flashpoint-room"
MAX_ROOM_FILES = 256
"""Most room files looked through to find a seat's token after a restart (newest first)."""
MAX_KEPT_ODDS = 40
"""Odds results kept per room (oldest dropped first)."""


class SharedLock:
    """Many readers or one writer, both re-entrant per thread; a waiting writer holds new readers back.

    Every seat's page reads the game at once (drawing it takes a moment); an action waits for the pages
    being drawn, then has the game to itself. ``with lock:`` writes; ``with lock.reading():`` reads.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers: dict[int, int] = {}
        self._writer: int | None = None
        self._depth = 0
        self._waiting = 0

    def __enter__(self) -> SharedLock:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                self._depth += 1
                return self
            self._waiting += 1
            while self._writer is not None or any(t != me for t in self._readers):
                self._cond.wait()
            self._waiting -= 1
            self._writer, self._depth = me, 1
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._depth -= 1
            if self._depth == 0:
                self._writer = None
                self._cond.notify_all()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the lock for reading (with other readers; a thread that writes may read too)."""
        me = threading.get_ident()
        with self._cond:
            if self._writer != me and me not in self._readers:
                while self._writer is not None or self._waiting:
                    self._cond.wait()
            self._readers[me] = self._readers.get(me, 0) + 1
        try:
            yield
        finally:
            with self._cond:
                self._readers[me] -= 1
                if not self._readers[me]:
                    del self._readers[me]
                self._cond.notify_all()


class StaleActionError(Exception):
    """An action sent from a window that showed an older version of the game: refused, nothing applied."""


class NotYourSeatError(PermissionError):
    """An action a seat may not take (a cell advancing the clock, deciding for another cell's actor, ...)."""


def valid_token(value: Any) -> bool:
    """Whether ``value`` can be a seat token."""
    return isinstance(value, str) and TOKEN.match(value) is not None


def new_token() -> str:
    """A fresh random seat token (about 128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


@dataclass
class OddsRequest:
    """One "odds from here" asked by a seat, and (once done) its result.

    Attributes:
        id: Unique id.
        role: The seat that asked (``White`` or a cell's name).
        side: The actors whose belief the futures start from (empty: the truth, White's).
        version: The game's version when asked.
        hours: Game time when asked (the fork).
        level: The crisis level at the fork, as the seat saw it.
        decision: The open decision the options answer (id, actor, blamed, rung read), if any.
        options: The options weighed.
        futures: Futures per option.
        horizon: Look-ahead, hours.
        job: The queued or running job (None once the room was reloaded from disk).
        summary: The result as kept in the room's file: every option's P(level >= k) and more.
    """

    id: str
    role: str
    side: tuple[str, ...]
    version: int
    hours: float
    level: int
    decision: dict[str, Any] | None
    options: tuple[Option, ...]
    futures: int
    horizon: float
    job: Job | None = None
    summary: dict[str, Any] | None = None

    @property
    def result(self) -> OddsResult | None:
        """The full result, while the server holds it."""
        job = self.job
        return job.result if job is not None and job.done and not job.error else None

    @property
    def state(self) -> str:
        """``queued``, ``running``, ``done``, ``cancelled`` or ``failed``."""
        if self.summary is not None:
            return "done"
        job = self.job
        if job is None:
            return "failed"
        if not job.done:
            return "queued" if job.waiting else "running"
        return "cancelled" if job.cancelled else "failed" if job.error else "done"

    def summarise(self) -> None:
        """Keep the result's numbers (they outlive the server's memory, in the room's file)."""
        job = self.job
        result = job.result if job is not None else None
        if result is None or self.summary is not None:
            return
        self.summary = {
            "options": [o.name for o in result.options],
            "table": result.table(),
            "futures": result.futures,
            "horizon_hours": result.horizon_hours,
            "start_hours": result.start_hours,
            "seconds": round(result.seconds, 2),
            "engine": result.engine,
        }

    def to_dict(self) -> dict[str, Any]:
        """As the room's file keeps it."""
        return {
            "id": self.id,
            "role": self.role,
            "side": list(self.side),
            "version": self.version,
            "hours": self.hours,
            "level": self.level,
            "decision": self.decision,
            "options": [o.__dict__ for o in self.options],
            "futures": self.futures,
            "horizon": self.horizon,
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OddsRequest:
        """Read one back (untrusted: from the room's file).

        Raises:
            ValueError: For a malformed entry.
        """
        options = tuple(
            Option(str(o["name"]), o.get("decision_id"), o.get("rung"), bool(o.get("doctrine")))
            for o in data["options"]
        )
        summary = data.get("summary")
        return cls(
            id=str(data["id"]),
            role=str(data["role"]),
            side=tuple(str(a) for a in data["side"]),
            version=int(data["version"]),
            hours=float(data["hours"]),
            level=int(data["level"]),
            decision=data.get("decision") if isinstance(data.get("decision"), dict) else None,
            options=options,
            futures=int(data["futures"]),
            horizon=float(data["horizon"]),
            summary=summary if isinstance(summary, dict) else None,
        )


@dataclass(frozen=True)
class Note:
    """What the latest action did, for every seat: "White advanced the clock from ... to ..."."""

    version: int
    role: str
    text: str


@dataclass
class Room:
    """One seminar game (see the module docstring).

    Attributes:
        id: The room's id (its file name).
        game: The game (the truth).
        seats: Seat token to role (``White`` or a cell's name).
        version: Bumped by every action; windows send the version they show with each action.
        revealed: Whether White has revealed the truth to the cells.
        odds: Odds asked for, oldest first.
        note: What the latest action did.
    """

    id: str
    game: GameSession
    seats: dict[str, str]
    version: int = 0
    revealed: bool = False
    odds: list[OddsRequest] = field(default_factory=list)
    note: Note | None = None
    directory: Path | None = None
    created: float = field(default_factory=time.time)
    lock: SharedLock = field(default_factory=SharedLock, repr=False)

    # ------------------------------------------------------------------ seats

    def role_of(self, token: str) -> str | None:
        """The role a token opens (None: not a seat of this room)."""
        return self.seats.get(token) if valid_token(token) else None

    def token_of(self, role: str) -> str:
        """The token of a role's seat."""
        return next(t for t, r in self.seats.items() if r == role)

    def cell(self, role: str) -> Cell | None:
        """The cell a role is (None for White)."""
        return None if role == WHITE else self.game.cell(role)

    def side(self, role: str) -> tuple[str, ...]:
        """The actors a role plays (White: none, it sees the truth)."""
        cell = self.cell(role)
        return cell.actors if cell is not None else ()

    # ------------------------------------------------------------------ actions

    def _write(self, role: str, version: int, allowed: bool, fn: Callable[[GameSession], Any], what: str) -> Any:
        with self.lock:
            if version != self.version:
                behind = self.note.text if self.note is not None else "the game changed"
                raise StaleActionError(
                    f"Not applied: this window showed an older state of the game (version {version}, now "
                    f"{self.version}: {behind}). Nothing was lost; the window now shows the game as it is — "
                    "look again and act on it."
                )
            if not allowed:
                raise NotYourSeatError(f"{role} may not {what}.")
            try:
                result = fn(self.game)
            except (KeyError, ValueError) as exc:  # e.g. a decision already answered: keep the game exact
                self.game.replay(list(self.game.actions))
                raise ValueError(f"That action could not be applied ({exc}).") from None
            self.version += 1
            text = result.describe() if isinstance(result, StepReport) else what
            self.note = Note(self.version, role, f"{role}: {text}")
            self.save()
            return result

    def step(self, role: str, version: int, hours: float) -> StepReport:
        """White advances the clock by ``hours``."""
        return self._write(role, version, role == WHITE, lambda g: g.step_hours(hours), "advance the clock")

    def step_to_decision(self, role: str, version: int) -> StepReport:
        """White advances to the next decision of any cell (at most a day)."""
        return self._write(role, version, role == WHITE, GameSession.step_to_decision, "advance the clock")

    def _decision_actor(self, decision_id: int) -> str | None:
        return next((d.actor for d in self.game.game.open_decisions() if d.id == decision_id), None)

    def _may_answer(self, role: str, decision_id: int) -> bool:
        actor = self._decision_actor(decision_id)
        return role == WHITE or (actor is not None and actor in self.side(role))

    def decide(self, role: str, version: int, decision_id: int, rung: int | None) -> None:
        """A cell (or White for it) answers one of its decisions: respond at ``rung`` or hold (None)."""
        with self.lock:
            actor = self._decision_actor(decision_id) or "?"
            what = f"{actor} " + ("holds" if rung is None else f"responds at rung {rung}")
            self._write(role, version, self._may_answer(role, decision_id), lambda g: g.decide(decision_id, rung), what)

    def call_hotline(self, role: str, version: int, decision_id: int) -> str:
        """A cell (or White for it) calls the blamed side before deciding; returns what it hears."""
        with self.lock:
            allowed = self._may_answer(role, decision_id)
            return self._write(role, version, allowed, lambda g: g.call_hotline(decision_id), "call the hotline")

    def set_autonomy(self, role: str, version: int, asset: str, level: str) -> str:
        """A cell sets the autonomy of one of its assets (White: any asset); policy caps apply."""
        with self.lock:
            owner = self.game.scenario.assets[asset].owner if asset in self.game.scenario.assets else None
            allowed = role == WHITE or owner in self.side(role)
            name = (self.game.scenario.assets[asset].name or asset) if owner is not None else asset
            what = f"autonomy of {name} to {level.replace('_', ' ')}"
            return self._write(role, version, allowed, lambda g: g.set_autonomy(asset, level), what)

    def inject(self, role: str, version: int, inject: Any) -> None:
        """White injects an event now."""
        what = f"inject: {inject.kind.replace('_', ' ')}"
        self._write(role, version, role == WHITE, lambda g: g.inject(inject), what)

    def undo(self, role: str, version: int) -> Any:
        """White takes back the last action."""
        with self.lock:
            last = self.game.actions[-1] if self.game.actions else None
            what = f"undone: {describe_action(last)}" if last else "nothing to undo"
            return self._write(role, version, role == WHITE, GameSession.undo, what)

    def redo(self, role: str, version: int) -> Any:
        """White applies the last undone action again."""
        with self.lock:
            last = self.game.undone[-1] if self.game.undone else None
            what = f"redone: {describe_action(last)}" if last else "nothing to redo"
            return self._write(role, version, role == WHITE, GameSession.redo, what)

    def reveal(self, role: str, version: int, revealed: bool = True) -> None:
        """White reveals the truth to every seat (or hides it again)."""

        def flip(_: GameSession) -> None:
            self.revealed = revealed

        what = "reveals what really happened" if revealed else "hides the truth again"
        self._write(role, version, role == WHITE, flip, what)

    # ------------------------------------------------------------------ odds

    def ask_odds(
        self,
        role: str,
        options: Sequence[Option],
        futures: int,
        horizon: float,
        queue: JobQueue | None,
        engine_ready: Callable[[float], bool] | None = None,
        decision: dict[str, Any] | None = None,
        level: int = 0,
    ) -> OddsRequest:
        """Queue "odds from here" for a seat: from its side's belief (a cell) or the truth (White).

        Args:
            role: The seat asking.
            options: The options to weigh.
            futures: Futures per option.
            horizon: Look-ahead, hours.
            queue: The server's job queue (None: run here and now, as the tests do).
            engine_ready: Waits up to the given seconds for the engine's preparation; returns whether it is ready.
            decision: The open decision the options answer (kept with the result).
            level: The crisis level at the fork as the seat sees it.
        """
        with self.lock.reading():
            record, side = self.game.record, self.side(role)
            request = OddsRequest(
                id=secrets.token_hex(6),
                role=role,
                side=side,
                version=self.version,
                hours=float(self.game.game.hours),
                level=int(level),
                decision=decision,
                options=tuple(options),
                futures=int(futures),
                horizon=float(horizon),
            )

        def work(progress: Progress) -> OddsResult:
            while engine_ready is not None and not engine_ready(0.5):
                progress.note = "waiting for the engine to be prepared"
                progress(0, len(options) * futures)  # raises once cancelled
            progress.note = ""
            result = odds_from_here(record, options, futures, horizon, progress=progress, side=side)
            job.result = result  # summarise() reads it through the job, before the job is marked done
            request.summarise()
            self.save()
            return result

        who = f"{role}: {len(options)} × {futures:,} futures"
        job = Job(work, who)
        request.job = job
        self.odds = [*self.odds[-(MAX_KEPT_ODDS - 1) :], request]  # one assignment: readers never see it half-made
        if queue is None:
            job.start(inline=True)
        else:
            queue.submit(job)
        return request

    def odds_of(self, role: str) -> list[OddsRequest]:
        """The odds a seat asked for, newest first (White sees every seat's); takes no lock."""
        return [r for r in reversed(self.odds) if role == WHITE or r.role == role]

    # ------------------------------------------------------------------ keeping it

    def to_dict(self) -> dict[str, Any]:
        """The room as its file keeps it."""
        return {
            "format": ROOM_FORMAT,
            "version": 1,
            "id": self.id,
            "created": self.created,
            "seats": dict(self.seats),
            "state_version": self.version,
            "revealed": self.revealed,
            "note": None if self.note is None else self.note.__dict__,
            "odds": [r.to_dict() for r in self.odds if r.summary is not None],
            "game": game_to_dict(self.game),
        }

    def save(self) -> None:
        """Write the room's file (atomically); nothing if the room has no directory."""
        if self.directory is None:
            return
        with self.lock.reading():
            text = json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{self.id}.json"
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def from_dict(cls, doc: Any, directory: Path | None = None) -> Room:
        """A room read back from its file (untrusted: the game is loaded by replay, the seats checked).

        Raises:
            GameFileError: For anything that is not a valid room.
        """
        if not isinstance(doc, dict) or doc.get("format") != ROOM_FORMAT or doc.get("version") != 1:
            raise GameFileError("not a Flashpoint room file")
        loaded = game_from_json(json.dumps(doc.get("game")))
        game = loaded.session
        seats = doc.get("seats")
        roles = {WHITE, *(c.name for c in game.cells)}
        if not isinstance(seats, dict) or sorted(seats.values()) != sorted(roles):
            raise GameFileError("seats: one token per seat (White and each cell) expected")
        if not all(valid_token(t) for t in seats):
            raise GameFileError("seats: invalid token")
        version = doc.get("state_version")
        if not isinstance(version, int) or version < 0:
            raise GameFileError("state_version: expected a non-negative integer")
        room_id = doc.get("id")
        if not isinstance(room_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]{8,40}", room_id):
            raise GameFileError("id: invalid room id")
        room = cls(room_id, game, dict(seats), version, bool(doc.get("revealed")), directory=directory)
        note = doc.get("note")
        if isinstance(note, dict) and isinstance(note.get("text"), str):
            room.note = Note(int(note.get("version", version)), str(note.get("role", "")), note["text"])
        for item in doc.get("odds") or []:
            try:
                room.odds.append(OddsRequest.from_dict(item))
            except (KeyError, TypeError, ValueError):
                continue  # a damaged odds entry is dropped, the game is kept
        return room


class RoomRegistry:
    """The rooms of one server: in memory, and on disk under ``directory`` (one JSON file per room).

    Args:
        directory: Where room files are written (None: memory only).
        inline_odds: Run odds requests in the caller's thread (tests) instead of the server's queue.
    """

    def __init__(self, directory: Path | None, inline_odds: bool = False) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.queue = None if inline_odds else JobQueue("flashpoint-odds")
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    def create(self, game: GameSession) -> Room:
        """A new room for a game: a token for White and one per cell."""
        seats = {new_token(): WHITE}
        for cell in game.cells:
            seats[new_token()] = cell.name
        room = Room(secrets.token_urlsafe(9), game, seats, directory=self.directory)
        with self._lock:
            self._rooms[room.id] = room
        room.save()
        return room

    def find(self, token: Any) -> tuple[Room, str] | None:
        """The room and role a seat token opens (looked up on disk after a restart), or None."""
        if not valid_token(token):
            return None
        with self._lock:
            for room in self._rooms.values():
                role = room.role_of(token)
                if role is not None:
                    return room, role
        room = self._load_with(token)
        if room is None:
            return None
        with self._lock:
            room = self._rooms.setdefault(room.id, room)
        return room, room.seats[token]

    def _load_with(self, token: str) -> Room | None:
        if self.directory is None or not self.directory.is_dir():
            return None
        files = sorted(self.directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for path in files[:MAX_ROOM_FILES]:
            try:
                if path.stat().st_size > 2 * MAX_GAME_FILE_BYTES or token.encode() not in path.read_bytes():
                    continue
                return Room.from_dict(json.loads(path.read_text(encoding="utf-8")), self.directory)
            except (OSError, ValueError, GameFileError):
                continue
        return None


def local_only(url: str) -> bool:
    """Whether a URL names the local machine only (a join link built from it opens on no other machine)."""
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def seat_lines(room: Room, base_url: str) -> list[tuple[str, str]]:
    """(role, join link) for every seat, White first."""
    roles = [WHITE, *(c.name for c in room.game.cells)]
    return [(role, f"{base_url}?seat={room.token_of(role)}") for role in roles]
