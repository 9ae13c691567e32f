"""Pictures of the theatre as inline SVG: the map of zones with every force, the orbits, the rungs over time.

SVG keeps the app offline (no map tiles, no JavaScript), costs a millisecond to build, and stays
inspectable: every asset is a ``<g class="asset" data-asset="ID" data-state="...">`` with a tooltip
(``<title>``), every zone a ``data-zone``, every incident a ``data-incident``, so tests (and a browser's
accessibility tools) can find them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from sim.app.theatre import AssetView, ChartEvent, Incident
from sim.scenario.schema import Scenario
from sim.vocabulary import N_RUNGS, RUNG_NAMES, clock

__all__ = ["EVENT_COLORS", "orbits_svg", "rung_chart_svg", "side_by_side", "theatre_svg"]

SEA, LAND, EDGE, INK, FAINT = "#dcebf7", "#efe4cc", "#9fb3c8", "#2b2b2b", "#8a8f98"
INCIDENT_NOW, INCIDENT_RECENT = "#e03131", "#f08c00"
EVENT_COLORS = {
    "inadvertent": "#e03131",
    "deliberate": "#495057",
    "player": "#1971c2",
    "inject": "#9c36b5",
    "incident": "#f08c00",
    "end": "#000000",
}
"""Marker colour of each kind of chart event."""
EVENT_LABELS = {
    "inadvertent": "inadvertent step",
    "deliberate": "deliberate step",
    "player": "players' decision",
    "inject": "facilitator's inject",
    "incident": "engagement or accident",
    "end": "crisis ends",
}
GLYPH = 15
CELL = 19
ROLE_LETTER = {"early warning": "E", "communications": "C", "isr": "I", "co orbital asat": "A"}
FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif'"


def _svg(width: int, height: int, body: Iterable[str], label: str, cls: str, data: Mapping[str, object] = {}) -> str:
    attrs = "".join(f" data-{escape(k)}='{escape(str(v))}'" for k, v in data.items())
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' class='{cls}' viewBox='0 0 {width} {height}' "
        f"width='100%' role='img' aria-label='{escape(label)}' {FONT}{attrs}>" + "".join(body) + "</svg>"
    )


def _title(text: str) -> str:
    return f"<title>{escape(text)}</title>"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _wrap(text: str, n: int, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of about ``n`` characters, broken between words (the last shortened).

    A name with a parenthesis ("Fujian coast (PLA launch area)") breaks before it when it is too long.
    """
    head, paren, tail = text.partition(" (")
    if len(text) > n and paren and lines >= 2 and len(head) <= n and len(tail) + 1 <= n + 4:
        return [head, "(" + tail]
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= n:
            out[-1] += " " + word
        elif len(out) < lines:
            out.append(word)
        else:
            out[-1] += " " + word
    return [_short(line, n + 4) for line in out] or [""]


def _label(x: float, y: float, text: str, n: int = 22) -> str:
    """A name under a shape, on two lines if it is long (never cut to a stub)."""
    rows = "".join(
        f"<tspan x='{x:.1f}' dy='{0 if i == 0 else 12}'>{escape(line)}</tspan>" for i, line in enumerate(_wrap(text, n))
    )
    return f"<text x='{x:.1f}' y='{y:.1f}' font-size='11' fill='{INK}' text-anchor='middle'>{rows}</text>"


def side_by_side(*svgs: tuple[str, float]) -> str:
    """Several SVGs in one row (each with its flex weight), as one HTML block."""
    cells = "".join(f"<div style='flex:{w};min-width:0'>{s}</div>" for s, w in svgs)
    return f"<div style='display:flex;gap:10px;align-items:flex-start'>{cells}</div>"


# --------------------------------------------------------------------------- the theatre map


def _zone_radius(n_assets: int) -> tuple[float, int]:
    cols = max(1, min(4, math.ceil(math.sqrt(n_assets))))
    rows = max(1, math.ceil(n_assets / cols))
    return max(26.0, 0.5 * math.hypot(cols * CELL, rows * CELL) + 6), cols


