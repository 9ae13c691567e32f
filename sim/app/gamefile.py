"""Games as files: save a game (its record, scenario text and hash, seed) and load it back by replay.

A game file is JSON::

    {"format": "flashpoint-game", "version": 1,
     "scenario": {"source", "text", "text_sha256", "overrides", "levers", "scenario_sha256"},
     "seed", "run", "player", "cells": [{"name", "actors"}], "actions": [...], "undone": [...],
     "state": {"hours", "events", "log_sha256", "rungs"}}

Loading treats the file as untrusted: a size limit, strict types, the scenario text through the
safe loader (:func:`sim.app.editing.validate_text`), both hashes checked, every action replayed
through the public :class:`~sim.engines.Wargame` API. ``state`` is what the game looked like when
saved; a replay that does not reproduce it (the model changed since) is reported, not hidden.

:class:`SessionStore` keeps one such file per browser session (the ``?session=`` id in the URL),
written after every action, so a refresh or a reconnect restores the game and the scenario in use.
"""

from __future__ import annotations

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

from pydantic import TypeAdapter, ValidationError

from sim.app.editing import validate_text
from sim.app.session import Action, Cell, GameOrigin, GameSession, check_cells
from sim.experiments.provenance import scenario_sha256
from sim.scenario.schema import Inject
from sim.vocabulary import narrate

__all__ = [
    "FORMAT",
    "MAX_GAME_FILE_BYTES",
    "GameFileError",
    "LoadedGame",
    "SessionStore",
    "StoredSession",
    "game_from_json",
    "game_to_dict",
    "game_to_json",
    "new_session_id",
    "state_digest",
    "valid_session_id",
]

FORMAT = "flashpoint-game"
VERSION = 1
MAX_GAME_FILE_BYTES = 3_000_000
"""Largest game file read, bytes (a scenario is at most 1 MB)."""
MAX_ACTIONS = 100_000
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
_INJECT = TypeAdapter(Inject)


class GameFileError(ValueError):
    """A game file that cannot be loaded; the message says why."""


@dataclass(frozen=True)
class LoadedGame:
    """A game rebuilt from a file.

    Attributes:
        session: The game, replayed to where it was saved (with its redo stack).
        warnings: Differences between the saved state and the replayed one (empty when they agree).
    """

    session: GameSession
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- saving


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
    """The game as a JSON-ready dict.

    Raises:
        ValueError: If the session does not know its origin (scenario text and overrides).
    """
    origin = session.origin
    if origin is None:
        raise ValueError("this game does not know its scenario text: it cannot be saved")
    return {
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
    }


def game_to_json(session: GameSession) -> bytes:
    """The game file's bytes."""
    return (json.dumps(game_to_dict(session), indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- loading


def _get(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str = "") -> Any:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float, (int, float))):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise GameFileError(f"{where}{key}: expected {names}")
    return value


def _int_or_none(data: Mapping[str, Any], key: str, where: str) -> int | None:
    return None if data.get(key) is None else _get(data, key, int, where)


def _action_from_dict(data: Any, index: int) -> Action:
    where = f"actions[{index}]."
    if not isinstance(data, Mapping):
        raise GameFileError(f"actions[{index}]: expected an object")
    kind = _get(data, "kind", str, where)
    hours = float(_get(data, "hours", (int, float), where))
    if kind == "ticks":
        ticks = _get(data, "ticks", int, where)
        if ticks < 1:
            raise GameFileError(f"{where}ticks: must be >= 1")
        return Action(kind, (ticks,), hours)
    if kind == "decide":
        return Action(kind, (_get(data, "decision", int, where), _int_or_none(data, "rung", where)), hours)
    if kind == "hotline":
        return Action(kind, (_get(data, "decision", int, where),), hours)
    if kind == "autonomy":
        return Action(kind, (_get(data, "asset", str, where), _get(data, "level", str, where)), hours)
    if kind == "inject":
        try:
            return Action(kind, (_INJECT.validate_python(data.get("inject")),), hours)
        except ValidationError as exc:
            raise GameFileError(f"{where}inject: {exc.errors()[0]['msg']}") from None
    raise GameFileError(f"{where}kind: unknown action {kind!r}")


