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


BAD_ESCAPE = 'metadata: {name: "\\U00110000"}\n'
"""A scenario whose one value is an escape past U+10FFFF (issue 24: a traceback from the YAML scanner)."""


def many_unknown_keys(keys: int = 40_000) -> str:
    """A shipped scenario followed by ``keys`` top-level keys the schema does not know (about 0.8 MB for 40,000).

    Issue 24: the CLI took 12 s of CPU and printed 40,000 lines; the app showed 14,808 page elements.
    """
    from scenario_builders import SCENARIOS

    base = (SCENARIOS / "south_china_sea.yaml").read_text(encoding="utf-8")
    return base + "".join(f"unknown_{i:05d}: {i}\n" for i in range(keys))