def _project(layout: Mapping[str, tuple[float, float]], box: tuple[float, float, float, float], equal: bool):
    """Fit positions into the box, north up; ``equal`` keeps the aspect ratio (real coordinates)."""
    x0, y0, x1, y1 = box
    xs, ys = [p[0] for p in layout.values()], [p[1] for p in layout.values()]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    sx = (x1 - x0) / span_x if span_x else math.inf
    sy = (y1 - y0) / span_y if span_y else math.inf
    if equal:
        sx = sy = min(sx, sy)
    sx, sy = (1.0 if math.isinf(sx) else sx), (1.0 if math.isinf(sy) else sy)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    return {k: (mx + (p[0] - cx) * sx, my - (p[1] - cy) * sy) for k, p in layout.items()}


def _declutter(
    xy: dict[str, tuple[float, float]], radius: Mapping[str, float], box: tuple[float, float, float, float]
) -> dict[str, tuple[float, float]]:
    """Push apart zones drawn too close to keep their circles and labels clear (deterministic)."""
    pos = {k: list(p) for k, p in xy.items()}
    keys = list(pos)
    for _ in range(60):
        moved = False
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                dx, dy = pos[b][0] - pos[a][0], pos[b][1] - pos[a][1]
                dist = math.hypot(dx, dy) or 1e-6
                need = radius[a] + radius[b] + 30
                if dist < need:
                    push = (need - dist) / 2
                    ux, uy = (dx, dy) if dist > 1e-6 else (1.0, 0.0)
                    ux, uy = ux / (math.hypot(ux, uy)), uy / (math.hypot(ux, uy))
                    pos[a][0] -= ux * push
                    pos[a][1] -= uy * push
                    pos[b][0] += ux * push
                    pos[b][1] += uy * push
                    moved = True
        for p in pos.values():
            p[0], p[1] = min(max(p[0], box[0]), box[2]), min(max(p[1], box[1]), box[3])
        if not moved:
            break
    return {k: (p[0], p[1]) for k, p in pos.items()}


def _asset_glyph(a: AssetView, x: float, y: float, color: str, rung: int | None) -> str:
    h = GLYPH / 2
    fill_opacity = 0.35 + 0.65 * a.fraction
    if a.kind == "drone_swarm":
        shape = f"<polygon points='{x:.1f},{y - h:.1f} {x + h:.1f},{y + h * 0.8:.1f} {x - h:.1f},{y + h * 0.8:.1f}'"
    elif a.kind == "naval_group":
        shape = f"<polygon points='{x:.1f},{y - h:.1f} {x + h:.1f},{y:.1f} {x:.1f},{y + h:.1f} {x - h:.1f},{y:.1f}'"
    else:
        shape = f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{h * 0.8:.1f}'"
    dash = " stroke-dasharray='2 1.5'" if a.seen else ""  # another side's force, as last seen
    if a.status == "lost":
        shape += f" fill='white' stroke='{color}' stroke-width='1.5'{dash}/>"
        shape += _cross(x, y, h * 0.7)
    elif a.seen:
        shape += f" fill='{color}' fill-opacity='0.25' stroke='{color}' stroke-width='1.6'{dash}/>"
        if a.held_hostile:
            shape += (
                f"<text x='{x:.1f}' y='{y + 3.5:.1f}' font-size='10' font-weight='bold' fill='{INCIDENT_NOW}' "
                "text-anchor='middle'>!</text>"
            )
    else:
        shape += f" fill='{color}' fill-opacity='{fill_opacity:.2f}' stroke='{INK}' stroke-width='0.6'/>"
    bar = ""
    if a.strength is not None and a.status != "lost":
        bar = (
            f"<rect x='{x - h:.1f}' y='{y + h + 1:.1f}' width='{GLYPH}' height='2.2' fill='#ced4da'/>"
            f"<rect x='{x - h:.1f}' y='{y + h + 1:.1f}' width='{GLYPH * a.fraction:.1f}' height='2.2' fill='{INK}'/>"
        )
    owner_rung = f", owner at rung {rung}" if rung is not None else ""
    tip = f"{a.owner} {a.name} — {a.state_text()}{owner_rung}"
    return (
        f"<g class='asset' data-asset='{escape(a.key)}' data-owner='{escape(a.owner)}' data-zone='{escape(a.zone)}' "
        f"data-state='{a.status}' data-seen='{'track' if a.seen else 'truth'}'>{_title(tip)}{shape}{bar}</g>"
    )


