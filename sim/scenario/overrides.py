"""Path overrides: ``--set PATH=VALUE`` applied to a scenario document before validation.

A path goes through mappings with dots and through lists with an index, written either way:
``actors.PRC.ai.capability``, ``injects[0].at_hours``, ``injects.0.at_hours``. The value is read as a
YAML scalar or flow value, so ``0.7``, ``false``, ``[a, b]`` and ``{x: 1}`` all work.

The same functions serve the CLI, parameter sweeps and the app: :func:`apply_overrides` takes a
document (a mapping as loaded from YAML, or ``Scenario.model_dump(mode="json")``) and a list of
``PATH=VALUE`` strings or ``(path, value)`` pairs, edits the document in place and reports problems as
:class:`~sim.scenario.errors.LocatedError` located at ``--set:N:COL`` (N counts the options from 1).
"""

from __future__ import annotations

import math
import numbers
import re
import warnings
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import TypeAdapter
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

from sim.scenario import limits
from sim.scenario.errors import (
    LocatedError,
    Path,
    format_path,
    is_model,
    show,
    union_members,
    unknown_key_message,
    unwrap,
)
from sim.scenario.errors import child_type as _child_type
from sim.scenario.schema import Scenario

SOURCE = "--set"
"""File name used for errors located in an override."""

_NAME = r"[^.\[\]=\s]+"
_INDEX = r"\[[0-9]{1,9}\]"
_PATH = re.compile(rf"^{_NAME}(?:{_INDEX})*(?:\.{_NAME}(?:{_INDEX})*)*$")
_SEGMENT = re.compile(rf"({_NAME})|\[([0-9]+)\]")
_DIGITS = re.compile(r"[0-9]{1,9}")

Override = str | tuple[Path | str, Any]
"""A ``PATH=VALUE`` string, or a ``(path, value)`` pair whose path is a tuple of segments or a dotted text."""


class OverrideError(ValueError):
    """A malformed override.

    Attributes:
        message: What is wrong.
        col: 1-based column in ``PATH=VALUE`` where the problem is.
    """

    def __init__(self, message: str, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.col = col


@dataclass(frozen=True)
class AppliedOverride:
    """An override that was applied.

    Attributes:
        index: 1-based position among the overrides (the ``N`` of ``--set:N``).
        path: Path of the node set, with list indices as ``int``.
        value_col: 1-based column where the value starts in ``PATH=VALUE``.
    """

    index: int
    path: Path
    value_col: int


@dataclass
class OverrideResult:
    """What :func:`apply_overrides` did.

    Attributes:
        applied: The overrides applied, in order.
        errors: The overrides that could not be applied.
    """

    applied: list[AppliedOverride] = field(default_factory=list)
    errors: list[LocatedError] = field(default_factory=list)

    def origin(self, path: Path) -> AppliedOverride | None:
        """The override an error at ``path`` is blamed on, if any.

        That is the last override that set ``path`` or one of its ancestors, else the last one that set
        something inside ``path`` (an error about a whole section, such as a model-level check).
        """
        path = tuple(path)
        for override in reversed(self.applied):
            if path[: len(override.path)] == override.path:
                return override
        for override in reversed(self.applied):
            if override.path[: len(path)] == path:
                return override
        return None


def parse_path(text: str) -> Path:
    """Parse an override path.

    Args:
        text: ``a.b[0].c`` or ``a.b.0.c``.

    Returns:
        The segments; bracketed and all-digit segments become ``int``.

    Raises:
        OverrideError: The path is malformed.
    """
    if not _PATH.match(text):
        raise OverrideError(f"malformed path {text!r}: use names separated by dots, and [N] or .N for list items")
    segments: list[str | int] = []
    for name, index in _SEGMENT.findall(text):
        segments.append(int(index) if index else int(name) if _DIGITS.fullmatch(name) else name)
    return tuple(segments)


def parse_value(text: str, col: int = 1) -> Any:
    """Parse an override value as a YAML scalar or flow value (no anchors, aliases or tags).

    Args:
        text: The value, e.g. ``0.7``, ``false``, ``[a, b]``, ``{x: 1}``; empty means ``null``.
        col: Column of the value in its option, for error positions.

    Returns:
        The value as plain Python data.

    Raises:
        OverrideError: The value is not valid YAML, or too large or deep.
    """
    if len(text.encode("utf-8", "surrogatepass")) > limits.MAX_FILE_BYTES:
        raise OverrideError(f"value larger than the limit of {limits.MAX_FILE_BYTES} bytes", col)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _check_value_events(text, col)
            return normalize_value(YAML(typ="safe", pure=True).load(text), col)
    except OverrideError:
        raise
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        offset = mark.column if mark is not None and mark.line == 0 else 0
        raise OverrideError(f"YAML syntax error in the value: {exc.problem or exc.context}", col + offset) from None
    except (YAMLError, ValueError, TypeError) as exc:
        raise OverrideError(f"cannot read the value: {exc}", col) from None


def _check_value_events(text: str, col: int) -> None:
    depth = 0
    for event in YAML(typ="safe", pure=True).parse(text):
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            raise OverrideError("anchors and aliases are not allowed in a --set value", col)
        if isinstance(event, NodeEvent) and getattr(event, "tag", None):
            raise OverrideError("YAML tags are not allowed in a --set value", col)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > limits.MAX_YAML_DEPTH:
                raise OverrideError(f"value nested deeper than the limit of {limits.MAX_YAML_DEPTH}", col)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def normalize_value(value: Any, col: int = 1) -> Any:
    """Plain JSON-like data, as the loader reads a file: whole floats become ints, dates ISO text.

    Args:
        value: A value from YAML or from Python (numpy scalars and arrays and enums are accepted).
        col: Column for error positions.

    Returns:
        Dicts with text keys, lists, text, finite numbers, bools and ``None``.

    Raises:
        OverrideError: A non-finite number, or a value of a type a scenario cannot hold.
    """
    value = _plain_numpy(value)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Enum):
        return normalize_value(value.value, col)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise OverrideError(f"must be a finite number (got {number})", col)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {_key_text(key, col): normalize_value(item, col) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalize_value(item, col) for item in value]
    raise OverrideError(f"unsupported value of type {type(value).__name__}", col)


