"""The game file as a strict document: every field typed and bounded before anything is replayed.

A game file comes from anywhere (a download shared by e-mail, a file edited by hand), so it is read
with pydantic in strict mode from the raw JSON: the parser refuses what is not JSON, ``NaN`` and
``Infinity``, nesting deeper than a few hundred levels and text that is not Unicode (a lone
surrogate ``"\\ud800"``); the models refuse unknown keys, wrong types (``"player": ["PRC"]``),
numbers out of range and text that cannot be shown (a file name with a folder or a control
character). What a document cannot know — whether an asset or actor exists in the scenario, whether
a step is longer than the scenario — is checked by :mod:`sim.app.gamefile` once the scenario is read.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from sim.scenario.errors import Path, issue_from_pydantic
from sim.scenario.limits import MAX_FILE_BYTES, MAX_HORIZON_HOURS, MAX_OVERRIDES, MAX_TICKS
from sim.scenario.printable import first_unsafe, printable
from sim.scenario.schema import Autonomy, Identifier, Inject, Rung

__all__ = [
    "FORMAT",
    "MAX_ACTIONS",
    "VERSION",
    "ActionEntry",
    "CellPart",
    "GameDocument",
    "GameDocumentError",
    "Workspace",
    "read_document",
]

FORMAT = "flashpoint-game"
VERSION = 1
MAX_ACTIONS = 100_000
"""Most actions (done and undone) in one game file."""
MAX_TEXT = 10_000
"""Longest override or lever value, characters."""
MAX_LEVERS = 1_000
MAX_CELLS = 1_000
"""Most cells in one game file (a scenario's actors bound them again once it is read)."""
_JSON_PLACE = re.compile(r" at line (\d+) column (\d+)$")

Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Hours = Annotated[float, Field(ge=0, le=MAX_HORIZON_HOURS)]
Count = Annotated[int, Field(ge=0, lt=2**31)]


def _file_name(value: str) -> str:
    plain = value not in ("", ".", "..") and not any(c in value for c in "/\\\n\t") and not first_unsafe(value)
    if not plain or len(value) > 255:
        shown = printable(repr(value))
        raise ValueError(f"must be a file name: no folder, no control character, at most 255 characters (got {shown})")
    return value


FileName = Annotated[str, AfterValidator(_file_name)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]


Levers = Annotated[dict[Text, bool | int | float | Text | None], Field(max_length=MAX_LEVERS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class ScenarioPart(_Strict):
    """The scenario the game was played on: its text, the overrides and levers, and their hashes."""

    name: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    source: FileName
    text: Annotated[str, Field(max_length=MAX_FILE_BYTES)]
    text_sha256: Hex64
    overrides: Annotated[list[Text], Field(max_length=MAX_OVERRIDES)] = []
    levers: Levers = {}
    scenario_sha256: Hex64


class Workspace(_Strict):
    """The scenario in use in an autosaved session: where it came from, its text, the levers."""

    source: FileName
    text: Annotated[str, Field(max_length=MAX_FILE_BYTES)]
    levers: Levers = {}
    seat: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")] | None = None
    """White's seat token in this session's room, if it holds one (a refresh comes back to the room)."""


class CellPart(_Strict):
    """A cell of players: its name and the actors it decides for (checked against the scenario once read)."""

    name: Text
    actors: Annotated[list[Identifier], Field(max_length=MAX_CELLS)]


class TicksEntry(_Strict):
    """The clock advanced by ``ticks`` ticks."""

    kind: Literal["ticks"]
    hours: Hours
    ticks: Annotated[int, Field(ge=1, le=MAX_TICKS)]


class DecideEntry(_Strict):
    """A decision point answered at ``rung`` (``None``: hold)."""

    kind: Literal["decide"]
    hours: Hours
    decision: Count
    rung: Rung | None = None


class HotlineEntry(_Strict):
    """The hotline called at a decision point."""

    kind: Literal["hotline"]
    hours: Hours
    decision: Count


class AutonomyEntry(_Strict):
    """An asset's autonomy changed."""

    kind: Literal["autonomy"]
    hours: Hours
    asset: Identifier
    level: Autonomy


class InjectEntry(_Strict):
    """A facilitator's inject."""

    kind: Literal["inject"]
    hours: Hours
    inject: Inject


ActionEntry = Annotated[
    TicksEntry | DecideEntry | HotlineEntry | AutonomyEntry | InjectEntry, Field(discriminator="kind")
]


class SavedState(_Strict):
    """What the game looked like when saved: the replay must give the same."""

    hours: Hours
    events: Annotated[int, Field(ge=0)]
    log_sha256: Hex64
    rungs: Annotated[dict[Identifier, Rung], Field(max_length=1_000)]


class GameDocument(_Strict):
    """A whole game file (``format`` ``flashpoint-game``, version 1)."""

    format: Literal["flashpoint-game"]
    version: Literal[1]
    scenario: ScenarioPart
    seed: Annotated[int, Field(ge=0, lt=2**63)]
    run: Count
    player: Identifier | None = None
    cells: Annotated[list[CellPart], Field(max_length=MAX_CELLS)] = []
    actions: Annotated[list[ActionEntry], Field(max_length=MAX_ACTIONS)]
    undone: Annotated[list[ActionEntry], Field(max_length=MAX_ACTIONS)] = []
    state: SavedState
    model_sha256: Hex64 | None = None
    signature: Hex64 | None = None


class GameDocumentError(ValueError):
    """A game file that is not a valid document; the message names the first problem (and counts the rest).

    Attributes:
        path: The field at fault (``("actions", 3, "hours")``); empty for the file as a whole.
        place: The 1-based line and column the JSON parser stopped at, for a text that is not JSON.
    """

    def __init__(self, message: str, path: Path = (), place: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.place = place


def read_document(data: bytes | str) -> GameDocument:
    """Parse and check a game file's JSON.

    Raises:
        GameDocumentError: For anything but a valid game document: not JSON, not a Flashpoint game file,
            another version, or a field of the wrong type or out of range (``actions[3].hours: ...``).
    """
    try:
        document = GameDocument.model_validate_json(data, strict=True)
    except ValidationError as exc:
        raise _describe(exc.errors(include_url=False)) from None
    if unsafe := _unsafe_text(document):
        path, code = unsafe
        raise GameDocumentError(printable(f"holds the control character {code}: text must be printable"), path)
    return document


def _unsafe_text(document: GameDocument) -> tuple[tuple[str | int, ...], str] | None:
    """The first text (key or value) with a terminal control character, but the scenario's (its loader checks it)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document.model_dump(mode="json"))]
    while stack:
        path, node = stack.pop()
        if path == ("scenario", "text"):
            continue
        if isinstance(node, dict):
            for key, value in node.items():
                if code := first_unsafe(key):
                    return (*path, key), code
                stack.append(((*path, key), value))
        elif isinstance(node, list):
            stack.extend(((*path, i), value) for i, value in enumerate(node))
        elif isinstance(node, str) and (code := first_unsafe(node)):
            return path, code
    return None


def _describe(errors: list[dict[str, Any]]) -> GameDocumentError:
    first = errors[0]
    where = _JSON_PLACE.search(first["msg"])
    place = (max(1, int(where.group(1))), max(1, int(where.group(2)))) if where else None  # "" gives column 0
    if first["type"] == "string_unicode" or "surrogate" in first["msg"] or "end of hex escape" in first["msg"]:
        return GameDocumentError("not valid Unicode text: a lone surrogate (\\ud800 to \\udfff)", (), place)
    if first["type"] == "json_invalid":
        message = _JSON_PLACE.sub("", first["msg"].removeprefix("Invalid JSON: "))
        return GameDocumentError(f"not a JSON game file ({message})", (), place)
    if first["type"] in ("model_type", "dict_type") and not first["loc"]:
        return GameDocumentError(f'not a Flashpoint game file (expected a JSON object with "format": "{FORMAT}")')
    for error in errors:
        if error["loc"] == ("format",):
            return GameDocumentError(f'not a Flashpoint game file (expected "format": "{FORMAT}")', ("format",))
        if error["loc"] == ("version",):
            shown = printable(repr(error.get("input")))[:40]
            return GameDocumentError(f"game file version {shown} is not supported (expected {VERSION})", ("version",))
    issue = issue_from_pydantic(GameDocument, first)
    more = f" (and {len(errors) - 1:,} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return GameDocumentError(printable(f"{issue.message}{more}"), issue.path)