def _cross(x: float, y: float, d: float) -> str:
    """An X centred on (x, y), arms ``d`` long: out of action."""
    return (
        f"<path d='M{x - d:.1f},{y - d:.1f}L{x + d:.1f},{y + d:.1f}M{x + d:.1f},{y - d:.1f}L{x - d:.1f},{y + d:.1f}' "
        f"stroke='{INK}' stroke-width='1.6'/>"
    )


def _incident_rings(zone: str, x: float, y: float, r: float, now: Sequence[Incident], recent: Sequence[Incident]):
    out = []
    here_now = [i for i in now if zone in i.zones]
    here_recent = [i for i in recent if zone in i.zones and i not in here_now]
    if here_recent:
        tip = "\n".join(f"{clock(i.hours)} — {i.text}" for i in here_recent[-6:])
        out.append(
            f"<circle class='incident-recent' cx='{x:.1f}' cy='{y:.1f}' r='{r + 5:.1f}' fill='none' "
            f"stroke='{INCIDENT_RECENT}' stroke-width='2' stroke-dasharray='4 3'>{_title(tip)}</circle>"
        )
    if here_now:
        tip = "\n".join(f"{clock(i.hours)} — {i.text}" for i in here_now[-6:])
        ids = " ".join(str(i.id) for i in here_now)
        out.append(
            f"<g class='incident' data-incident='{ids}'>{_title(tip)}"
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r + 6:.1f}' fill='none' stroke='{INCIDENT_NOW}' "
            "stroke-width='3.5'/>"
            f"<circle cx='{x + r * 0.75:.1f}' cy='{y - r * 0.75:.1f}' r='8' fill='{INCIDENT_NOW}'/>"
            f"<text x='{x + r * 0.75:.1f}' y='{y - r * 0.75 + 4:.1f}' font-size='11' font-weight='700' fill='white' "
            f"text-anchor='middle'>{len(here_now)}</text></g>"
        )
    return out


