"""Load a scenario from YAML, reporting every problem as ``FILE:LINE:COL: path: message``.

Loading goes in stages; each reports all it finds, and the next runs when it can:

1. read the bytes (size limit, checked before parsing) and decode them as UTF-8;
2. build the document in one pass over the events of ruamel.yaml's round-trip parser, recording the
   line and column of every key and value. The same pass enforces the limits on what the document
   *expands to* with aliases expanded — nesting depth, number of nodes (the "billion laughs" guard)
   and characters of text (the scalar alias bomb: one long anchored text referred to many times) —
   before anything is copied out, so memory stays bounded whatever the file. It rejects recursive
   aliases, text that is not valid Unicode (a lone surrogate), and reports every duplicate key.
   Aliases are expanded as copies, so an override of one copy does not change the others;
3. apply ``--set`` overrides (:mod:`sim.scenario.overrides`);
4. validate against the pydantic schema in strict mode, which agrees with the JSON Schema: a bool
   is ``true``/``false`` only, and a number is never a quoted string;
5. if the schema is satisfied, check cross-references and limits (:func:`scenario_problems`).
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import os
import re
import stat
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import Reader, ReaderError

from sim.scenario import limits
from sim.scenario.checks import scenario_problems
from sim.scenario.errors import (
    Issue,
    LocatedError,
    Path,
    ScenarioError,
    child_type,
    format_path,
    is_model,
    issue_from_pydantic,
    show,
    union_members,
    unknown_key_message,
    unwrap,
)
from sim.scenario.overrides import SOURCE, Override, OverrideResult, apply_overrides
from sim.scenario.schema import Scenario

SCHEMA_ID = "urn:flashpoint:scenario-schema:1"
"""``$id`` of the scenario JSON Schema."""

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Position = tuple[int, int]
"""0-based (line, column), as ruamel.yaml marks count them."""

_YAML_TAG = "tag:yaml.org,2002:"
_COLLECTION_TAGS = {f"{_YAML_TAG}map", f"{_YAML_TAG}seq"}


# --------------------------------------------------------------------------- public API


def load_scenario(path: str | os.PathLike[str], overrides: Sequence[Override] = ()) -> Scenario:
    """Load and validate a scenario file.

    Args:
        path: The YAML file.
        overrides: ``PATH=VALUE`` strings (``--set`` options) applied before validation.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: With every problem found, each located at ``FILE:LINE:COL`` or ``--set:N:COL``;
            a file that cannot be read is reported the same way.
    """
    filename = os.fspath(path)
    return load_scenario_text(_read(filename), filename, overrides)


def load_scenario_text(text: str | bytes, filename: str = "<string>", overrides: Sequence[Override] = ()) -> Scenario:
    """Load and validate a scenario from YAML text (for example an upload in the app).

    Args:
        text: The YAML, as text or as UTF-8 bytes.
        filename: Name used in error locations.
        overrides: ``PATH=VALUE`` strings applied before validation.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: With every problem found.
    """
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > limits.MAX_FILE_BYTES:
        _fail(filename, f"file is {size} bytes, larger than the limit of {limits.MAX_FILE_BYTES}")
    if isinstance(text, bytes):
        text = _decode(text, filename)
    parsed = _parse(text.removeprefix("\ufeff"), filename, Scenario)
    return _validate(parsed, overrides)


def load_scenario_data(
    data: Mapping[str, Any], overrides: Sequence[Override] = (), filename: str = "<data>"
) -> Scenario:
    """Validate a scenario given as plain data, e.g. ``scenario.model_dump(mode="json")`` in a sweep.

    Args:
        data: The scenario document; it is copied, not changed.
        overrides: ``PATH=VALUE`` strings or ``(path, value)`` pairs applied before validation.
        filename: Name used in error locations (plain data has no lines: errors point at 1:1).

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: With every problem found.
    """
    document = json.loads(json.dumps(data, default=str))
    return _validate(_Parsed(filename, document), overrides)


def load_yaml_model[ModelT: BaseModel](
    path: str | os.PathLike[str],
    model: type[ModelT],
    checks: Callable[[ModelT], Iterable[tuple[Path, str]]] | None = None,
) -> ModelT:
    """Load a YAML file other than a scenario (e.g. calibration targets) into a pydantic model, with the same
    reading, limits and located errors as a scenario.

    Args:
        path: The YAML file.
        model: The pydantic model class of the whole document (strict validation).
        checks: Further checks on the validated model: ``(document path, message)`` pairs, located like
            schema errors.

    Returns:
        The validated model.

    Raises:
        ScenarioError: With every problem found, each at ``FILE:LINE:COL``.
    """
    filename = os.fspath(path)
    text = _decode(_read(filename), filename)
    parsed = _parse(text.removeprefix("\ufeff"), filename, model)
    document = parsed.document
    if not isinstance(document, dict):
        line, col = parsed.root[0] + 1, parsed.root[1] + 1
        raise ScenarioError([*parsed.errors, LocatedError(filename, line, col, "", "expected a mapping of sections")])
    locator = _Locator(parsed, apply_overrides(document, ()))
    errors = list(parsed.errors)
    value, more = _check_schema(model, document, parsed, locator, errors)
    if value is not None and checks is not None:
        problems = itertools.islice(checks(value), limits.MAX_ERRORS + 1)
        errors += [locator.locate(Issue(where, message)) for where, message in problems]
    if errors:
        raise ScenarioError(_ordered(errors), more=more)
    assert value is not None
    return value


def parse_yaml(text: str, filename: str = "<string>") -> Any:
    """A YAML document as plain data (dicts, lists, str, int, float, bool, None), read as the loader reads it.

    Raises:
        ScenarioError: With every problem found while reading (syntax, duplicate keys, limits).
    """
    parsed = _parse(text.removeprefix("\ufeff"), filename)
    if parsed.errors:
        raise ScenarioError(parsed.errors)
    return parsed.document


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario document, for editors and other tools."""
    schema = Scenario.model_json_schema()
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        **schema,
        "title": "Flashpoint scenario",
        "description": "A crisis scenario for the Flashpoint simulator (YAML). See docs/scenarios.md.",
    }


