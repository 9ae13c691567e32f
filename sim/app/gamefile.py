"""Games as files: save a game (its record, scenario text and hashes, seed) and load it back by replay.

A game file is JSON (:mod:`sim.app.game_document` has every field, its type and bounds)::

    {"format": "flashpoint-game", "version": 1,
     "scenario": {"name", "source", "text", "text_sha256", "overrides", "levers", "scenario_sha256"},
     "seed", "run", "player", "cells": [{"name", "actors"}], "actions": [...], "undone": [...],
     "state": {"hours", "events", "log_sha256", "rungs"}, "model_sha256", "signature"}

Loading treats the file as untrusted: a size limit; a strict document (types, ranges, printable
text, no ``NaN``, no deep nesting, no lone surrogate), so a file that loads is one that saves again;
the scenario text through the safe loader (:func:`sim.app.editing.validate_text`) with both hashes
checked and the levers giving the overrides; every asset, actor and step checked against that
scenario; every action replayed through the public :class:`~sim.engines.Wargame` API.

``state`` is what the game looked like when saved. A replay that does not reproduce it is refused
when the model is the one that saved the file (``model_sha256``, a hash of the model's source): the
file was changed, or its parts come from different games. With another model the game loads with a
warning that the model has changed since.

The hashes catch accidents and inconsistent edits, not a forger: anyone can recompute them. What
tells a file this installation saved, unchanged, from any other is ``signature``, an HMAC-SHA256
under this installation's key (:mod:`sim.app.installation`); a file without it loads with a note.

:class:`SessionStore` keeps one such file per browser session (the ``?session=`` id in the URL),
written after every change, so a refresh or a reconnect restores the game and the scenario in use;
sessions and rooms untouched for :data:`KEEP_DAYS` days are removed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.app.editing import validate_text
from sim.app.game_document import (
    FORMAT,
    MAX_ACTIONS,
    VERSION,
    AutonomyEntry,
    CellPart,
    DecideEntry,
    GameDocument,
    GameDocumentError,
    HotlineEntry,
    InjectEntry,
    TicksEntry,
    Workspace,
    read_document,
)
from sim.app.installation import data_dir, sign, signed_by_this_installation
from sim.app.json_place import place_of
from sim.app.levers import lever_overrides, levers_for
from sim.app.session import Action, Cell, GameOrigin, GameSession, check_cells
from sim.experiments.provenance import scenario_sha256
from sim.scenario.checks import tick_count
from sim.scenario.errors import LocatedError, format_path
from sim.scenario.errors import Path as ScenarioPath
from sim.scenario.printable import printable
from sim.scenario.schema import Scenario
from sim.vocabulary import narrate

__all__ = [
    "FORMAT",
    "KEEP_DAYS",
    "MAX_ACTIONS",
    "MAX_GAME_FILE_BYTES",
    "SESSIONS_ENV",
    "GameFileError",
    "LoadedGame",
    "SessionStore",
    "StoredSession",
    "game_from_json",
    "game_to_dict",
    "game_to_json",
    "model_sha256",
    "new_session_id",
    "state_digest",
    "valid_session_id",
]

MAX_GAME_FILE_BYTES = 3_000_000
"""Largest game file read, bytes (a scenario is at most 1 MB)."""
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
SESSIONS_ENV = "FLASHPOINT_SESSIONS_DIR"
"""Where sessions are autosaved; by default ``sessions/`` in the installation's data directory."""
KEEP_DAYS = 30
"""A session or room file untouched for this many days is removed (checked at most once an hour, when a session is
saved)."""
ROOMS_FOLDER = "rooms"
"""The folder of the sessions folder that holds the rooms (games with their seats)."""
UNSIGNED = (
    "this file was not saved by this installation, or was changed after it was saved: the game was rebuilt "
    "from its record and checked against its saved state, but who wrote the record cannot be told"
)
_MODEL_SOURCES = ("engines", "kernels", "vocabulary.py", "scenario/schema.py", "app/session.py")
"""What a game's replay depends on, under sim/: a change to any of them may change a replay."""


class GameFileError(ValueError):
    """A game file that cannot be loaded: one ``FILE:LINE:COL: path: message`` line, safe to show.

    Attributes:
        error: The problem, located in the file (the field at fault, or where the JSON parser stopped).
    """

    def __init__(self, error: LocatedError) -> None:
        super().__init__(error.format())
        self.error = error