def theatre_svg(
    scenario: Scenario,
    layout: Mapping[str, tuple[float, float]],
    assets: Sequence[AssetView],
    rungs: Mapping[str, int],
    colors: Mapping[str, str],
    now: Sequence[Incident] = (),
    recent: Sequence[Incident] = (),
    width: int = 660,
    height: int = 440,
    data: Mapping[str, object] = {},
) -> str:
    """The theatre map: zones (sea or land) joined by their adjacencies, every force in its zone.

    Args:
        scenario: The scenario (zone names, kinds and adjacency).
        layout: Position of each theater zone (:func:`sim.app.theatre.zone_layout`).
        assets: Every asset (those in orbit are drawn by :func:`orbits_svg`).
        rungs: Each actor's rung now (in tooltips and the legend).
        colors: Colour of each actor.
        now: Incidents of the latest step (red rings with a count).
        recent: Earlier incidents still worth showing (dashed orange rings).
        width: Width of the drawing, px.
        height: Height of the drawing, px.
        data: ``data-*`` attributes of the drawing (what state it shows, for tests and tools).
    """
    here: dict[str, list[AssetView]] = {k: [] for k in layout}
    for a in assets:
        if a.zone in here:
            here[a.zone].append(a)
    radius = {k: _zone_radius(len(v)) for k, v in here.items()}
    pad = max((r for r, _ in radius.values()), default=26.0) + 12
    legend_h = 44
    side = max(pad + 10, 80.0)  # room for a zone's name, wider than its circle
    box = (side, pad, width - side, height - legend_h - pad - 8)
    placed = any(scenario.zones[k].position is not None for k in layout)  # real coordinates keep their aspect
    xy = _declutter(_project(layout, box, placed), {k: r for k, (r, _) in radius.items()}, box) if layout else {}
    body = [f"<rect width='{width}' height='{height}' fill='#f8f9fa' rx='6'/>"]
    for zone, other in _edges(scenario, layout):
        (x0, y0), (x1, y1) = xy[zone], xy[other]
        body.append(f"<line x1='{x0:.1f}' y1='{y0:.1f}' x2='{x1:.1f}' y2='{y1:.1f}' stroke='{EDGE}' stroke-width='2'/>")
    for zone, (x, y) in xy.items():
        spec = scenario.zones[zone]
        r, cols = radius[zone]
        name = spec.name or zone
        land = not spec.maritime
        body.append(
            f"<g class='zone' data-zone='{escape(zone)}'>{_title(f'{name} ({"land" if land else "sea"})')}"
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' fill='{LAND if land else SEA}' stroke='{EDGE}' "
            f"stroke-width='1.5'/>{_label(x, y + r + 13, name)}</g>"
        )
        body += _incident_rings(zone, x, y, r, now, recent)
        forces = here[zone]
        rows = math.ceil(len(forces) / cols) if forces else 0
        for i, a in enumerate(forces):
            row, col = divmod(i, cols)
            in_row = min(cols, len(forces) - row * cols)
            gx = x + (col - (in_row - 1) / 2) * CELL
            gy = y + (row - (rows - 1) / 2) * CELL - 1
            body.append(_asset_glyph(a, gx, gy, colors.get(a.owner, FAINT), rungs.get(a.owner)))
    if not layout:
        body.append(
            f"<text x='{width / 2:.0f}' y='{height / 2 - 20:.0f}' font-size='12' fill='{FAINT}' text-anchor='middle'>"
            "No theater zones in this scenario: the forces are in orbit.</text>"
        )
    body += _map_legend(rungs, colors, width, height - legend_h + 6)
    return _svg(width, height, body, "Theatre map: zones and forces", "flashpoint-map", data)


def _edges(scenario: Scenario, layout: Mapping[str, tuple[float, float]]) -> list[tuple[str, str]]:
    seen = set()
    for zone in layout:
        for other in scenario.zones[zone].adjacent:
            if other in layout and other != zone:
                seen.add(tuple(sorted((zone, other))))
    return sorted(seen)


def _map_legend(rungs: Mapping[str, int], colors: Mapping[str, str], width: int, y: float) -> list[str]:
    out, x = [], 12.0
    for actor, color in colors.items():
        label = f"{actor} · rung {rungs[actor]}" if actor in rungs else actor
        out.append(
            f"<rect x='{x:.0f}' y='{y:.0f}' width='11' height='11' fill='{color}'/>"
            f"<text x='{x + 15:.0f}' y='{y + 10:.0f}' font-size='11' fill='{INK}'>{escape(label)}</text>"
        )
        x += 24 + 6.4 * len(label)
    y2 = y + 20
    keys = [("▲", "swarm"), ("◆", "naval group"), ("✕", "out of action"), ("▬", "strength left")]
    text = "   ".join(f"{g} {w}" for g, w in keys)
    out.append(f"<text x='12' y='{y2 + 9:.0f}' font-size='10.5' fill='{FAINT}'>{escape(text)}</text>")
    out.append(
        f"<circle cx='{width - 178}' cy='{y2 + 5:.0f}' r='6' fill='none' stroke='{INCIDENT_NOW}' stroke-width='2.5'/>"
        f"<text x='{width - 168}' y='{y2 + 9:.0f}' font-size='10.5' fill='{FAINT}'>incident now</text>"
        f"<circle cx='{width - 88}' cy='{y2 + 5:.0f}' r='6' fill='none' stroke='{INCIDENT_RECENT}' stroke-width='2' "
        f"stroke-dasharray='3 2'/><text x='{width - 78}' y='{y2 + 9:.0f}' font-size='10.5' fill='{FAINT}'>"
        "last 24 h</text>"
    )
    return out


