"""Located scenario errors, and the translation of pydantic errors into messages for scenario authors.

A scenario error is reported as ``FILE:LINE:COL: path.to.field: message``, the format editors and
terminals link to. Pydantic's error ``loc`` tuples are turned into document paths here (dropping the
tag names that discriminated unions insert), and its messages into ones that read well for a
scenario author ("must be <= 1 (got 1.5)", "expected a number, got 'abc'").
"""

from __future__ import annotations

import functools
import math
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from sim.scenario.hints import did_you_mean
from sim.scenario.limits import MAX_ERRORS
from sim.scenario.printable import printable

Path = tuple[str | int, ...]
"""Keys and list indices from the top of a scenario document down to one node."""

Where = Literal["value", "key", "container"]
"""Which part of a node an error points at: its value, its key, or the mapping that should hold it."""

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")
_IDENTIFIER_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]*$"
_QUOTED = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class LocatedError:
    """One problem in a scenario, at a place an editor can jump to.

    Attributes:
        file: File name, ``<string>`` for uploaded text, or ``--set`` for a command-line override.
        line: 1-based line (for ``--set``: the 1-based position of the option).
        col: 1-based column.
        path: Dotted path of the field (``injects[2].at_hours``); empty for the file as a whole.
        message: What is wrong, for a scenario author.
    """

    file: str
    line: int
    col: int
    path: str
    message: str

    def format(self) -> str:
        """The error as one ``FILE:LINE:COL: path: message`` line, safe to print (control characters escaped)."""
        path = " ".join(self.path.split())
        message = " ".join(self.message.split()) or "invalid"
        return printable(f"{self.file}:{self.line}:{self.col}: {path}: {message}")


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; carries the errors found, in document order, at most
    :data:`~sim.scenario.limits.MAX_ERRORS` of them.

    More errors than the limit are not listed: one last line says how many more there are (located at
    the first one not shown), or, when reading stopped early (``stopped_at``), where it stopped.

    Args:
        errors: The errors found, in document order.
        more: Further errors found but not translated into messages (counted in :attr:`total`).
        stopped_at: ``(file, line, col)`` where reading stopped because there were too many errors.

    Attributes:
        errors: The errors shown: at most ``MAX_ERRORS``, then the line about the rest (if any).
        total: How many errors were found; ``None`` when reading stopped before the end.
    """

    def __init__(
        self,
        errors: Sequence[LocatedError],
        *,
        more: int = 0,
        stopped_at: tuple[str, int, int] | None = None,
    ) -> None:
        found = list(errors)
        self.total: int | None = None if stopped_at is not None else len(found) + more
        self.errors = found[:MAX_ERRORS]
        hidden = len(found) - len(self.errors) + more
        if stopped_at is not None:
            message = f"stopped reading here: more than {MAX_ERRORS} errors (fix those above, then check again)"
            self.errors.append(LocatedError(*stopped_at, "", message))
        elif hidden and found:
            at = found[min(MAX_ERRORS, len(found) - 1)]
            message = f"and {hidden:,} more error{'s' if hidden != 1 else ''}, not shown (the first {MAX_ERRORS} are)"
            self.errors.append(LocatedError(at.file, at.line, at.col, "", message))
        super().__init__(self.lines())

    def count(self) -> str:
        """How many errors, for a heading: ``3``, ``40,000``, or ``more than 50`` (reading stopped)."""
        return f"more than {MAX_ERRORS}" if self.total is None else f"{self.total:,}"

    def lines(self) -> str:
        """The errors shown, one formatted line each."""
        return "\n".join(error.format() for error in self.errors)

    def __str__(self) -> str:
        return self.lines()


@dataclass(frozen=True)
class Issue:
    """An error not yet located: a document path, a message, and which part of the node to point at."""

    path: Path
    message: str
    where: Where = "value"


def format_path(path: Path) -> str:
    """Dotted path with list indices in brackets: ``('injects', 2, 'at_hours')`` -> ``injects[2].at_hours``."""
    text = ""
    for segment in path:
        if isinstance(segment, int) and not isinstance(segment, bool):
            text += f"[{segment}]"
        elif _PLAIN_KEY.match(str(segment)):
            text += f".{segment}" if text else str(segment)
        else:
            text += f"[{str(segment)!r}]"
    return text


def show(value: Any) -> str:
    """A value as a scenario author wrote it: ``'abc'``, ``1.5``, ``true``, ``null``, ``a mapping``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def number(value: float) -> str:
    """A number without a spurious ``.0``: ``1.0`` -> ``1``, ``1.5`` -> ``1.5``, ``1e-12`` -> ``1e-12``."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# --------------------------------------------------------------------------- schema navigation


def is_model(tp: Any) -> bool:
    """Whether ``tp`` is a pydantic model class."""
    return isinstance(tp, type) and issubclass(tp, BaseModel)


@functools.lru_cache(maxsize=512)
def unwrap(tp: Any) -> Any:
    """``tp`` without ``Annotated`` metadata and without ``| None``."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(tp) if arg is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


@functools.lru_cache(maxsize=512)
def union_members(tp: Any) -> dict[str, type[BaseModel]]:
    """For a union discriminated on ``kind``: each tag and its model class; ``{}`` for any other type.

    Cached (schema types are few); the dict returned is shared: do not change it.
    """
    tp = unwrap(tp)
    if get_origin(tp) not in (Union, types.UnionType):
        return {}
    members: dict[str, type[BaseModel]] = {}
    for arg in get_args(tp):
        arg = unwrap(arg)
        if is_model(arg) and "kind" in arg.model_fields:
            for tag in get_args(unwrap(arg.model_fields["kind"].annotation)):
                members[str(tag)] = arg
    return members


