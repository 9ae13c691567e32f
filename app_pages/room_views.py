"""What the seats of a room share: acting through the room, staying current, the map, decisions, odds, the reveal.

Every action is a button callback that goes through the :class:`~sim.app.room.Room` with the version the
window showed; a refusal (a stale window, a seat acting out of turn) is said at the top of the page and
the page is redrawn with the game as it is. A small fragment at the top of every seat's page
(:func:`follow`) checks the room every half second and redraws the page as soon as the room's version
changes (another seat acted) or one of the seat's odds requests ends, so every seat follows White's clock
within a second. The check itself draws nothing and reads two numbers: polling costs the server little.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import engine, engine_waiter, preparation_text, rooms, show_engine_preparation
from sim.app.drawing import orbits_svg, rung_chart_svg, side_by_side, theatre_svg
from sim.app.formatting import pct, pct_interval, points
from sim.app.odds import COMPILED_NOTE, options_for
from sim.app.picture import ROOT_WORDS, Revelation, reveal, side_picture
from sim.app.room import WHITE, NotYourSeatError, OddsRequest, Room, StaleActionError
from sim.app.session import StepReport, hotline_available
from sim.app.theatre import actor_colors, chart_events, incidents, zone_layout
from sim.vocabulary import N_RUNGS, RUNG_NAMES, clock

FOLLOW_SECONDS = 0.5
"""How often a seat checks whether the game has moved (a cell follows White's clock within a second)."""


# --------------------------------------------------------------------------- acting and staying current


def act(token: str, version: int, method: str, *args) -> None:
    """A button's callback: apply ``method`` of the room to the seat ``token`` holds, as of ``version``."""
    found = rooms().find(token)
    if found is None:
        st.session_state["seat_message"] = ("error", "This seat's room could not be found.")
        return
    room, role = found
    try:
        result = getattr(room, method)(role, version, *args)
    except StaleActionError as exc:
        st.session_state["seat_message"] = ("stale", str(exc))
        return
    except NotYourSeatError as exc:
        st.session_state["seat_message"] = ("refused", str(exc))
        return
    except ValueError as exc:
        st.session_state["seat_message"] = ("error", str(exc))
        return
    st.session_state.pop("seat_message", None)
    if isinstance(result, StepReport):
        st.session_state["step_note"] = (room.version, result.reason, result.describe())


def seat_message() -> None:
    """Say why the last action of this window was not applied (once)."""
    message = st.session_state.pop("seat_message", None)
    if message is None:
        return
    kind, text = message
    if kind == "stale":
        st.warning(text, icon=":material/sync_problem:")
    else:
        st.error(text, icon=":material/block:")


def _moves(room: Room, role: str) -> tuple[int, frozenset[str]]:
    """What a seat's page depends on that other seats or jobs change: the room's version, its odds that ended."""
    ended = frozenset(r.id for r in room.odds_of(role) if r.state not in ("queued", "running"))
    return room.version, ended


def follow(room: Room, role: str) -> None:
    """Keep this seat's page current: redraw it when the room moves on or one of its odds requests ends.

    Call it once per page, directly in the page's main area before anything else is drawn: its place (and
    so Streamlit's id for it) is then the same on every rerun, and a check the browser sent just before a
    redraw still finds it. Each check is a fragment rerun that draws nothing; only a change redraws the page.
    """
    drawn = _moves(room, role)  # what this run of the page shows

    @st.fragment(run_every=FOLLOW_SECONDS)
    def _follow() -> None:
        if _moves(room, role) != drawn:
            st.rerun(scope="app")

    _follow()


def odds_progress(room: Room, role: str) -> None:
    """This seat's odds requests still under way: their progress, redrawn every half second, with a Cancel."""
    if not any(r.state in ("queued", "running") for r in room.odds_of(role)):
        return  # nothing to show: no fragment polling the server

    @st.fragment(run_every=FOLLOW_SECONDS)
    def _odds_progress() -> None:
        pending = [r for r in room.odds_of(role) if r.state in ("queued", "running")]
        for request in pending[:3]:
            _progress(request)

    _odds_progress()


def _progress(request: OddsRequest) -> None:
    job = request.job
    if job is None:
        return
    total = len(request.options) * request.futures
    if request.state == "queued":
        text = f"Odds asked at {clock(request.hours)} by {request.role}: waiting, number {job.waiting} in the queue"
        fraction = 0.0
    elif job.progress.note:
        fraction, preparing = preparation_text(engine())
        text = f"Odds asked at {clock(request.hours)}: {job.progress.note} — {preparing}"
    else:
        text = f"Odds asked at {clock(request.hours)}: {job.progress.done:,} of {total:,} futures · {job.elapsed:.1f} s"
        fraction = job.progress.fraction
    a, b = st.columns([5, 1], vertical_alignment="bottom")
    a.progress(fraction, text=text)
    b.button("Cancel", key=f"cancel_{request.id}", on_click=job.cancel, icon=":material/cancel:")


def engine_status() -> None:
    """While the engine compiles: what is happening and how far it has gone, on the page (a cell has no sidebar)."""
    show_engine_preparation(sidebar=False)


# --------------------------------------------------------------------------- pictures


def show_svg(markup: str) -> None:
    """Inline SVG in the page (``st.html`` sanitises SVG away; markdown with HTML keeps it, as one block)."""
    st.markdown(f"<div class='flashpoint-svg'>{markup}</div>", unsafe_allow_html=True)


def theatre_block(
    game, views, entries, mark: int, history, rungs, stamp: dict, title: str = "", width: int = 580
) -> None:
    """The map with every force shown (``views``), the orbits beside it, incidents since ``mark``, rungs over time."""
    scenario = game.model.spec
    found = incidents(entries, views, scenario.zones)
    hours = float(game.hours)
    now = [i for i in found if i.id >= mark]
    recent = [i for i in found if i.id < mark and i.hours >= hours - 24]
    colors = actor_colors(scenario.actors)
    tracked = getattr(game.model, "tracked_objects", None)
    picture = side_by_side(
        (theatre_svg(scenario, zone_layout(scenario), views, rungs, colors, now, recent, width, 420, stamp), 2.25),
        (orbits_svg(scenario, views, colors, tracked, now, width=258, height=420), 1),
    )
    if title:
        st.markdown(f"**{title}**")
    show_svg(picture)
    if now:
        latest = now[-1]
        more = f" and {len(now) - 1} more (red rings; the timeline has them all)" if len(now) > 1 else ""
        text = latest.text if len(latest.text) <= 150 else latest.text[:149] + "…"
        st.caption(f"**Incidents in the last step:** {clock(latest.hours)} — {text}{more}")
    horizon = scenario.time.horizon_hours
    show_svg(rung_chart_svg(history, chart_events(entries), colors, horizon, hours, width=840, height=220))


def events_table(events, key: str, height: int = 300) -> None:
    """Events in plain language, newest first (no record ids)."""
    if not events:
        st.caption("Nothing has happened yet.")
        return
    rows = [{"time": clock(e.hours), "what happened": e.text} for e in reversed(events)]
    st.dataframe(pd.DataFrame(rows), hide_index=True, height=height, key=key)


# --------------------------------------------------------------------------- decisions


def decision_panel(room: Room, role: str, version: int, token: str) -> None:
    """Open decisions this seat may answer (White: every cell's), with respond, hold and the hotline."""
    game = room.game
    side = room.side(role)
    open_now = game.game.open_decisions(None if role == WHITE else side)
    who = "the cells" if role == WHITE else ", ".join(side)
    st.markdown(f"**Decisions for {who}**")
    if not game.cells:
        st.markdown("**No players:** the model decides for every actor. Start a new game to play one.")
        return
    if not open_now:
        waiting = "White runs the clock." if role != WHITE else "Step the clock, or go to the next decision."
        st.caption(f"No decision is waiting. {waiting}")
    for d in open_now:
        cell = game.cell_of(d.actor)
        by = f" ({cell.name} cell)" if role == WHITE and cell is not None and cell.name != "Players" else ""
        highest = f" (its highest rung is {d.current_rung}, toward another actor)" if d.current_rung > d.posture else ""
        st.markdown(
            f"**{d.actor}{by} must respond to {d.blamed}** — the provocation is read as rung "
            f"{d.provocation_rung} ({RUNG_NAMES[d.provocation_rung]}). {d.actor}'s posture toward {d.blamed} is "
            f"rung {d.posture}{highest}; holding keeps it. Asked at {clock(d.asked_hours)}."
        )
        reply = game.hotline_replies.get(d.id)
        if reply:
            st.info(f"Hotline: {reply}", icon=":material/call:")
        c1, c2, c3, c4 = st.columns([2, 1, 1, 1.5], vertical_alignment="bottom")
        c1.selectbox(
            "Respond at rung",
            list(range(N_RUNGS)),
            index=d.provocation_rung,
            format_func=lambda k: f"{k} — {RUNG_NAMES[k]}",
            key=f"dec_rung_{d.id}",
        )
        c2.button(
            "Respond",
            key=f"respond_{d.id}",
            type="primary",
            on_click=lambda i=d.id: act(token, version, "decide", i, int(st.session_state[f"dec_rung_{i}"])),
        )
        c3.button("Hold", key=f"hold_{d.id}", on_click=act, args=(token, version, "decide", d.id, None))
        if hotline_available(game.scenario, d.actor, d.blamed):
            c4.button(
                "Call the hotline",
                key=f"hotline_{d.id}",
                disabled=d.id in game.hotline_replies,
                on_click=act,
                args=(token, version, "call_hotline", d.id),
            )
        else:
            c4.caption(no_hotline(game, d.actor, d.blamed))


def no_hotline(game, actor: str, blamed: str) -> str:
    """Why the hotline cannot be called, in words (a lever that turned it off says so)."""
    scenario = game.scenario
    if not scenario.policy.hotline.enabled:
        levers = game.origin.overrides if game.origin is not None else ()
        if any(o.startswith("policy.hotline.enabled=") for o in levers):
            return "No hotline: the hotline lever turned it off for this game."
        return "No hotline: it is off in this scenario."
    missing = [a for a in (actor, blamed) if "hotline" not in {str(c) for c in scenario.actors[a].commitments}]
    return f"No hotline between {actor} and {blamed} ({', '.join(missing)} not committed to one)."


# --------------------------------------------------------------------------- odds from here


def odds_panel(room: Room, role: str, level: int) -> None:
    """Ask for the odds from here (a cell: from what it knows; White: from the truth); results kept with their clock."""
    game = room.game
    wargame = game.game
    side = room.side(role)
    open_now = wargame.open_decisions(None if role == WHITE else side)
    decision = open_now[0] if open_now else None
    remaining = max(wargame.model.horizon_hours - wargame.hours, 0.0)
    basis = "from the truth (White sees everything)" if role == WHITE else f"from what {role} knows"
    st.markdown(f"**Odds from here** — {basis}")
    o1, o2, o3 = st.columns([2, 1, 1])
    rungs = o1.multiselect(
        "Responses to weigh (with hold and doctrine)",
        list(range(N_RUNGS)),
        default=[decision.provocation_rung] if decision else [],
        disabled=decision is None,
        placeholder="hold and doctrine only" if decision else "no decision open: the game as it stands",
        key=f"odds_rungs_{decision.id if decision else None}",
    )
    futures = o2.number_input("Futures per option", 10, 20000, value=2000, step=500, key="odds_futures")
    top = max(remaining, 1.0)
    if st.session_state.get("odds_horizon", top + 1) > top:  # the look-ahead never promises more than is left
        st.session_state["odds_horizon"] = top
    horizon = o3.number_input(
        "Look ahead (hours)",
        1.0,
        float(wargame.model.horizon_hours),
        key="odds_horizon",
        step=6.0,
        format="%g",
        disabled=remaining <= 0,
        help=f"At most what is left of the crisis: {remaining:g} h.",
    )
    if st.button("Odds from here", icon=":material/query_stats:", disabled=game.finished):
        options = options_for(wargame, decision.id if decision else None, sorted(rungs))
        about = None
        if decision is not None:
            about = {
                "id": decision.id,
                "actor": decision.actor,
                "blamed": decision.blamed,
                "rung": decision.provocation_rung,
            }
        room.ask_odds(
            role,
            options,
            int(futures),
            float(horizon),
            rooms().queue,
            engine_ready=engine_waiter(engine()),
            decision=about,
            level=level,
        )
    odds_progress(room, role)
    done = [r for r in room.odds_of(role) if r.summary is not None or r.state in ("cancelled", "failed")]
    if done:
        _odds_result(room, done[0], level)
    if len(done) > 1:
        with st.expander(f"Earlier odds ({len(done) - 1}), each as of its clock"):
            for request in done[1:6]:
                _odds_summary_table(request, min(request.level + 1, N_RUNGS - 1))


def _odds_result(room: Room, request: OddsRequest, level: int) -> None:
    if request.state == "cancelled":
        st.caption(f"The odds asked at {clock(request.hours)} were cancelled: nothing was kept.")
        return
    if request.summary is None:
        error = request.job.error if request.job is not None else "lost in a restart"
        st.error(f"Odds from here failed: {error}")
        return
    s = request.summary
    end = s["start_hours"] + s["horizon_hours"]
    moved = request.version != room.version
    stale = f" :orange[— as of {clock(request.hours)}: the game has moved on since; ask again.]" if moved else ""
    who = "" if request.side == () else f" from what {request.role} knew"
    st.caption(
        f"From {clock(s['start_hours'])} to {clock(end)} ({s['horizon_hours']:g} h ahead){who}: "
        f"{s['futures']:,} futures per option in {s['seconds']:.1f} s, crisis level {request.level} at the fork.{stale}"
    )
    k = st.segmented_control(
        "Crisis level k",
        list(range(1, N_RUNGS)),
        default=min(request.level + 1, N_RUNGS - 1),
        key=f"odds_k_{request.id}",
        help="Defaults to one rung above the level at the fork (at or below it, every future counts).",
    )
    k = min(request.level + 1, N_RUNGS - 1) if k is None else int(k)
    result = request.result
    rows = []
    for j, name in enumerate(s["options"]):
        row = {"option": name, f"P(level ≥ {k})": pct(s["table"][j][f"P(≥{k})"])}
        if result is not None:
            p = result.p_at_least(j, k)
            row["95% CI"] = pct_interval(p.lo, p.hi, "")
            if j:
                d = result.difference(j, k)
                row[f"vs {s['options'][0]}"] = points(d.diff, d.lo, d.hi)
            else:
                row[f"vs {s['options'][0]}"] = "—"
        row["P(inadvertent ≥ 3)"] = pct(s["table"][j]["P(inadvertent ≥3)"])
        rows.append(row)
    st.dataframe(pd.DataFrame(rows).set_index("option"))
    with st.expander("Every level, and how the futures are made"):
        _odds_summary_table(request, None)
        st.caption(s["engine"] if s["engine"] != COMPILED_NOTE else COMPILED_NOTE)
        if request.side:
            st.caption(
                f"From what {request.role} knew: the others' forces at the strength last seen, and only the "
                "responses whose provocation it could know of."
            )


def _odds_summary_table(request: OddsRequest, k: int | None) -> None:
    s = request.summary
    if s is None:
        return
    table = pd.DataFrame(s["table"]).set_index("option")
    if k is not None:
        table = table[[f"P(≥{k})", "P(inadvertent ≥3)"]]
        st.caption(f"Asked by {request.role} at {clock(request.hours)} ({s['futures']:,} futures per option)")
    st.dataframe(table.map(pct))


# --------------------------------------------------------------------------- the reveal


def reveal_table(items: list[Revelation], key: str) -> None:
    """What a side believed against what was true."""
    if not items:
        st.caption("Nothing this side believed was wrong.")
        return
    rows = [
        {
            "when": clock(r.hours) if r.hours is not None else "",
            "about": r.topic,
            "believed": r.believed,
            "in truth": r.truth,
        }
        for r in items
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=key)


def reveal_panel(room: Room, roles: list[str]) -> None:
    """The truth against each cell's picture, one tab per cell."""
    game = room.game
    tabs = st.tabs([f"{role}'s picture vs the truth" for role in roles])
    for tab, role in zip(tabs, roles, strict=True):
        with tab:
            picture = side_picture(game.game, room.side(role))
            reveal_table(reveal(game.game, picture), key=f"reveal_{role}")
    st.caption("Provocations in truth: " + "; ".join(f"{k.replace('_', ' ')} = {v}" for k, v in ROOT_WORDS.items()))
