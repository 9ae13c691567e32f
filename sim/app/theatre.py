"""The theatre at a glance, as data: where each zone sits, each asset's state, incidents and the rungs over time.

Zone positions come from the scenario (``zones.<id>.position``) or, for zones without one, from the
adjacency graph (:func:`zone_layout`, deterministic). Everything else is read from a live
:class:`~sim.engines.Wargame` through its public objects (``model.assets``, ``timeline()``,
``rungs()``), tolerantly: a field the model does not have is left out, not guessed.
:mod:`sim.app.drawing` turns these into pictures.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.scenario.schema import Scenario
from sim.vocabulary import INADVERTENT_CAUSES, LogEntry

__all__ = [
    "INCIDENT_KINDS",
    "PALETTE",
    "AssetView",
    "ChartEvent",
    "Incident",
    "actor_colors",
    "asset_views",
    "chart_events",
    "incidents",
    "zone_layout",
]

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e")
"""Actor colours, in scenario order (shared by the map, the orbits and the rung chart)."""

INCIDENT_KINDS = frozenset(
    {
        "contact",
        "classification",
        "engagement",
        "intercept",
        "strike",
        "c2",
        "false_alarm",
        "collision",
        "inject",
        "attack",
        "asat",
    }
)
"""Log kinds shown as incidents on the map (anything that happens to forces rather than to leaders)."""


def actor_colors(actors: Iterable[str]) -> dict[str, str]:
    """A colour per actor, in order."""
    return {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(actors)}


# --------------------------------------------------------------------------- layout


def _adjacency(scenario: Scenario, keys: Sequence[str]) -> list[tuple[str, str]]:
    edges = set()
    for key in keys:
        for other in scenario.zones[key].adjacent:
            if other in keys and other != key:
                edges.add(tuple(sorted((key, other))))
    return sorted(edges)


def zone_layout(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Map position of every theater zone: its own ``position``, else placed from the adjacency graph.

    With no position anywhere the graph gets a Kamada-Kawai layout (deterministic). Zones without a
    position next to zones with one are placed around their placed neighbours; any left over go in a row
    below the rest.
    """
    keys = tuple(k for k, z in scenario.zones.items() if z.kind == "theater")
    given = tuple((k, scenario.zones[k].position) for k in keys if scenario.zones[k].position is not None)
    return dict(_layout(keys, tuple(_adjacency(scenario, keys)), given))


@functools.lru_cache(maxsize=32)
def _layout(
    keys: tuple[str, ...], edges: tuple[tuple[str, str], ...], given: tuple[tuple[str, tuple[float, float]], ...]
) -> tuple[tuple[str, tuple[float, float]], ...]:
    if not keys:
        return ()
    if not given:
        return tuple(_graph_layout(keys, edges).items())
    pos = {k: (float(p[0]), float(p[1])) for k, p in given}
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    step = max(max(xs) - min(xs), max(ys) - min(ys), 1.0) * 0.18
    neighbours = {k: [b if a == k else a for a, b in edges if k in (a, b)] for k in keys}
    pending = [k for k in keys if k not in pos]
    while pending:
        placed = []
        for i, key in enumerate(pending):
            near = [pos[n] for n in neighbours[key] if n in pos]
            if near:
                angle = -math.pi / 2 + i * 2.4
                cx, cy = sum(p[0] for p in near) / len(near), sum(p[1] for p in near) / len(near)
                pos[key] = (cx + step * math.cos(angle), cy + step * math.sin(angle))
                placed.append(key)
        if not placed:
            break
        pending = [k for k in pending if k not in placed]
    bottom = min(p[1] for p in pos.values()) - step
    left = min(p[0] for p in pos.values())
    for i, key in enumerate(pending):
        pos[key] = (left + i * step, bottom)
    return tuple((k, pos[k]) for k in keys)


def _graph_layout(keys: tuple[str, ...], edges: tuple[tuple[str, str], ...]) -> dict[str, tuple[float, float]]:
    if len(keys) == 1:
        return {keys[0]: (0.0, 0.0)}
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(keys)
    graph.add_edges_from(edges)
    start = nx.circular_layout(graph)
    pos = nx.kamada_kawai_layout(graph, pos=start)
    return {k: (float(pos[k][0]), float(pos[k][1])) for k in keys}


# --------------------------------------------------------------------------- assets


@dataclass(frozen=True)
class AssetView:
    """One asset as the map shows it.

    Attributes:
        key: Asset id.
        owner: Owning actor's id.
        kind: ``drone_swarm``, ``naval_group`` or ``space_asset`` (or whatever the model calls it).
        zone: Zone id where it is now.
        name: Display name.
        description: How the event log names it.
        autonomy: Autonomy level now (words).
        operational: Whether it can still act.
        strength: Drones or ships left (None for kinds without a count).
        strength_start: The same at crisis start.
        unit: ``drones`` or ``ships`` (empty without a count).
        role: A satellite's role (words), else empty.
        seen: For another side's asset on a side's map: how that side holds it ("last seen day 2 04:00
            (contact); classified hostile"); empty for an asset drawn as it truly is.
        held_hostile: On a side's map, whether that side holds it hostile.
    """

    key: str
    owner: str
    kind: str
    zone: str
    name: str
    description: str
    autonomy: str
    operational: bool
    strength: int | None = None
    strength_start: int | None = None
    unit: str = ""
    role: str = ""
    seen: str = ""
    held_hostile: bool = False

    @property
    def fraction(self) -> float:
        """Share of its starting strength left (1 without a count; 0 once out of action)."""
        if not self.operational:
            return 0.0
        if self.strength is None or not self.strength_start:
            return 1.0
        return max(0.0, min(1.0, self.strength / self.strength_start))

    @property
    def status(self) -> str:
        """``ready``, ``damaged`` or ``lost``."""
        if not self.operational:
            return "lost"
        return "damaged" if self.fraction < 1.0 else "ready"

    def state_text(self) -> str:
        """State in words, e.g. '212/240 drones, on the loop'."""
        parts = []
        if self.strength is not None and self.strength_start is not None:
            parts.append(f"{self.strength}/{self.strength_start} {self.unit}")
        if self.role:
            parts.append(self.role)
        if not self.operational:
            parts.append("out of action")
        if self.autonomy:
            parts.append(self.autonomy)
        if self.seen:
            parts.append(self.seen)
        return ", ".join(parts)