def child_type(tp: Any, segment: str | int) -> Any:
    """The type of the child ``segment`` of a value of type ``tp``; ``None`` if unknown."""
    tp = unwrap(tp)
    if is_model(tp):
        field = tp.model_fields.get(segment) if isinstance(segment, str) else None
        return field.annotation if field is not None else None
    origin = get_origin(tp)
    if origin is dict:
        return get_args(tp)[1]
    if origin is list:
        return get_args(tp)[0]
    return None


def split_loc(root: type[BaseModel], loc: Sequence[str | int]) -> tuple[Path, Any, bool]:
    """Turn a pydantic error ``loc`` into a document path.

    Args:
        root: The model validated (``Scenario``).
        loc: The error's ``loc``.

    Returns:
        The document path (without the tags discriminated unions insert), the type at its end (``None``
        if unknown), and whether the error is about a mapping key (``loc`` ends in ``'[key]'``).
    """
    tp: Any = root
    path: list[str | int] = []
    about_key = False
    for segment in loc:
        if segment == "[key]":
            about_key = True
            continue
        members = union_members(tp) if tp is not None else {}
        if members and segment in members:
            tp = members[segment]
            continue
        path.append(segment)
        tp = child_type(tp, segment) if tp is not None else None
    return tuple(path), tp, about_key


def field_names(tp: Any) -> list[str]:
    """Field names of the model ``tp``; ``[]`` if it is not a model."""
    tp = unwrap(tp)
    return list(tp.model_fields) if is_model(tp) else []


# --------------------------------------------------------------------------- pydantic errors -> issues


def issue_from_pydantic(root: type[BaseModel], error: dict[str, Any], describe: bool = True) -> Issue:
    """Translate one entry of ``ValidationError.errors()`` into an :class:`Issue`.

    Args:
        root: The model validated (``Scenario``).
        error: The pydantic error dictionary.
        describe: False for an error that is only counted: its path is worked out, not its message.

    Returns:
        The issue, with a document path and a message for a scenario author.
    """
    path, tp, about_key = split_loc(root, error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = error.get("input")
    if not describe:
        return Issue((*path, "kind") if kind.startswith("union_tag") else path, kind)
    if kind == "missing":
        return Issue(path, f"missing required field '{path[-1]}'" if path else "missing", "container")
    if kind == "extra_forbidden":
        _, parent, _ = split_loc(root, error["loc"][:-1])
        return Issue(path, unknown_key_message(str(path[-1]), field_names(parent)), "key")
    if kind == "union_tag_invalid":
        return _bad_tag(path, str(ctx.get("tag", got)), ctx.get("expected_tags", ""))
    if kind == "union_tag_not_found":
        tags = ", ".join(union_members(tp))
        return Issue((*path, "kind"), f"missing 'kind': expected one of {tags}", "container")
    message = _message(kind, ctx, got, error.get("msg", "invalid"))
    return Issue(path, message, "key" if about_key else "value")


def unknown_key_message(name: str, allowed: Sequence[str], where: str = "") -> str:
    """``unknown key 'x'`` with a "did you mean" hint, or the allowed keys when none is close (if few)."""
    hint = did_you_mean(name, allowed)
    if not hint and 0 < len(allowed) <= 20:
        hint = f" (allowed: {', '.join(allowed)})"
    return f"unknown key '{name}'{where}{hint}"


def _bad_tag(path: Path, tag: str, expected: str) -> Issue:
    noun = str(path[0]).removesuffix("s") if path else "item"
    allowed = _QUOTED.findall(expected)
    return Issue(
        (*path, "kind"),
        f"unknown {noun} kind '{tag}'{did_you_mean(tag, allowed)}; expected one of {', '.join(allowed)}",
    )


_TYPE_WORDS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}

_BOUNDS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}


def _message(kind: str, ctx: dict[str, Any], got: Any, fallback: str) -> str:
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {show(got)}"
    if kind in _BOUNDS:
        name, symbol = _BOUNDS[kind]
        return f"must be {symbol} {number(ctx[name])} (got {show(got)})"
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        hint = did_you_mean(got, _QUOTED.findall(expected)) if isinstance(got, str) else ""
        return f"must be one of {expected} (got {show(got)}){hint}"
    if kind == "string_too_short":
        size = ctx.get("min_length", 1)
        return "must not be empty" if size == 1 else f"must have at least {size} characters"
    if kind == "string_too_long":
        return f"must have at most {ctx.get('max_length')} characters (got {len(str(got))})"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == _IDENTIFIER_PATTERN:
            return f"{show(got)} is not a valid id: start with a letter, then use letters, digits, '_' or '-'"
        return f"must match the pattern {ctx.get('pattern')} (got {show(got)})"
    if kind in ("too_short", "too_long"):
        word = "at least" if kind == "too_short" else "at most"
        size = ctx.get("min_length" if kind == "too_short" else "max_length")
        actual = ctx.get("actual_length")
        if actual is None and isinstance(got, (dict, list, tuple, str)):  # pydantic gives no length for a dict
            actual = len(got)
        return f"needs {word} {size} entries (got {actual if actual is not None else 'more'})"
    if kind == "finite_number":
        return f"must be a finite number (got {show(got)})"
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    return fallback