# --------------------------------------------------------------------------- the orbits

REGIME_RADIUS = {"LEO": 56.0, "MEO": 88.0, "HEO": 0.0, "GEO": 122.0}
HEO_SHIFT, HEO_RX, HEO_RY = 18.0, 104.0, 46.0


def orbits_svg(
    scenario: Scenario,
    assets: Sequence[AssetView],
    colors: Mapping[str, str],
    tracked: Mapping[str, int] | None = None,
    now: Sequence[Incident] = (),
    width: int = 300,
    height: int = 440,
) -> str:
    """The orbit zones around the Earth, each satellite on its orbit with its state.

    Args:
        scenario: The scenario (orbit zones and their regimes).
        assets: Every asset (those not in an orbit zone are ignored).
        colors: Colour of each actor.
        tracked: Catalogued objects per orbit zone now (debris included), if known.
        now: Incidents of the latest step (their orbits are ringed in red).
        width: Width of the drawing, px.
        height: Height of the drawing, px.
    """
    cx, cy = width / 2, height / 2 - 14
    orbits = [(k, z) for k, z in scenario.zones.items() if z.kind == "orbit"]
    body = [
        f"<rect width='{width}' height='{height}' fill='#f8f9fa' rx='6'/>",
        f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='30' fill='#a5d8ff' stroke='#74c0fc'/>",
        f"<text x='{cx:.1f}' y='{cy + 4:.1f}' font-size='10' fill='#1864ab' text-anchor='middle'>Earth</text>",
    ]
    used: dict[str, int] = {}
    for n, (key, zone) in enumerate(orbits):
        regime = zone.regime or "LEO"
        extra = 10.0 * used.get(regime, 0)
        used[regime] = used.get(regime, 0) + 1
        body += _orbit(key, zone.name or key, regime, extra, cx, cy, tracked, now)
        sats = [a for a in assets if a.zone == key]
        for i, a in enumerate(sats):
            x, y = _orbit_point(regime, extra, cx, cy, (i + 0.5) / max(1, len(sats)) + 0.13 * n)
            body.append(_satellite(a, x, y, colors.get(a.owner, FAINT)))
    if not orbits:
        body.append(f"<text x='{cx:.1f}' y='{cy + 60:.1f}' font-size='11' fill='{FAINT}' text-anchor='middle'>"
                    "no orbit zones in this scenario</text>")  # fmt: skip
    for dy, line in ((24, "E early warning · C communications"), (10, "I ISR · A co-orbital ASAT · ✕ out of action")):
        body.append(f"<text x='10' y='{height - dy}' font-size='10.5' fill='{FAINT}'>{escape(line)}</text>")
    return _svg(width, height, body, "Orbits: satellites by regime", "flashpoint-orbits")


