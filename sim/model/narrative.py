"""The event log in plain language: "day 3 04:12 — PRC swarm S2 classified ... as hostile ..."."""

from __future__ import annotations

from collections.abc import Iterable

from sim.model.records import LogEntry


def clock(hours: float) -> str:
    """Simulated time as 'day D HH:MM' (day 1 starts at hour 0)."""
    minutes = round(hours * 60.0)
    day, rest = divmod(minutes, 24 * 60)
    return f"day {day + 1} {rest // 60:02d}:{rest % 60:02d}"


def narrate(entries: Iterable[LogEntry], with_causes: bool = False) -> str:
    """The event log as text, one line per entry (optionally with the ids of its causes)."""
    lines = []
    for entry in entries:
        cause = f"  ← #{', #'.join(map(str, entry.cause_chain))}" if with_causes and entry.cause_chain else ""
        lines.append(f"#{entry.id:<4d} {clock(entry.hours)} — {entry.text}{cause}")
    return "\n".join(lines)
