"""The after-action report: one self-contained HTML file for the participants of a game.

Built from the room's game (its record is replayed to each decision): the rungs over time; every decision
with the odds the deciding cell saw at the time; the map at each decision, the truth beside the deciding
cell's picture; each cell's picture against the truth at the turning points (the decisions and the end);
the verdicts and forest plot of a comparison, if one was run; and the narrative by day in plain language.
Everything is inline (SVG pictures, CSS): the file opens offline in any browser, with nothing fetched.
The analyst's zip (:mod:`sim.app.debrief`) stays a separate download.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from sim import engines
from sim.app.comparison import DEFAULT_VERDICT_METRIC, forest_figure, metric_phrase, verdicts
from sim.app.drawing import orbits_svg, rung_chart_svg, side_by_side, theatre_svg
from sim.app.formatting import pct
from sim.app.picture import Revelation, plain_text, posture_history, reveal, side_picture
from sim.app.session import Action, GameSession, apply_action
from sim.app.theatre import actor_colors, asset_views, chart_events, incidents, zone_layout
from sim.vocabulary import N_RUNGS, RUNG_NAMES, clock

__all__ = ["DecisionMoment", "aar_html", "aar_pdf", "decision_moments", "narrative_by_day"]

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:1100px;margin:24px auto;
padding:0 16px;color:#212529;line-height:1.45}
h1{margin-bottom:0}h2{border-bottom:2px solid #dee2e6;padding-bottom:4px;margin-top:2em}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}td,th{border:1px solid #dee2e6;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f1f3f5}.muted{color:#868e96}.decision{border:1px solid #ced4da;
border-radius:8px;padding:8px 16px;margin:16px 0;page-break-inside:avoid}.pair{display:flex;gap:12px}
.pair>div{flex:1;min-width:0}.day{margin-top:1.2em}ul.events{margin:4px 0}
"""


@dataclass(frozen=True)
class DecisionMoment:
    """A decision as it was taken: the state just before, and what the cell chose.

    Attributes:
        index: Position of the decision in the game's record.
        action: The recorded action.
        hours: Game time.
        cell: The deciding cell's name.
        actor: The actor it decided for.
        blamed: Whom the actor blamed.
        rung: The rung it read the provocation as.
        choice: What it chose, in words.
        hotline: What it heard on the hotline first, if it called.
        truth_map: The theatre as it truly was (SVG).
        cell_map: The theatre as the deciding cell saw it (SVG).
        pictures: Every cell's picture against the truth at that moment.
    """

    index: int
    action: Action
    hours: float
    cell: str
    actor: str
    blamed: str
    rung: int
    choice: str
    hotline: str | None
    truth_map: str
    cell_map: str
    pictures: dict[str, list[Revelation]]


def _map(game, views, mark: int, data: dict) -> str:
    scenario = game.model.spec
    entries = game.timeline()
    found = incidents(entries, views, scenario.zones)
    now = [i for i in found if i.id >= mark]
    recent = [i for i in found if i.id < mark and i.hours >= game.hours - 24]
    colors = actor_colors(scenario.actors)
    tracked = getattr(game.model, "tracked_objects", None)
    return side_by_side(
        (theatre_svg(scenario, zone_layout(scenario), views, game.rungs(), colors, now, recent, 560, 400, data), 2.2),
        (orbits_svg(scenario, views, colors, tracked, now, width=250, height=400), 1),
    )


def decision_moments(session: GameSession) -> list[DecisionMoment]:
    """Replay the game and stop at every decision: the maps and every cell's picture just before it."""
    game = engines.Wargame(session.scenario, session.seed, session.run, session.players)
    moments, replies, mark = [], {}, 0
    for index, action in enumerate(session.actions):
        if action.kind == "decide":
            moments.append(_moment(session, game, index, action, replies, mark))
        mark = len(game.timeline())
        result = apply_action(game, action)
        if action.kind == "hotline":
            replies[action.args[0]] = result
    return moments