def _orbit_point(regime: str, extra: float, cx: float, cy: float, turn: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * turn
    if regime == "HEO":
        rx, ry = HEO_RX + extra, HEO_RY + extra / 2
        return cx + HEO_SHIFT + rx * math.cos(angle), cy + ry * math.sin(angle)
    r = REGIME_RADIUS.get(regime, 58.0) + extra
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def _orbit(key, name, regime, extra, cx, cy, tracked, now) -> list[str]:
    hit = any(key in i.zones for i in now)
    stroke = INCIDENT_NOW if hit else "#adb5bd"
    width = 3 if hit else 1.3
    if regime == "HEO":
        rx, ry = HEO_RX + extra, HEO_RY + extra / 2
        ring = f"<ellipse cx='{cx + HEO_SHIFT:.1f}' cy='{cy:.1f}' rx='{rx:.1f}' ry='{ry:.1f}'"
        lx, ly = cx + REGIME_RADIUS["LEO"] + 33 + extra, cy - 4  # inside the ellipse, right of the LEO ring
    else:
        r = REGIME_RADIUS.get(regime, 58.0) + extra
        ring = f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='{r:.1f}'"
        lx, ly = cx, cy - r - 5
    count = f"{tracked[key]:,} objects" if tracked and key in tracked else ""
    objects = f" · {count}" if count else ""
    ring += f" fill='none' stroke='{stroke}' stroke-width='{width}' stroke-dasharray='5 3'/>"
    if regime == "HEO":  # two short lines fit between the LEO ring and the end of the ellipse
        label = (
            f"<text x='{lx:.1f}' y='{ly:.1f}' font-size='10' fill='{INK}' text-anchor='middle'>{escape(regime)}"
            f"<tspan x='{lx:.1f}' dy='12'>{escape(count)}</tspan></text>"
        )
    else:
        label = (
            f"<text x='{lx:.1f}' y='{ly:.1f}' font-size='10.5' fill='{INK}' text-anchor='middle'>"
            f"{escape(regime)}{objects}</text>"
        )
    return [f"<g class='orbit' data-zone='{escape(key)}'>{_title(name + objects)}{ring}{label}</g>"]


def _satellite(a: AssetView, x: float, y: float, color: str) -> str:
    letter = ROLE_LETTER.get(a.role, "S")
    if a.status == "lost":
        inner = f"<circle cx='{x:.1f}' cy='{y:.1f}' r='8' fill='white' stroke='{color}' stroke-width='1.5'/>" + _cross(
            x, y, 5.0
        )
    else:
        style = f"fill-opacity='0.35' stroke='{color}' stroke-dasharray='2 1.5'" if a.seen else f"stroke='{INK}'"
        inner = (
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='8' fill='{color}' {style} stroke-width='0.8'/>"
            f"<text x='{x:.1f}' y='{y + 3.5:.1f}' font-size='9' font-weight='700' fill='{INK if a.seen else 'white'}' "
            f"text-anchor='middle'>{letter}</text>"
        )
    tip = f"{a.owner} {a.name} — {a.state_text()}"
    return (
        f"<g class='asset' data-asset='{escape(a.key)}' data-owner='{escape(a.owner)}' data-zone='{escape(a.zone)}' "
        f"data-state='{a.status}' data-seen='{'track' if a.seen else 'truth'}'>{_title(tip)}{inner}</g>"
    )


# --------------------------------------------------------------------------- rungs over game time


def _day_ticks(end_hours: float) -> list[float]:
    days = end_hours / 24
    step = next(s for s in (1, 2, 3, 7, 14, 28, 56, 112, 365) if days / s <= 8)
    return [24.0 * d for d in range(0, int(days) + 1, step)]


def rung_chart_svg(
    history: Sequence[tuple[float, Mapping[str, int]]],
    events: Sequence[ChartEvent],
    colors: Mapping[str, str],
    horizon_hours: float,
    now_hours: float,
    width: int = 660,
    height: int = 250,
) -> str:
    """Every actor's rung over game time as step lines, with events marked above and "now" as a dashed line.

    Args:
        history: ``(hours, {actor: rung})`` samples in time order (at each tick and each action).
        events: Events to mark (:func:`sim.app.theatre.chart_events`).
        colors: Colour of each actor.
        horizon_hours: End of the crisis (the x axis stops there).
        now_hours: Game time now.
        width: Width of the drawing, px.
        height: Height of the drawing, px.
    """
    left, right, top, bottom = 168.0, 12.0, 52.0, 24.0
    end = min(max(now_hours + 24.0, 48.0), horizon_hours) or 1.0
    sx = (width - left - right) / end
    sy = (height - top - bottom) / (N_RUNGS - 1)

    def px(h: float) -> float:
        return left + min(h, end) * sx

    def py(r: float) -> float:
        return height - bottom - r * sy

    body = [f"<rect width='{width}' height='{height}' fill='#f8f9fa' rx='6'/>"]
    for k in range(N_RUNGS):
        body.append(
            f"<line x1='{left}' x2='{width - right}' y1='{py(k):.1f}' y2='{py(k):.1f}' stroke='#e9ecef'/>"
            f"<text x='{left - 6}' y='{py(k) + 3.5:.1f}' font-size='10.5' fill='{INK}' text-anchor='end'>"
            f"{k} {escape(_short(RUNG_NAMES[k], 30))}</text>"
        )
    for h in _day_ticks(end):
        body.append(
            f"<text x='{px(h):.1f}' y='{height - 8}' font-size='10' fill='{FAINT}' text-anchor='middle'>"
            f"day {int(h // 24) + 1}</text><line x1='{px(h):.1f}' x2='{px(h):.1f}' y1='{top}' "
            f"y2='{height - bottom}' stroke='#f1f3f5'/>"
        )
    actors = list(colors)
    for j, actor in enumerate(actors):
        body.append(_actor_line(actor, j, len(actors), history, colors[actor], px, py))
    body += _event_marks(events, px, top)
    body.append(
        f"<line x1='{px(now_hours):.1f}' x2='{px(now_hours):.1f}' y1='{top - 6}' y2='{height - bottom}' "
        f"stroke='{INK}' stroke-dasharray='3 3'/><text x='{px(now_hours) + 3:.1f}' y='{height - bottom - 4}' "
        f"font-size='10' fill='{INK}'>now</text>"
    )
    body += _chart_legend(colors, width)
    return _svg(width, height, body, "Each actor's rung over game time", "flashpoint-rungs")


def _actor_line(actor, j, n, history, color, px, py) -> str:
    offset = (j - (n - 1) / 2) * 1.6
    points: list[tuple[float, float]] = []
    for hours, rungs in history:
        if actor not in rungs:
            continue
        y = py(int(rungs[actor])) + offset
        if points and points[-1][1] != y:
            points.append((px(hours), points[-1][1]))
        points.append((px(hours), y))
    if not points:
        return ""
    path = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    last = history[-1][1].get(actor)
    tip = f"{actor}: rung {last} ({RUNG_NAMES[int(last)]})" if last is not None else actor
    return (
        f"<g class='rung-line' data-actor='{escape(actor)}' data-rung='{last}'>{_title(tip)}"
        f"<path d='{path}' fill='none' stroke='{color}' stroke-width='2.2'/></g>"
    )


def _event_marks(events: Sequence[ChartEvent], px, top: float) -> list[str]:
    out = []
    for e in events:
        x, color = px(e.hours), EVENT_COLORS.get(e.category, FAINT)
        y = top - 10
        out.append(
            f"<g class='chart-event' data-event='{e.id}' data-category='{e.category}'>"
            f"{_title(f'{clock(e.hours)} — {e.text}')}"
            f"<polygon points='{x - 4:.1f},{y - 6:.1f} {x + 4:.1f},{y - 6:.1f} {x:.1f},{y + 1:.1f}' fill='{color}'/>"
            + (
                f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{y + 1:.1f}' y2='{top + 200:.1f}' stroke='{color}' "
                "stroke-opacity='0.25'/>"
                if e.category in ("inadvertent", "deliberate")
                else ""
            )
            + "</g>"
        )
    return out


def _chart_legend(colors: Mapping[str, str], width: int) -> list[str]:
    out, x = [], 10.0
    for actor, color in colors.items():
        out.append(
            f"<rect x='{x:.0f}' y='8' width='14' height='3' fill='{color}'/>"
            f"<text x='{x + 18:.0f}' y='13' font-size='10.5' fill='{INK}'>{escape(actor)}</text>"
        )
        x += 26 + 6.5 * len(actor)
    x = 10.0
    for category, color in EVENT_COLORS.items():
        label = EVENT_LABELS[category]
        if x + 14 + 5.6 * len(label) > width:
            break
        out.append(
            f"<polygon points='{x:.0f},20 {x + 8:.0f},20 {x + 4:.0f},27' fill='{color}'/>"
            f"<text x='{x + 11:.0f}' y='27' font-size='10' fill='{FAINT}'>{escape(label)}</text>"
        )
        x += 20 + 5.4 * len(label)
    return out