class _RefusedError(Exception):
    """A problem found while loading, not yet located: the field at fault (empty: the file) and what is wrong."""

    def __init__(self, path: ScenarioPath, message: str, place: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.place = place


@dataclass(frozen=True)
class LoadedGame:
    """A game rebuilt from a file.

    Attributes:
        session: The game, replayed to where it was saved (with its redo stack).
        warnings: What the facilitator should know: the model changed since the file was saved, or the file
            was not saved by this installation (empty for a file saved here, unchanged, by this model).
        signed: Whether the file carries this installation's signature (saved here and unchanged since).
    """

    session: GameSession
    warnings: tuple[str, ...] = ()
    signed: bool = False


# --------------------------------------------------------------------------- saving


@functools.cache
def model_sha256() -> str:
    """SHA-256 of the source a replay depends on: engines, kernels, vocabulary, schema, the game session."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in _MODEL_SOURCES:
        target = root / name
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def state_digest(session: GameSession) -> dict[str, Any]:
    """What the game looks like now: clock, number of events, a hash of the event log, the rungs."""
    log = session.game.timeline()
    return {
        "hours": float(session.game.hours),
        "events": len(log),
        "log_sha256": hashlib.sha256(narrate(log, with_causes=True).encode("utf-8")).hexdigest(),
        "rungs": {k: int(v) for k, v in session.game.rungs().items()},
    }


def _action_to_dict(action: Action) -> dict[str, Any]:
    kind, args = action.kind, action.args
    out: dict[str, Any] = {"kind": kind, "hours": float(action.hours)}
    if kind == "ticks":
        out["ticks"] = int(args[0])
    elif kind == "decide":
        out["decision"], out["rung"] = int(args[0]), None if args[1] is None else int(args[1])
    elif kind == "hotline":
        out["decision"] = int(args[0])
    elif kind == "autonomy":
        out["asset"], out["level"] = str(args[0]), str(getattr(args[1], "value", args[1]))
    elif kind == "inject":
        out["inject"] = args[0].model_dump(mode="json")
    else:
        raise ValueError(f"unknown action {kind!r}")
    return out


def game_to_dict(session: GameSession) -> dict[str, Any]:
    """The game as a JSON-ready dict, signed by this installation (when it has a key).

    Raises:
        ValueError: If the session does not know its origin (scenario text and overrides).
    """
    origin = session.origin
    if origin is None:
        raise ValueError("this game does not know its scenario text: it cannot be saved")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "scenario": {
            "name": session.scenario.metadata.name,
            "source": origin.source,
            "text": origin.text,
            "text_sha256": origin.text_sha256,
            "overrides": list(origin.overrides),
            "levers": dict(origin.levers),
            "scenario_sha256": scenario_sha256(session.scenario),
        },
        "seed": session.seed,
        "run": session.run,
        "player": session.player,
        "cells": [{"name": c.name, "actors": list(c.actors)} for c in session.cells],
        "actions": [_action_to_dict(a) for a in session.actions],
        "undone": [_action_to_dict(a) for a in session.undone],
        "state": state_digest(session),
        "model_sha256": model_sha256(),
    }
    signature = sign(_signed_content(doc))
    return doc if signature is None else {**doc, "signature": signature}


def _signed_content(doc: Mapping[str, Any]) -> bytes:
    """The bytes the signature covers: the document without its signature, in one canonical JSON form."""
    content = {key: value for key, value in doc.items() if key != "signature"}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def game_to_json(session: GameSession) -> bytes:
    """The game file's bytes."""
    return (json.dumps(game_to_dict(session), indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- loading


def game_from_json(data: bytes | str, filename: str = "<game file>") -> LoadedGame:
    """Rebuild a saved game by replaying its record.

    Args:
        data: The file's bytes (or text).
        filename: The name errors are located in (the uploaded file's name).

    Raises:
        GameFileError: If the file is not a valid game file; its scenario is invalid, altered or not the one
            its levers give; an action names what the scenario does not have or cannot be replayed; or the
            replay does not give the saved state under the model that saved it. Its message is one line,
            ``FILE:LINE:COL: path: message``, at the field at fault.
    """
    try:
        return _load(data)
    except _RefusedError as refusal:
        raise GameFileError(_located(data, filename, refusal)) from None


def _located(data: bytes | str, filename: str, refusal: _RefusedError) -> LocatedError:
    line, col = refusal.place or (1, 1)
    if refusal.place is None and refusal.path:
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        line, col = place_of(text.removeprefix("\ufeff"), refusal.path)
    message = printable(" ".join(refusal.message.split()))
    return LocatedError(printable(filename), line, col, format_path(refusal.path), message)


def _load(data: bytes | str) -> LoadedGame:
    if len(data) > MAX_GAME_FILE_BYTES:
        raise _RefusedError((), f"file is {len(data):,} bytes, larger than the limit of {MAX_GAME_FILE_BYTES:,}")
    data = _utf8_text(data)
    try:
        doc = read_document(data)
    except GameDocumentError as exc:
        raise _RefusedError(exc.path, exc.message, exc.place) from None
    if twice := _repeated_key(data):
        raise _RefusedError((), f"the key {twice!r} appears twice in one object: a game file names each key once")
    origin = _origin(doc)
    scenario = _scenario(doc, origin)
    _check_against_scenario(doc, scenario)
    cells = _cells(doc.cells, list(scenario.actors))
    actions, undone = [_action(a) for a in doc.actions], [_action(a) for a in doc.undone]
    session = GameSession(scenario, doc.seed, doc.run, doc.player, origin, cells)
    try:
        if undone:  # the redo stack must replay too, or a later "redo" would fail in the room
            session.replay(actions + undone[::-1])
        session.replay(actions)
    except Exception as exc:  # an action the game cannot carry out: the file does not describe a valid game
        raise _RefusedError(("actions",), f"replaying the actions failed: {type(exc).__name__}: {exc}") from None
    session.undone = undone
    warnings = _compare_state(doc, state_digest(session))
    signed = signed_by_this_installation(_signed_content(json.loads(data)), doc.signature)
    return LoadedGame(session, warnings if signed else (*warnings, UNSIGNED), signed)


def _cells(parts: list[CellPart], actors: list[str]) -> tuple[Cell, ...]:
    """The game's cells, checked against the scenario's actors (a file without them has at most its ``player``)."""
    if len(parts) > len(actors):
        raise _RefusedError(("cells",), f"{len(parts)} cells for {len(actors)} actors: at most one cell per actor")
    for index, part in enumerate(parts):
        try:
            check_cells([Cell(part.name, tuple(part.actors))], actors)
        except ValueError as exc:
            raise _RefusedError(("cells", index), str(exc)) from None
    try:
        return check_cells([Cell(part.name, tuple(part.actors)) for part in parts], actors)
    except ValueError as exc:  # two cells with one name, or one actor in two cells
        raise _RefusedError(("cells",), str(exc)) from None


def _utf8_text(data: bytes | str) -> str:
    """The file as text without a byte-order mark (an editor's UTF-8 BOM is harmless); refused if not UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _RefusedError((), "the file is UTF-16 text: a game file is UTF-8")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        message = f"not UTF-8 text (the byte 0x{data[exc.start]:02x} cannot start or continue a character)"
        raise _RefusedError((), message, (line, col)) from None


def _repeated_key(text: str) -> str | None:
    """The first key that appears twice in one object (JSON readers keep the last one silently)."""
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        if not repeated and len({key for key, _ in items}) < len(items):
            seen: set[str] = set()
            repeated.append(next(key for key, _ in items if key in seen or seen.add(key)))
        return dict(items)

    try:
        json.loads(text, object_pairs_hook=pairs)  # already read as JSON, with its nesting bounded
    except (ValueError, RecursionError):  # pragma: no cover - what the strict parser read, this one reads
        return None
    return repeated[0] if repeated else None


def _origin(doc: GameDocument) -> GameOrigin:
    part = doc.scenario
    origin = GameOrigin(part.source, part.text, tuple(part.overrides), dict(part.levers))
    if origin.text_sha256 != part.text_sha256:
        message = "the scenario text does not match its hash (the file was altered)"
        raise _RefusedError(("scenario", "text_sha256"), message)
    return origin


def _scenario(doc: GameDocument, origin: GameOrigin) -> Scenario:
    """The scenario the game was played on, checked against its hash and its levers."""
    validation = validate_text(origin.text, origin.source, origin.overrides)
    if not validation.ok:
        first = validation.errors[0].format()
        message = f"the saved scenario is not valid ({validation.count} error(s)): {first}"
        raise _RefusedError(("scenario", "text"), message)
    scenario = validation.scenario
    assert scenario is not None
    if scenario_sha256(scenario) != doc.scenario.scenario_sha256:
        raise _RefusedError(("scenario", "scenario_sha256"), "the scenario with its overrides does not match its hash")
    base = validate_text(origin.text, origin.source).scenario if origin.overrides or origin.levers else scenario
    assert base is not None
    known = {lever.path for lever in levers_for(base)}
    if unknown := [key for key in origin.levers if key not in known]:
        raise _RefusedError(("scenario", "levers", unknown[0]), "not a lever of this scenario")
    if lever_overrides(base, origin.levers) != list(origin.overrides):
        message = "they are not the overrides its levers give (the file was altered)"
        raise _RefusedError(("scenario", "overrides"), message)
    return scenario


def _check_against_scenario(doc: GameDocument, scenario: Scenario) -> None:
    """What the document could not check alone: the player, the assets, the steps against this scenario."""
    if doc.player is not None and doc.player not in scenario.actors:
        raise _RefusedError(("player",), f"{doc.player!r} is not an actor of the scenario")
    horizon = scenario.time.horizon_hours
    ticks = tick_count(horizon, scenario.time.tick_hours)
    for name, entries in (("actions", doc.actions), ("undone", doc.undone)):
        for index, entry in enumerate(entries):
            if entry.hours > horizon:
                raise _RefusedError((name, index, "hours"), f"{entry.hours:g} is past the horizon ({horizon:g} hours)")
            if isinstance(entry, TicksEntry) and entry.ticks > ticks:
                raise _RefusedError((name, index, "ticks"), f"{entry.ticks} is more than the scenario's {ticks} ticks")
            if isinstance(entry, AutonomyEntry) and entry.asset not in scenario.assets:
                raise _RefusedError((name, index, "asset"), f"{entry.asset!r} is not an asset of the scenario")
    if doc.state.hours > horizon:
        raise _RefusedError(("state", "hours"), f"{doc.state.hours:g} is past the horizon ({horizon:g} hours)")


def _action(entry: Any) -> Action:
    if isinstance(entry, TicksEntry):
        return Action("ticks", (entry.ticks,), entry.hours)
    if isinstance(entry, DecideEntry):
        return Action("decide", (entry.decision, entry.rung), entry.hours)
    if isinstance(entry, HotlineEntry):
        return Action("hotline", (entry.decision,), entry.hours)
    if isinstance(entry, AutonomyEntry):
        return Action("autonomy", (entry.asset, entry.level.value), entry.hours)
    assert isinstance(entry, InjectEntry)
    return Action("inject", (entry.inject,), entry.hours)


def _compare_state(doc: GameDocument, now: dict[str, Any]) -> tuple[str, ...]:
    """Nothing when the replay gives the saved state; a warning when the model changed; else a refusal."""
    saved = doc.state.model_dump()
    differences = "; ".join(
        printable(f"{key}: saved {saved[key]!r}, replayed {now[key]!r}") for key in now if saved[key] != now[key]
    )
    if not differences:
        return ()
    if doc.model_sha256 == model_sha256():
        raise _RefusedError(
            ("state",),
            f"replaying the actions does not give the saved game ({differences}): the file was changed "
            "after it was saved, or its parts come from different games",
        )
    if doc.model_sha256 is None:
        return (
            f"the replay differs from the saved game ({differences}); the file does not say which model saved it: "
            "the model may have changed since, or the file was changed",
        )
    return (f"the replay differs from the saved game ({differences}): the model has changed since the game was saved",)


# --------------------------------------------------------------------------- per-session autosave


def new_session_id() -> str:
    """A fresh random session id (URL-safe)."""
    return secrets.token_urlsafe(12)


def valid_session_id(value: Any) -> bool:
    """Whether ``value`` can be a session id (so it is safe as a file name)."""
    return isinstance(value, str) and SESSION_ID.match(value) is not None


@dataclass
class StoredSession:
    """What a browser session left behind.

    Attributes:
        workspace: The scenario in use: ``source``, ``text`` and ``levers``.
        game: The game in progress, if any.
        problem: Why the game could not be restored (the workspace may still be).
    """

    workspace: dict[str, Any] | None = None
    game: LoadedGame | None = None
    problem: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


class SessionStore:
    """One JSON file per session id in a directory, written atomically; old ones expire.

    Args:
        directory: Where the files live (created on first save).
        keep_days: A file untouched for this many days is removed.
    """

    _last_expiry: dict[Path, float] = {}  # noqa: RUF012 - per directory, for every store of this process

    def __init__(self, directory: str | os.PathLike[str], keep_days: float = KEEP_DAYS) -> None:
        self.directory = Path(directory)
        self.keep_days = keep_days

    @classmethod
    def default(cls) -> SessionStore:
        """The app's store: ``FLASHPOINT_SESSIONS_DIR``, or ``sessions/`` in the installation's data directory."""
        return cls(os.environ.get(SESSIONS_ENV) or data_dir() / "sessions")

    def path(self, session_id: str) -> Path:
        """The file of a session.

        Raises:
            ValueError: For an id that is not a valid session id.
        """
        if not valid_session_id(session_id):
            raise ValueError(f"invalid session id {session_id!r}")
        return self.directory / f"{session_id}.json"

    def save(self, session_id: str, workspace: Mapping[str, Any], game: GameSession | None) -> None:
        """Write the session's workspace and game (replacing the previous file atomically).

        Raises:
            ValueError: If the session cannot be written as UTF-8 JSON (nothing is written then).
        """
        doc = {"format": "flashpoint-session", "workspace": dict(workspace), "game": None}
        if game is not None and game.origin is not None:
            doc["game"] = game_to_dict(game)
        data = json.dumps(doc, ensure_ascii=False, allow_nan=False).encode("utf-8")  # fails before any file is made
        path = self.path(session_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        self.expire_if_due()

    def load(self, session_id: str) -> StoredSession | None:
        """The stored session, or None if there is none."""
        if not valid_session_id(session_id):
            return None
        path = self.path(session_id)
        if not path.is_file() or path.stat().st_size > 2 * MAX_GAME_FILE_BYTES:
            return None
        try:
            doc = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return StoredSession(problem=f"the session file {path.name} cannot be read")
        if not isinstance(doc, dict):
            return StoredSession(problem=f"the session file {path.name} is not a session")
        stored = StoredSession(_workspace(doc.get("workspace")), raw=doc)
        if doc.get("game") is not None:
            try:
                stored.game = game_from_json(json.dumps(doc["game"]), f"the game in {path.name}")
            except (GameFileError, ValueError, RecursionError) as exc:
                stored.problem = str(exc)
        return stored

    def expire_if_due(self) -> None:
        """Run :meth:`expire` if this process has not done so for this directory in the last hour."""
        now = time.monotonic()
        last = SessionStore._last_expiry.get(self.directory)
        if last is None or now - last > 3600:
            SessionStore._last_expiry[self.directory] = now
            self.expire()

    @property
    def rooms_directory(self) -> Path:
        """Where the rooms of this store's sessions are kept (:class:`sim.app.room.RoomRegistry`)."""
        return self.directory / ROOMS_FOLDER

    def expire(self, max_age_days: float | None = None, now: float | None = None) -> int:
        """Remove sessions and rooms untouched for ``max_age_days``, and temporary files left for an hour.

        Args:
            max_age_days: Age in days past which a session or room file goes (default: ``keep_days``).
            now: The time to measure ages from (default: now).

        Returns:
            How many files were removed (a file another process removed first is not counted).
        """
        days = self.keep_days if max_age_days is None else max_age_days
        now = time.time() if now is None else now
        return _expire_folder(self.directory, days, now) + _expire_folder(self.rooms_directory, days, now)


def _expire_folder(directory: Path, days: float, now: float) -> int:
    """Remove the ``.json`` files of ``directory`` older than ``days`` and its ``.tmp`` files older than an hour."""
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        age = _age(entry, now)
        old_file = entry.name.endswith(".json") and age > days * 86400
        old_temporary = entry.name.endswith(".tmp") and age > 3600
        if old_file or old_temporary:
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


def _age(entry: os.DirEntry[str], now: float) -> float:
    try:
        return now - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return 0.0


def _workspace(value: Any) -> dict[str, Any] | None:
    """The stored workspace, if it is one the app can use (a file name, the text, the levers, White's seat)."""
    try:
        space = Workspace.model_validate(value).model_dump() if value is not None else None
    except ValidationError:
        return None
    if space is not None and space["seat"] is None:
        del space["seat"]  # a session that holds no seat
    return space