def _words(value: Any) -> str:
    return str(getattr(value, "value", value) or "").replace("_", " ")


def _strength(asset: Any) -> tuple[int | None, int | None, str]:
    if hasattr(asset, "drones"):
        return int(asset.drones), int(getattr(asset, "drones_at_start", asset.drones)), "drones"
    if hasattr(asset, "ships"):
        spec = getattr(asset, "spec", None)
        return int(asset.ships), int(getattr(spec, "ships", asset.ships)), "ships"
    return None, None, ""


def asset_views(model: Any) -> list[AssetView]:
    """Every asset of a model (``game.model``) in scenario order, as the map shows it."""
    views = []
    for key, asset in model.assets.items():
        strength, start, unit = _strength(asset)
        spec = getattr(asset, "spec", None)
        owner = getattr(asset.owner, "key", asset.owner)
        describe = asset.describe() if hasattr(asset, "describe") else str(key)
        views.append(
            AssetView(
                key=str(key),
                owner=str(owner),
                kind=str(getattr(asset, "kind", getattr(spec, "kind", "asset"))),
                zone=str(asset.zone),
                name=str(getattr(asset, "label", key)),
                description=describe,
                autonomy=_words(getattr(asset, "autonomy", "")),
                operational=bool(getattr(asset, "operational", True)),
                strength=strength,
                strength_start=start,
                unit=unit,
                role=_words(getattr(spec, "role", "")),
            )
        )
    return views


# --------------------------------------------------------------------------- incidents and chart events


@dataclass(frozen=True)
class Incident:
    """An event that happened to forces, placed on the map.

    Attributes:
        id: Event-log id.
        hours: When.
        kind: Log kind.
        text: The log line.
        assets: Assets it names, in the order named.
        zones: Zones where it happened (the zones of those assets, or a zone it names).
    """

    id: int
    hours: float
    kind: str
    text: str
    assets: tuple[str, ...]
    zones: tuple[str, ...]


def _named(text: str, names: Mapping[str, str]) -> list[str]:
    """Keys whose name occurs in ``text``, in order of appearance (longest names claim text first)."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for key, name in sorted(names.items(), key=lambda kv: -len(kv[1])):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
                found.append((start, key))
                break
            start = text.find(name, start + 1)
    return [key for _, key in sorted(found)]


def incidents(entries: Sequence[LogEntry], assets: Sequence[AssetView], zone_keys: Iterable[str]) -> list[Incident]:
    """The log entries that are incidents, with the assets and zones they concern."""
    names = {a.key: a.description for a in assets}
    zone_of = {a.key: a.zone for a in assets}
    zone_words = {z: re.compile(rf"\b{re.escape(z)}\b") for z in zone_keys}
    out = []
    for entry in entries:
        if entry.kind not in INCIDENT_KINDS:
            continue
        named = _named(entry.text, names)
        zones = list(dict.fromkeys(zone_of[k] for k in named))
        zones += [z for z, word in zone_words.items() if z not in zones and word.search(entry.text)]
        out.append(Incident(entry.id, entry.hours, entry.kind, entry.text, tuple(named), tuple(zones)))
    return out


@dataclass(frozen=True)
class ChartEvent:
    """An event marked on the chart of rungs over time.

    Attributes:
        id: Event-log id.
        hours: When.
        category: ``inadvertent`` or ``deliberate`` (a rung change by its root), ``player`` (the players'
            decisions), ``inject`` (the facilitator's), ``incident`` or ``end`` (the crisis ends).
        text: The log line.
    """

    id: int
    hours: float
    category: str
    text: str


_ROOT = re.compile(r"\[root: ([a-z_]+)\]")


def chart_events(entries: Sequence[LogEntry]) -> list[ChartEvent]:
    """Rung changes (by root), the players' decisions, injects, engagements and strikes, the crisis's end."""
    out = []
    for e in entries:
        if e.kind == "rung_change":
            root = _ROOT.search(e.text)
            category = "inadvertent" if root and root.group(1) in INADVERTENT_CAUSES else "deliberate"
        elif e.kind in ("player", "inject") or (e.kind == "response" and "(player)" in e.text):
            category = "player" if e.kind != "inject" else "inject"
        elif e.kind in ("engagement", "strike", "collision", "false_alarm"):
            category = "incident"
        elif e.kind == "crisis_end":
            category = "end"
        else:
            continue
        out.append(ChartEvent(e.id, e.hours, category, e.text))
    return out