def _moment(session: GameSession, game, index: int, action: Action, replies: dict, mark: int) -> DecisionMoment:
    decision_id, rung = action.args
    decision = next(d for d in game.open_decisions() if d.id == decision_id)
    cell = session.cell_of(decision.actor)
    name = cell.name if cell is not None else "?"
    side = cell.actors if cell is not None else (decision.actor,)
    picture = side_picture(game, side)
    truth = asset_views(game.model)
    choice = (
        f"held at rung {decision.posture} toward {decision.blamed}"
        if rung is None or rung == decision.posture
        else f"responded at rung {rung} ({RUNG_NAMES[rung]})"
    )
    return DecisionMoment(
        index=index,
        action=action,
        hours=float(game.hours),
        cell=name,
        actor=decision.actor,
        blamed=decision.blamed,
        rung=decision.provocation_rung,
        choice=choice,
        hotline=replies.get(decision_id),
        truth_map=_map(game, truth, mark, {"view": "truth", "hours": f"{game.hours:g}"}),
        cell_map=_map(game, picture.views(), mark, {"view": name, "hours": f"{game.hours:g}"}),
        pictures={c.name: reveal(game, side_picture(game, c.actors)) for c in session.cells},
    )


def narrative_by_day(entries: Sequence[Any]) -> list[tuple[int, list[str]]]:
    """The events by day of the crisis, in plain language (times, no record ids)."""
    days: dict[int, list[str]] = {}
    for e in entries:
        day = int(e.hours // 24) + 1
        days.setdefault(day, []).append(f"{clock(e.hours)[-5:]} — {plain_text(e)}")
    return sorted(days.items())


# --------------------------------------------------------------------------- the document


def _table(rows: list[dict[str, str]], cls: str = "") -> str:
    if not rows:
        return "<p class='muted'>Nothing.</p>"
    head = "".join(f"<th>{escape(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row.values()) + "</tr>" for row in rows)
    return f"<table class='{cls}'><tr>{head}</tr>{body}</table>"


def _revelations(items: list[Revelation]) -> str:
    rows = [
        {
            "when": clock(r.hours) if r.hours is not None else "",
            "about": r.topic,
            "believed": r.believed,
            "truth": r.truth,
        }
        for r in items
    ]
    return _table(rows, "reveal") if rows else "<p class='muted'>Nothing it believed was wrong.</p>"


def _odds_seen(odds: Sequence[Any], moment: DecisionMoment) -> str:
    """The odds the deciding cell asked for at the time of its decision (before it decided)."""
    seen = [r for r in odds if r.role == moment.cell and abs(r.hours - moment.hours) < 1e-9 and r.summary]
    if not seen:
        return f"<p class='muted'>{escape(moment.cell)} did not ask for the odds before deciding.</p>"
    request = seen[-1]
    s = request.summary
    k = min(request.level + 1, N_RUNGS - 1)
    rows = [
        {
            "option": name,
            f"P(crisis level ≥ {k})": pct(s["table"][j][f"P(≥{k})"]),
            "P(inadvertent step to ≥ 3)": pct(s["table"][j]["P(inadvertent ≥3)"]),
        }
        for j, name in enumerate(s["options"])
    ]
    basis = "from what it knew" if request.side else "from the truth"
    return (
        f"<p>The odds {escape(moment.cell)} saw ({basis}; {s['futures']:,} futures per option, "
        f"{s['horizon_hours']:g} h ahead):</p>" + _table(rows, "odds")
    )


def aar_html(session: GameSession, odds: Sequence[Any] = (), comparison: Any = None, title: str = "") -> str:
    """The after-action report as one HTML document (see the module docstring).

    Args:
        session: The game (played to where the report is made).
        odds: The odds the seats asked for (:class:`~sim.app.room.OddsRequest`, with their summaries).
        comparison: A :class:`~sim.experiments.compare.ComparisonResult` to report, if one was run.
        title: The report's title (default: the scenario's name).
    """
    game = session.game
    scenario = session.scenario
    name = title or scenario.metadata.name
    moments = decision_moments(session)
    colors = actor_colors(scenario.actors)
    rungs = game.rungs()
    level = max(rungs.values())
    peak = max(max(r.values()) for _, r in session.history)
    cells = ", ".join(c.label() for c in session.cells) or "none (the model decided for everyone)"
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>After-action report — {escape(name)}"
        f"</title><style>{CSS}</style></head><body>",
        f"<h1>After-action report</h1><p class='muted'>{escape(name)} — seed {session.seed}, run {session.run}. "
        f"Cells: {escape(cells)}. Played to {clock(game.hours)}.</p>",
        "<h2 id='summary'>In short</h2>",
        f"<p>The crisis rose as high as rung {peak} ({escape(RUNG_NAMES[peak])}) and stands at rung {level} "
        f"({escape(RUNG_NAMES[level])}) at {clock(game.hours)}. The cells took {len(moments)} decision(s).</p>",
        "<h2 id='rungs'>The rungs over time</h2>",
        rung_chart_svg(session.history, chart_events(game.timeline()), colors, scenario.time.horizon_hours, game.hours),
        "<h2 id='decisions'>Every decision</h2>",
    ]
    if not moments:
        parts.append("<p class='muted'>No cell took a decision in this game.</p>")
    for n, m in enumerate(moments, 1):
        hotline = f"<p>Before deciding it called the hotline: {escape(m.hotline)}</p>" if m.hotline else ""
        parts.append(
            f"<div class='decision' id='decision-{n}'><h3>Decision {n} — {clock(m.hours)}: {escape(m.cell)} "
            f"({escape(m.actor)})</h3><p>{escape(m.actor)} read a provocation by {escape(m.blamed)} at rung {m.rung} "
            f"({escape(RUNG_NAMES[m.rung])}) and <b>{escape(m.choice)}</b>.</p>{hotline}"
            + _odds_seen(odds, m)
            + "<div class='pair'><div><h4>The truth</h4>"
            + m.truth_map
            + f"</div><div><h4>What {escape(m.cell)} saw</h4>"
            + m.cell_map
            + "</div></div><h4>Each cell's picture against the truth at this moment</h4>"
            + "".join(f"<h5>{escape(c)}</h5>{_revelations(items)}" for c, items in m.pictures.items())
            + "</div>"
        )
    parts.append("<h2 id='pictures'>At the end: each cell's picture against the truth</h2>")
    if not session.cells:
        parts.append("<p class='muted'>No cells played.</p>")
    for cell in session.cells:
        picture = side_picture(game, cell.actors)
        chart = rung_chart_svg(
            posture_history(game, cell.actors), chart_events(list(picture.events)), colors,
            scenario.time.horizon_hours, game.hours,
        )  # fmt: skip
        parts.append(
            f"<h3>{escape(cell.label())}</h3><p class='muted'>Its own rungs, and the others' postures aimed at it, "
            f"as it saw them:</p>{chart}{_revelations(reveal(game, picture))}"
        )
    parts += _comparison(comparison)
    parts.append("<h2 id='narrative'>What happened, day by day</h2>")
    for day, lines in narrative_by_day(game.timeline()):
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        parts.append(f"<div class='day'><h3>Day {day}</h3><ul class='events'>{items}</ul></div>")
    parts.append(
        "<p class='muted'>Made by Flashpoint from the game's record. The analyst's package (event log with causes, "
        "scenario, figures) is the separate debrief.zip.</p></body></html>"
    )
    return "\n".join(parts)


def _comparison(comparison: Any) -> list[str]:
    out = ["<h2 id='comparison'>Options compared</h2>"]
    if comparison is None:
        return [*out, "<p class='muted'>No comparison of options was run in this session.</p>"]
    phrase = metric_phrase(DEFAULT_VERDICT_METRIC)
    sentences = "".join(f"<li>{escape(s)}</li>" for s in verdicts(comparison, DEFAULT_VERDICT_METRIC))
    buffer = io.StringIO()
    forest_figure(comparison).savefig(buffer, format="svg")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return [
        *out,
        f"<p>Against <b>{escape(comparison.arms[0].name)}</b>, on the same {comparison.runs:,} runs, "
        f"about {escape(phrase)}:</p><ul class='verdicts'>{sentences}</ul>",
        f"<div class='forest'>{svg}</div>",
    ]


def aar_pdf(html: str) -> bytes | None:
    """The report as PDF, if WeasyPrint is installed (it renders offline); None otherwise."""
    try:
        from weasyprint import HTML  # optional: pip install weasyprint (needs Pango)
    except (ImportError, OSError):
        return None
    return HTML(string=html).write_pdf()
