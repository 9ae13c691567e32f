"""Hostile scenario documents shared by the test folders (a module of its own, as scenario_builders.py explains)."""

from __future__ import annotations


def alias_bomb(size: int) -> str:
    """A scenario of about ``size`` bytes: one anchored text of half the size, repeated by aliases to the end.

    Each alias counts as one YAML node, so the node limit does not see it; copied out, the document is
    about ``size² / 20`` characters (a 125 kB file expands to 390 MB of text).
    """
    head = 'metadata:\n  name: bomb\n  description: &a "' + "x" * (size // 2) + '"\n  sources:\n'
    line = "    - *a\n"
    return head + line * ((size - len(head)) // len(line))
