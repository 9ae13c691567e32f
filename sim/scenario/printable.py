"""Text that is safe to print to a terminal or to show in the app: control characters escaped.

A scenario, a file name or an option can carry characters that a terminal obeys rather than shows:
ESC starts sequences that clear the screen, set the window title or write the clipboard (OSC 52), a
carriage return overwrites a line, and bidirectional overrides reorder what is read. Every such
character is written as a ``\\uXXXX`` escape instead, which also keeps JSON text valid JSON with the
same meaning (the escape is what JSON would have written).
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE", "first_unsafe", "printable"]

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 controls other than tab and newline, DEL, C1 controls, and the bidirectional marks and overrides."""


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str) -> str:
    """``text`` with every unsafe character (see :data:`UNSAFE`) written as a ``\\uXXXX`` escape.

    Args:
        text: Any text.

    Returns:
        The text, unchanged if it holds no unsafe character; tabs and newlines are kept.
    """
    return UNSAFE.sub(_escape, text)


def first_unsafe(text: str) -> str | None:
    """The first unsafe character of ``text`` as ``U+XXXX``, or None if there is none."""
    match = UNSAFE.search(text)
    return f"U+{ord(match.group()):04X}" if match else None