def _plain_numpy(value: Any) -> Any:
    """A numpy scalar (``np.bool_``, ``np.float64``, ``np.str_``, ...) or array as plain Python data.

    Recognised by their module, so this module does not import numpy.
    """
    if type(value).__module__ != "numpy":
        return value
    if hasattr(value, "tolist"):  # arrays and scalars alike: scalars give a Python scalar
        return value.tolist()
    return value


def _key_text(key: Any, col: int) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None or isinstance(key, str | int | float):
        return "null" if key is None else str(key)
    raise OverrideError("a key must be a plain value, not a collection", col)


def parse_override(text: str) -> tuple[Path, Any]:
    """Parse ``PATH=VALUE``.

    Args:
        text: The override, e.g. ``actors.PRC.ai.capability=0.7``.

    Returns:
        The path (see :func:`parse_path`) and the value (see :func:`parse_value`).

    Raises:
        OverrideError: The override is malformed.
    """
    path_text, equals, value_text = text.partition("=")
    if not equals:
        raise OverrideError(f"expected PATH=VALUE, got {text!r}")
    path = parse_path(path_text.strip())
    return path, parse_value(value_text, len(path_text) + 2)


def apply_overrides(document: MutableMapping[Any, Any], overrides: Sequence[Override]) -> OverrideResult:
    """Apply overrides to a scenario document in place.

    Missing intermediate sections that the schema knows (``policy.hotline`` in a file without a
    ``policy`` section) are created from their defaults. A path through a key the document and the
    schema do not have is an error with a "did you mean" hint; setting a new key at the end of a path
    is left to validation, which reports it if the schema has no such field.

    Args:
        document: The scenario document (mappings and lists).
        overrides: ``PATH=VALUE`` strings or ``(path, value)`` pairs, applied in order.

    Returns:
        The overrides applied (to locate later validation errors at ``--set:N``) and the errors.
    """
    result = OverrideResult()
    if len(overrides) > limits.MAX_OVERRIDES:
        message = f"{len(overrides)} --set options exceed the limit of {limits.MAX_OVERRIDES}"
        result.errors.append(LocatedError(SOURCE, limits.MAX_OVERRIDES + 1, 1, "", message))
        return result
    for index, override in enumerate(overrides, start=1):
        try:
            path, value, value_col = _parsed(override)
            applied_path = _set(document, path, value)
        except OverrideError as exc:
            result.errors.append(LocatedError(SOURCE, index, exc.col, _label(override), exc.message))
            continue
        result.applied.append(AppliedOverride(index, applied_path, value_col))
    return result


def _label(override: Override) -> str:
    if isinstance(override, str):
        return override.partition("=")[0].strip() if "=" in override else ""
    path = override[0]
    return path.strip() if isinstance(path, str) else format_path(tuple(path))