# --------------------------------------------------------------------------- reading bytes


def _fail(filename: str, message: str, line: int = 1, col: int = 1, path: str = "") -> NoReturn:
    raise ScenarioError([LocatedError(filename, line, col, path, message)])


def _read(filename: str) -> bytes:
    """The file's bytes; a FIFO, a device or a directory is refused without blocking on it."""
    try:
        fd = os.open(filename, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        _fail(filename, f"cannot read: {exc.strerror or exc}")
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        _fail(filename, f"cannot read: not a regular file (a {_file_kind(mode)})")
    with open(fd, "rb", closefd=True) as handle:
        try:
            data = handle.read(limits.MAX_FILE_BYTES + 1)
        except OSError as exc:
            _fail(filename, f"cannot read: {exc.strerror or exc}")
    if len(data) > limits.MAX_FILE_BYTES:
        _fail(filename, f"file is larger than the limit of {limits.MAX_FILE_BYTES} bytes")
    return data


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"))
    kinds += ((stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"))
    return next((name for test, name in kinds if test(mode)), "special file")


def decode_scenario_bytes(data: bytes, filename: str = "<string>") -> str:
    """Scenario bytes as text, for callers that keep the text (the app's editor).

    Raises:
        ScenarioError: If the bytes are larger than the file limit, or not UTF-8 (located at the
            line and column of the first bad byte, as :func:`load_scenario` reports it).
    """
    if len(data) > limits.MAX_FILE_BYTES:
        _fail(filename, f"file is {len(data)} bytes, larger than the limit of {limits.MAX_FILE_BYTES}")
    return _decode(data, filename)


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        _fail(filename, f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot start a character", line, col)


# --------------------------------------------------------------------------- building the document


@dataclass
class _Parsed:
    """A document as plain data, with the position of every key and value read from the file.

    Attributes:
        filename: Name used in error locations.
        document: Plain data (dicts with ``str`` keys, lists, scalars); ``None`` for an empty file.
        positions: Per path: position of the key (of the item, in a list), position of the value,
            and whether the value is a scalar.
        root: Position of the top-level node.
        errors: Problems found while reading (duplicate keys, unsupported values).
        blocked: Paths whose value was dropped; schema errors about them would only repeat ``errors``.
    """

    filename: str
    document: Any
    positions: dict[Path, tuple[Position, Position, bool]] = field(default_factory=dict)
    root: Position = (0, 0)
    errors: list[LocatedError] = field(default_factory=list)
    blocked: list[Path] = field(default_factory=list)
    unknown: set[Path] = field(default_factory=set)


class _StopError(Exception):
    """A problem after which the document cannot be read on."""

    def __init__(self, error: LocatedError) -> None:
        super().__init__(error.message)
        self.error = error


class _TooManyError(Exception):
    """More errors than :data:`~sim.scenario.limits.MAX_ERRORS`: reading stops where it is."""

    def __init__(self, at: Position) -> None:
        super().__init__("too many errors")
        self.at = at


_NO_KEY = object()
_MERGE = object()
_COMPLEX = object()
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class _Anchor:
    """What an anchored node expands to wherever an alias repeats it."""

    value: Any
    nodes: int
    height: int
    chars: int


@dataclass(frozen=True)
class _Duplicate:
    """The key of a repeated entry: its value is read (for limits and syntax) but not kept."""

    text: str


@dataclass
class _Frame:
    """A mapping or list being built."""

    container: dict[str, Any] | list[Any]
    path: Path
    start: Position
    anchor: str | None
    start_total: int
    start_chars: int
    record: bool = True
    schema: Any = None
    unchecked: list[tuple[str, Position]] = field(default_factory=list)
    height: int = 1
    key: Any = _NO_KEY
    key_start: Position = (0, 0)
    merges: list[tuple[Any, Position]] = field(default_factory=list)


class _Reader(Reader):
    """ruamel.yaml's reader, remembering where it was when the parser reset it (after an error)."""

    last_position: Position = (0, 0)

    def reset_reader(self) -> None:
        self.last_position = (getattr(self, "line", 0), getattr(self, "column", 0))
        super().reset_reader()


class _Builder:
    """Builds plain data from YAML events, with positions, limits and duplicate-key checks."""

    def __init__(self, filename: str, schema: type[BaseModel] | None = None) -> None:
        self.yaml = YAML(typ="rt")
        self.yaml.Reader = _Reader
        self.constructor = YAML(typ="safe", pure=True).constructor
        self.parsed = _Parsed(filename, None)
        self.schema = schema
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor] = {}
        self.total = 0
        self.chars = 0
        self.documents = 0
        self.position: Position = (0, 0)

    def run(self, text: str) -> _Parsed:
        try:
            for event in self.yaml.parse(text):
                self._dispatch(event)
        except (ValueError, OverflowError) as exc:  # the scanner's own slips: chr() of "\U00110000"
            raise _StopError(self._scanner_slip(text, exc)) from None
        return self.parsed

    def _scanner_slip(self, text: str, exc: Exception) -> LocatedError:
        """The error the scanner raised as a plain Python exception, located where it stopped reading."""
        line, col = self.yaml.reader.last_position
        source = text.splitlines()[line] if line < len(text.splitlines()) else ""
        if col >= 2 and source[col - 2 : col] == "\\U":  # the reader stopped after the "\U" of the escape
            escape = source[col - 2 : col + 8]
            message = f"YAML syntax error: the escape {escape} is past U+10FFFF, the last Unicode character"
            return LocatedError(self.parsed.filename, line + 1, col - 1, self.open_path(), message)
        return LocatedError(self.parsed.filename, line + 1, col + 1, self.open_path(), f"YAML syntax error: {exc}")

    def open_path(self) -> str:
        """The path of the mapping or list being read (empty at the top level): where a syntax error is."""
        return format_path(self.stack[-1].path) if self.stack else ""

    def _dispatch(self, event: Any) -> None:
        if isinstance(event, NodeEvent | CollectionEndEvent | DocumentStartEvent):
            self.position = _start(event)
        if isinstance(event, ScalarEvent):
            self._scalar(event)
        elif isinstance(event, CollectionStartEvent):
            self._open(event)
        elif isinstance(event, CollectionEndEvent):
            self._close()
        elif isinstance(event, AliasEvent):
            self._alias(event)
        elif isinstance(event, DocumentStartEvent):
            self._document(event)

    # ---- errors and bookkeeping

    def _located(self, start: Position, path: Path, message: str) -> LocatedError:
        return LocatedError(self.parsed.filename, start[0] + 1, start[1] + 1, format_path(path), message)

    def _stop(self, start: Position, path: Path, message: str) -> _StopError:
        return _StopError(self._located(start, path, message))

    def _error(self, error: LocatedError) -> None:
        """Record a problem and read on, unless there are more than the errors reported from one file."""
        self.parsed.errors.append(error)
        if len(self.parsed.errors) > limits.MAX_ERRORS:
            raise _TooManyError(self.position)

    def _drop(self, start: Position, path: Path, message: str) -> None:
        self.parsed.blocked.append(path)
        self._error(self._located(start, path, message))

    def _count(self, start: Position, path: Path, nodes: int, chars: int) -> None:
        """Add what a node expands to; stop at once when the document grows past a limit."""
        self.total += nodes
        self.chars += chars
        if self.total > limits.MAX_YAML_NODES:
            message = f"more YAML nodes than the limit of {limits.MAX_YAML_NODES} (aliases expanded)"
            raise self._stop(start, path, message)
        if self.chars > limits.MAX_YAML_CHARS:
            message = f"more text than the limit of {limits.MAX_YAML_CHARS} characters (aliases expanded)"
            raise self._stop(start, path, message)

    def _path(self) -> Path:
        """Path of the node that starts now."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.key is _NO_KEY:
            return (*top.path, "?")
        if isinstance(top.key, _Duplicate):
            return (*top.path, top.key.text)
        return (*top.path, "<<" if top.key is _MERGE else _key_text(top.key) or "?")

    # ---- events

    def _document(self, event: DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            message = "a second YAML document ('---'): a scenario file holds one document"
            raise self._stop(_start(event), (), message)

    def _scalar(self, event: ScalarEvent) -> None:
        start, path = _start(event), self._path()
        self._count(start, path, 1, len(event.value))
        if self.stack and self.stack[-1].key is _NO_KEY and event.value == "<<" and not event.style:
            value: Any = _MERGE
        else:
            value = self._construct(event, start, path)
        if event.anchor:
            self.anchors[event.anchor] = _Anchor(value, 1, 0, len(event.value))
        self._attach(value, start, 0, scalar=True)

    def _construct(self, event: ScalarEvent, start: Position, path: Path) -> Any:
        text = _scalar_text(event)
        tag = str(event.tag or self.yaml.resolver.resolve(ScalarNode, text, event.implicit))
        build = self.constructor.yaml_constructors.get(tag) if tag.startswith(_YAML_TAG) else None
        if build is None:
            self._drop(start, path, f"YAML tag '{tag}' is not supported")
            return None
        try:
            value = build(self.constructor, ScalarNode(tag, text, event.start_mark, event.end_mark))
        except (YAMLError, ValueError, TypeError, ArithmeticError) as exc:
            self._drop(start, path, f"cannot read {show(text)} as !!{tag.removeprefix(_YAML_TAG)}: {exc}")
            return None
        return self._plain_scalar(value, start, path)

    def _plain_scalar(self, value: Any, start: Position, path: Path) -> Any:
        if isinstance(value, float):
            if not math.isfinite(value):
                written = ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
                self._drop(start, path, f"must be a finite number (got {written})")
                return None
            return int(value) if value.is_integer() and abs(value) < 2**53 else value
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, str) and _SURROGATE.search(value):
            code = ord(_SURROGATE.search(value).group())  # type: ignore[union-attr]
            self._drop(start, path, f"not valid Unicode text: a lone surrogate U+{code:04X}")
            return None
        if value is None or isinstance(value, bool | int | str):
            return value
        self._drop(start, path, f"unsupported YAML value ({type(value).__name__})")
        return None

    def _open(self, event: CollectionStartEvent) -> None:
        start, path = _start(event), self._path()
        if len(self.stack) + 1 > limits.MAX_YAML_DEPTH:
            raise self._stop(start, path, f"nested deeper than the limit of {limits.MAX_YAML_DEPTH} levels")
        self._count(start, path, 1, 0)
        if event.tag and str(event.tag) not in _COLLECTION_TAGS:
            self._drop(start, path, f"YAML tag '{event.tag}' is not supported")
        container: dict[str, Any] | list[Any] = {} if isinstance(event, MappingStartEvent) else []
        frame = _Frame(container, path, start, event.anchor, self.total - 1, self.chars, self._recording())
        frame.schema = self._child_schema(path[-1] if path else None)
        self.stack.append(frame)

    def _recording(self) -> bool:
        """Whether positions of the node that starts now are kept (not inside a duplicate entry)."""
        if not self.stack:
            return True
        top = self.stack[-1]
        return top.record and not isinstance(top.key, _Duplicate)

    def _close(self) -> None:
        frame = self.stack.pop()
        model = self._model(frame) if frame.unchecked else None
        for text, start in frame.unchecked if model is not None else ():  # keys read before the 'kind'
            self._check_key(frame, list(model.model_fields), text, start)
        if frame.merges:
            self._merge(frame)
        if frame.anchor:
            nodes, chars = self.total - frame.start_total, self.chars - frame.start_chars
            self.anchors[frame.anchor] = _Anchor(frame.container, nodes, frame.height, chars)
        self._attach(frame.container, frame.start, frame.height, scalar=False)

    def _alias(self, event: AliasEvent) -> None:
        start, path = _start(event), self._path()
        name = event.anchor or ""
        if any(frame.anchor == name for frame in self.stack):
            raise self._stop(start, path, f"alias '*{name}' refers to a node that contains it")
        if name not in self.anchors:
            raise self._stop(start, path, f"alias '*{name}' has no anchor '&{name}' before it")
        anchor = self.anchors[name]
        if len(self.stack) + anchor.height > limits.MAX_YAML_DEPTH:
            raise self._stop(start, path, f"alias '*{name}' nests deeper than the limit of {limits.MAX_YAML_DEPTH}")
        self._count(start, path, anchor.nodes, anchor.chars)
        value = anchor.value
        self._attach(copy.deepcopy(value), start, anchor.height, scalar=not isinstance(value, dict | list))

    # ---- putting nodes together

    def _attach(self, value: Any, start: Position, height: int, *, scalar: bool) -> None:
        if not self.stack:
            self.parsed.document, self.parsed.root = value, start
            return
        top = self.stack[-1]
        top.height = max(top.height, height + 1)
        if isinstance(top.container, list):
            if top.record:
                self.parsed.positions[(*top.path, len(top.container))] = (start, start, scalar)
            top.container.append(value)
        elif top.key is _NO_KEY:
            top.key, top.key_start = self._key(top, value if scalar else _COMPLEX, start), start
            if scalar and top.schema is not None and top.record and not isinstance(top.key, _Duplicate):
                self._known_key(top, _key_text(value), start)
        else:
            key, top.key = top.key, _NO_KEY
            self._entry(top, key, value, start, scalar)

    def _key(self, top: _Frame, key: Any, start: Position) -> Any:
        """The key as kept in the frame; a repeated key is reported here, where it appears."""
        text = _key_text(key)
        if text is None or text not in top.container:
            return key
        path = (*top.path, text)
        first = self.parsed.positions.get(path, (start,))[0][0] + 1
        self._error(self._located(start, path, f"duplicate key '{text}' (first on line {first})"))
        return _Duplicate(text)

    def _entry(self, top: _Frame, key: Any, value: Any, start: Position, scalar: bool) -> None:
        assert isinstance(top.container, dict)
        if key is _MERGE:
            top.merges.append((value, top.key_start))
            return
        if isinstance(key, _Duplicate):
            return
        text = _key_text(key)
        if text is None:
            message = "a key must be a plain value, not a collection"
            self._error(self._located(top.key_start, top.path, message))
            return
        top.container[text] = value
        if top.record:
            self.parsed.positions[(*top.path, text)] = (top.key_start, start, scalar)

    # ---- keys the schema does not know, reported as they are read

    def _child_schema(self, segment: str | int | None) -> Any:
        """The schema type of the node that starts now (``None`` when unknown: no keys are checked in it)."""
        if not self.stack:
            return self.schema
        top = self.stack[-1]
        if top.schema is None or segment is None:
            return None
        parent = self._model(top) if union_members(top.schema) else top.schema
        return child_type(parent, segment) if parent is not None else None

    def _model(self, frame: _Frame) -> type[BaseModel] | None:
        """The model a mapping is read as; for a union on ``kind``, the member its ``kind`` names (if read yet)."""
        members = union_members(frame.schema)
        if members:
            kind = frame.container.get("kind") if isinstance(frame.container, dict) else None
            return members.get(kind) if isinstance(kind, str) else None
        model = unwrap(frame.schema)
        return model if is_model(model) and model.model_config.get("extra") == "forbid" else None

    def _known_key(self, frame: _Frame, text: str | None, start: Position) -> None:
        """Report a key its mapping's model does not have; keys of a mapping whose ``kind`` is not read yet wait."""
        if text is None or text == "<<":
            return
        model = self._model(frame)
        if model is not None:
            self._check_key(frame, list(model.model_fields), text, start)
            return
        members = union_members(frame.schema)
        known = list(dict.fromkeys(name for member in members.values() for name in member.model_fields))
        if text in known:
            frame.unchecked.append((text, start))  # known to some kinds: checked once the 'kind' is read
        elif members:
            self._check_key(frame, known, text, start)  # known to none

    def _check_key(self, frame: _Frame, allowed: list[str], text: str, start: Position) -> None:
        if text in allowed:
            return
        path = (*frame.path, text)
        self.parsed.unknown.add(path)
        self._error(self._located(start, path, unknown_key_message(text, allowed)))

    def _merge(self, frame: _Frame) -> None:
        """YAML merge keys (``<<: *base``): keys given in the mapping win, then earlier sources."""
        assert isinstance(frame.container, dict)
        for value, key_start in frame.merges:
            sources = value if isinstance(value, list) else [value]
            if not all(isinstance(source, dict) for source in sources):
                message = "a merge key '<<' needs a mapping or a list of mappings"
                self._error(self._located(key_start, (*frame.path, "<<"), message))
                continue
            for source in sources:
                for key, item in source.items():
                    if key not in frame.container:
                        frame.container[key] = item
                        if frame.record:
                            self.parsed.positions[(*frame.path, key)] = (key_start, key_start, False)


def _scalar_text(event: ScalarEvent) -> str:
    """The scalar's text as YAML defines it.

    ruamel's round-trip scanner marks each line fold of a folded (``>``) scalar with U+0007 (BEL) so
    that it can write the folds back; its own round-trip constructor removes them, and so must we.
    """
    if event.style == ">":
        return event.value.replace("\a", "")
    return event.value


def _start(event: NodeEvent | DocumentStartEvent) -> Position:
    return event.start_mark.line, event.start_mark.column


def _key_text(key: Any) -> str | None:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, str | int | float):
        return str(key)
    return None


def _parse(text: str, filename: str, schema: type[BaseModel] | None = None) -> _Parsed:
    """Build the document; with ``schema``, unknown keys are reported as they are read (see :class:`_Builder`)."""
    builder = _Builder(filename, schema)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return builder.run(text)
        except _StopError as stop:
            raise ScenarioError([*builder.parsed.errors, stop.error]) from None
        except YAMLError as exc:
            error = _yaml_error(exc, text, filename)
            error = LocatedError(error.file, error.line, error.col, builder.open_path(), error.message)
            raise ScenarioError([*builder.parsed.errors, error]) from None
        except _TooManyError as stop:
            line, col = stop.at
            errors = sorted(builder.parsed.errors, key=lambda e: (e.line, e.col))
            raise ScenarioError(errors, stopped_at=(filename, line + 1, col + 1)) from None


def _yaml_error(exc: YAMLError, text: str, filename: str) -> LocatedError:
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{problem} ({exc.context})"
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return LocatedError(filename, line, col, "", f"YAML syntax error: {problem}")
    if isinstance(exc, ReaderError):
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        return LocatedError(filename, line, col, "", f"character #x{exc.character:04x} is not allowed in YAML")
    return LocatedError(filename, 1, 1, "", f"invalid YAML: {exc}")


# --------------------------------------------------------------------------- validation


def _validate(parsed: _Parsed, overrides: Sequence[Override]) -> Scenario:
    document, filename = parsed.document, parsed.filename
    if document is None:
        message = "the file is empty: expected a mapping of sections (metadata, time, zones, ...)"
        raise ScenarioError([*parsed.errors, LocatedError(filename, 1, 1, "", message)])
    if not isinstance(document, dict):
        line, col = parsed.root[0] + 1, parsed.root[1] + 1
        message = f"the top level must be a mapping of sections (metadata, time, zones, ...), got {show(document)}"
        raise ScenarioError([*parsed.errors, LocatedError(filename, line, col, "", message)])
    applied = apply_overrides(document, overrides)
    locator = _Locator(parsed, applied)
    errors = [*parsed.errors, *applied.errors]
    scenario, more = _check_schema(Scenario, document, parsed, locator, errors)
    if scenario is not None:
        problems = itertools.islice(scenario_problems(scenario), limits.MAX_ERRORS + 1)
        errors += [locator.locate(Issue(path, message)) for path, message in problems]
    if errors:
        raise ScenarioError(_ordered(errors), more=more)
    assert scenario is not None
    return scenario


def _check_schema[ModelT: BaseModel](
    model: type[ModelT], document: dict[str, Any], parsed: _Parsed, locator: _Locator, errors: list[LocatedError]
) -> tuple[ModelT | None, int]:
    """Validate ``document``; add located errors to ``errors`` up to one past the number reported.

    Pydantic's errors are translated (messages, hints, positions) only while there is room in the
    report: the rest are counted. Errors about a value already reported (a dropped value, a key the
    reading found unknown) are skipped.

    Returns:
        The validated model (``None`` if invalid) and the number of errors counted but not translated.
    """
    try:
        return model.model_validate_json(json.dumps(document, default=str), strict=True), 0
    except ValidationError as exc:
        raw = exc.errors(include_url=False)
    more = 0
    for error in raw:
        issue = issue_from_pydantic(model, error, describe=len(errors) <= limits.MAX_ERRORS)
        reported = error["type"] == "extra_forbidden" and issue.path in parsed.unknown
        if reported or _related(issue.path, parsed.blocked):
            continue
        if len(errors) > limits.MAX_ERRORS:
            more += 1
        else:
            errors.append(locator.locate(issue))
    return None, more


def _related(path: Path, others: list[Path]) -> bool:
    """Whether ``path`` is one of ``others``, inside one of them, or holds one of them."""
    return any(path[: len(other)] == other or other[: len(path)] == path for other in others)


def _ordered(errors: list[LocatedError]) -> list[LocatedError]:
    unique = list(dict.fromkeys(errors))
    return sorted(unique, key=lambda e: (e.file == SOURCE, e.file, e.line, e.col))


class _Locator:
    """Turns issues (document paths) into located errors: at the node, or at the ``--set`` that set it."""

    def __init__(self, parsed: _Parsed, overrides: OverrideResult) -> None:
        self.parsed = parsed
        self.overrides = overrides

    def locate(self, issue: Issue) -> LocatedError:
        """The located error for ``issue``."""
        path = format_path(issue.path)
        origin = self.overrides.origin(issue.path)
        if origin is not None:
            return LocatedError(SOURCE, origin.index, origin.value_col, path, issue.message)
        line, col = self._position(issue)
        return LocatedError(self.parsed.filename, line + 1, col + 1, path, issue.message)

    def _position(self, issue: Issue) -> Position:
        """The value of a scalar; the key of a collection, or of the deepest ancestor the file has."""
        target = issue.path[:-1] if issue.where == "container" and issue.path else issue.path
        for size in range(len(target), 0, -1):
            entry = self.parsed.positions.get(target[:size])
            if entry is not None:
                key_start, value_start, scalar = entry
                exact = size == len(target) and issue.where == "value" and scalar
                return value_start if exact else key_start
        return self.parsed.root
