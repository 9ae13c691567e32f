"""Where a value is in a JSON text: the line and column of a document path, for located errors.

The text has already been read as JSON (by the game file's parser, which bounds its nesting), so this
walks only the path: every value beside it is skipped with the standard library's C scanner
(:meth:`json.JSONDecoder.raw_decode`), which keeps a 3 MB file's lookup in milliseconds.
"""

from __future__ import annotations

import json
import re

from sim.scenario.errors import Path

__all__ = ["place_of"]

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def place_of(text: str, path: Path) -> tuple[int, int]:
    """The 1-based line and column of the value at ``path`` in the JSON ``text``.

    A path the text does not have (a missing field, a wrong type) gives its deepest ancestor that it has:
    the object or list the value should be in. A text that is not JSON gives line 1, column 1.

    Args:
        text: A JSON document.
        path: Keys and list indices from the top (``("actions", 0, "hours")``).
    """
    index = _skip_space(text, 0)
    try:
        for segment in path:
            found = _child(text, index, segment)
            if found is None:
                break
            index = found
    except (ValueError, IndexError):
        index = 0
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _skip_space(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    assert match is not None
    return match.end()


def _child(text: str, index: int, segment: str | int) -> int | None:
    """Where the member ``segment`` of the object or list at ``index`` starts; ``None`` if it has none."""
    opening = text[index]
    if opening == "{" and isinstance(segment, str):
        return _member(text, index, segment)
    if opening == "[" and isinstance(segment, int):
        return _item(text, index, segment)
    return None


def _member(text: str, index: int, name: str) -> int | None:
    index = _skip_space(text, index + 1)
    while text[index] != "}":
        key, index = _DECODER.raw_decode(text, index)
        index = _skip_space(text, _skip_space(text, index) + 1)  # past the colon
        if key == name:
            return index
        index = _next(text, index)
    return None


def _item(text: str, index: int, wanted: int) -> int | None:
    index = _skip_space(text, index + 1)
    position = 0
    while text[index] != "]":
        if position == wanted:
            return index
        index = _next(text, index)
        position += 1
    return None


def _next(text: str, index: int) -> int:
    """Past the value at ``index`` and the comma after it, to the next member or the closing bracket."""
    _, index = _DECODER.raw_decode(text, index)
    index = _skip_space(text, index)
    return _skip_space(text, index + 1) if text[index] == "," else index