def _parsed(override: Override) -> tuple[Path, Any, int]:
    if isinstance(override, str):
        path, value = parse_override(override)
        return path, value, len(override.partition("=")[0]) + 2
    path, value = override
    if isinstance(path, str):
        path = parse_path(path.strip())
    segments = tuple(_plain_numpy(segment) for segment in path)
    if not segments:
        raise OverrideError("empty path")
    if not all(isinstance(s, str | int) and not isinstance(s, bool) for s in segments):
        raise OverrideError(f"a path segment must be a key or a list index, got {segments!r}")
    return segments, normalize_value(value), 1


def schema_type(document: Mapping[str, Any], path: Path) -> Any:
    """The schema's type of the value at ``path`` in a scenario document, without ``| None``.

    Discriminated unions (assets, injects) are resolved by the ``kind`` the document gives the node.

    Args:
        document: A scenario document (plain data).
        path: Keys and list indices, as :func:`parse_path` gives them.

    Returns:
        The type (``float``, ``int``, ``bool``, a model class, ...), or ``None`` if the schema does
        not say (an unknown key, a list index past the end).
    """
    node: Any = document
    tp: Any = Scenario
    for segment in path:
        tp = _resolve(tp, node)
        if tp is None:
            return None
        if isinstance(node, Mapping):
            node = node.get(str(segment))
        elif isinstance(node, Sequence) and not isinstance(node, str) and isinstance(segment, int):
            node = node[segment] if 0 <= segment < len(node) else None
        else:
            node = None
        tp = _child_type(tp, segment)
    return unwrap(_resolve(tp, node)) if tp is not None else None


def _set(document: MutableMapping[Any, Any], path: Path, value: Any) -> Path:
    node: Any = document
    tp: Any = Scenario
    done: list[str | int] = []
    for segment in path[:-1]:
        key, node, tp = _descend(node, tp, segment, tuple(done))
        done.append(key)
    key = _leaf_key(node, path[-1], tuple(done))
    node[key] = value
    return (*done, key)


def _descend(node: Any, tp: Any, segment: str | int, done: Path) -> tuple[str | int, Any, Any]:
    tp = _resolve(tp, node)
    if isinstance(node, MutableSequence) and not isinstance(node, str):
        index = _index(node, segment, done)
        return index, node[index], _child_type(tp, index) if tp is not None else None
    if not isinstance(node, MutableMapping):
        raise OverrideError(f"'{format_path(done)}' is {show(node)}, not a mapping or a list")
    key = _find_key(node, segment)
    child_tp = _child_type(tp, str(segment)) if tp is not None else None
    if key is None:
        if not (is_model(unwrap(tp)) and str(segment) in unwrap(tp).model_fields):
            candidates = [*map(str, node), *(unwrap(tp).model_fields if is_model(unwrap(tp)) else ())]
            where = f" in '{format_path(done)}'" if done else ""
            raise OverrideError(unknown_key_message(str(segment), list(dict.fromkeys(candidates)), where))
        key = str(segment)
        node[key] = _default(unwrap(tp).model_fields[key])
    return key, node[key], child_tp


def _leaf_key(node: Any, segment: str | int, done: Path) -> str | int:
    if isinstance(node, MutableSequence) and not isinstance(node, str):
        return _index(node, segment, done)
    if not isinstance(node, MutableMapping):
        raise OverrideError(f"'{format_path(done)}' is {show(node)}, not a mapping or a list")
    key = _find_key(node, segment)
    return key if key is not None else str(segment)


def _index(node: Sequence[Any], segment: str | int, done: Path) -> int:
    if not isinstance(segment, int):
        raise OverrideError(f"'{format_path(done)}' is a list: use an index such as [0], not '{segment}'")
    if not 0 <= segment < len(node):
        raise OverrideError(f"index {segment} is out of range: '{format_path(done)}' has {len(node)} items")
    return segment


def _find_key(node: MutableMapping[Any, Any], segment: str | int) -> Any:
    if segment in node:
        return segment
    text = str(segment)
    return next((key for key in node if str(key) == text), None)


def _resolve(tp: Any, node: Any) -> Any:
    members = union_members(tp) if tp is not None else {}
    if members:
        return members.get(node.get("kind")) if isinstance(node, MutableMapping) else None
    return tp


def _default(field_info: Any) -> Any:
    if field_info.is_required():
        return {}
    default = field_info.get_default(call_default_factory=True)
    dumped = TypeAdapter(field_info.annotation).dump_python(default, mode="json")
    return dumped if isinstance(dumped, dict | list) else {}