def _parse(data: bytes | str) -> dict[str, Any]:
    if len(data) > MAX_GAME_FILE_BYTES:
        raise GameFileError(f"file is {len(data)} bytes, larger than the limit of {MAX_GAME_FILE_BYTES}")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GameFileError(f"not a JSON game file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise GameFileError(f'not a Flashpoint game file (expected "format": "{FORMAT}")')
    if doc.get("version") != VERSION:
        raise GameFileError(f"game file version {doc.get('version')!r} is not supported (expected {VERSION})")
    return doc


def _origin(doc: Mapping[str, Any]) -> GameOrigin:
    scen = _get(doc, "scenario", dict)
    origin = GameOrigin(
        source=_get(scen, "source", str, "scenario."),
        text=_get(scen, "text", str, "scenario."),
        overrides=tuple(str(o) for o in _get(scen, "overrides", list, "scenario.")),
        levers=dict(_get(scen, "levers", dict, "scenario.")),
    )
    if origin.text_sha256 != scen.get("text_sha256"):
        raise GameFileError("scenario.text_sha256: the scenario text does not match its hash (the file was altered)")
    return origin


def game_from_json(data: bytes | str) -> LoadedGame:
    """Rebuild a saved game by replaying its record.

    Raises:
        GameFileError: If the file is not a valid game file, its scenario is invalid or altered, or an action
            cannot be replayed.
    """
    doc = _parse(data)
    origin = _origin(doc)
    validation = validate_text(origin.text, origin.source, origin.overrides)
    if not validation.ok:
        first = validation.errors[0].format()
        raise GameFileError(f"the saved scenario is not valid ({len(validation.errors)} error(s)): {first}")
    scenario = validation.scenario
    if scenario_sha256(scenario) != doc["scenario"].get("scenario_sha256"):
        raise GameFileError("scenario.scenario_sha256: the scenario with its overrides does not match its hash")
    player = doc.get("player")
    if player is not None and player not in scenario.actors:
        raise GameFileError(f"player: {player!r} is not an actor of the scenario")
    cells = _cells(doc, list(scenario.actors))
    actions_data, undone_data = _get(doc, "actions", list), _get(doc, "undone", list)
    if len(actions_data) + len(undone_data) > MAX_ACTIONS:
        raise GameFileError(f"more than {MAX_ACTIONS} actions")
    actions = [_action_from_dict(a, i) for i, a in enumerate(actions_data)]
    undone = [_action_from_dict(a, i) for i, a in enumerate(undone_data)]
    seed, run = _get(doc, "seed", int), _get(doc, "run", int)
    if not (0 <= seed < 2**63 and 0 <= run < 2**31):
        raise GameFileError("seed or run out of range")
    session = GameSession(scenario, seed, run, player, origin, cells)
    try:
        if undone:  # the redo stack must replay too, or a later "redo" would fail in the room
            session.replay(actions + undone[::-1])
        session.replay(actions)
    except Exception as exc:  # an action the game cannot carry out: the file does not describe a valid game
        raise GameFileError(f"replaying the actions failed: {type(exc).__name__}: {exc}") from None
    session.undone = undone
    return LoadedGame(session, _compare_state(doc.get("state"), state_digest(session)))


def _cells(doc: Mapping[str, Any], actors: list[str]) -> tuple[Cell, ...]:
    """The game's cells (a file without them has at most its one ``player``)."""
    raw = doc.get("cells", [])
    if not isinstance(raw, list) or len(raw) > len(actors):
        raise GameFileError("cells: expected a list of at most one cell per actor")
    cells = []
    for i, item in enumerate(raw):
        where = f"cells[{i}]."
        name = _get(item, "name", str, where)
        played = _get(item, "actors", list, where)
        if not all(isinstance(a, str) for a in played):
            raise GameFileError(f"{where}actors: expected a list of actor ids")
        cells.append(Cell(name, tuple(played)))
    try:
        return check_cells(cells, actors)
    except ValueError as exc:
        raise GameFileError(f"cells: {exc}") from None


def _compare_state(saved: Any, now: dict[str, Any]) -> tuple[str, ...]:
    if not isinstance(saved, Mapping):
        return ("the file does not record the saved state: it could not be checked",)
    return tuple(
        f"replay differs from the saved game in {key}: saved {saved.get(key)!r}, replayed {now[key]!r} "
        "(the model has changed since the game was saved?)"
        for key in now
        if saved.get(key) != now[key]
    )


# --------------------------------------------------------------------------- per-session autosave


def expire_files(directory: Path, patterns: tuple[str, ...], max_age_days: float, now: float | None = None) -> int:
    """Delete the files of ``directory`` matching ``patterns`` last modified more than ``max_age_days`` ago.

    Returns:
        How many files were deleted (a file another process removed first is not counted).
    """
    if not directory.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - max_age_days * 86_400
    deleted = 0
    for pattern in patterns:
        for path in directory.glob(pattern):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    deleted += 1
            except OSError:
                continue
    return deleted


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
    """One JSON file per session id in a directory, written atomically.

    Args:
        directory: Where the files live (created on first save).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path(self, session_id: str) -> Path:
        """The file of a session.

        Raises:
            ValueError: For an id that is not a valid session id.
        """
        if not valid_session_id(session_id):
            raise ValueError(f"invalid session id {session_id!r}")
        return self.directory / f"{session_id}.json"

    def save(self, session_id: str, workspace: Mapping[str, Any], game: GameSession | None) -> None:
        """Write the session's workspace and game (replacing the previous file atomically)."""
        doc = {"format": "flashpoint-session", "workspace": dict(workspace), "game": None}
        if game is not None and game.origin is not None:
            doc["game"] = game_to_dict(game)
        path = self.path(session_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        tmp.replace(path)

    def expire(self, max_age_days: float, now: float | None = None) -> int:
        """Delete the session files (and leftover temporary files) not written for ``max_age_days``.

        Returns:
            How many files were deleted.
        """
        return expire_files(self.directory, ("*.json", "*.tmp"), max_age_days, now)

    def load(self, session_id: str) -> StoredSession | None:
        """The stored session, or None if there is none."""
        if not valid_session_id(session_id):
            return None
        path = self.path(session_id)
        if not path.is_file() or path.stat().st_size > 2 * MAX_GAME_FILE_BYTES:
            return None
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return StoredSession(problem=f"the session file {path.name} cannot be read")
        workspace = doc.get("workspace") if isinstance(doc, dict) else None
        stored = StoredSession(workspace if isinstance(workspace, dict) else None, raw=doc)
        if isinstance(doc, dict) and doc.get("game") is not None:
            try:
                stored.game = game_from_json(json.dumps(doc["game"]))
            except GameFileError as exc:
                stored.problem = str(exc)
        return stored
