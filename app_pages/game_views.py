"""Views of the live wargame: the theatre map and orbits, the rungs over time, odds from here, the timeline."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import fmt_interval, job_running, launch, remember, show_progress
from sim.app.drawing import orbits_svg, rung_chart_svg, side_by_side, theatre_svg
from sim.app.odds import COMPILED_NOTE, odds_from_here, options_for
from sim.app.session import GameSession, why
from sim.app.theatre import actor_colors, asset_views, chart_events, incidents, zone_layout
from sim.vocabulary import N_RUNGS, clock

# --------------------------------------------------------------------------- the theatre


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def show_svg(markup: str) -> None:
    """Inline SVG in the page (``st.html`` sanitises SVG away; markdown with HTML keeps it, as one block)."""
    st.markdown(f"<div class='flashpoint-svg'>{markup}</div>", unsafe_allow_html=True)


def theatre(session: GameSession) -> None:
    """Map of the zones with every force, the orbits beside it, incidents of the last step, rungs over time."""
    game, scenario = session.game, session.scenario
    views = asset_views(game.model)
    log = game.timeline()
    found = incidents(log, views, scenario.zones)
    now = [i for i in found if i.id >= session.last_mark]
    recent = [i for i in found if i.id < session.last_mark and i.hours >= game.hours - 24]
    colors = actor_colors(scenario.actors)
    rungs = game.rungs()
    tracked = getattr(game.model, "tracked_objects", None)
    stamp = {"hours": f"{game.hours:g}", "events": len(log), "state": session.state_key}
    picture = side_by_side(
        (theatre_svg(scenario, zone_layout(scenario), views, rungs, colors, now, recent, 580, 420, stamp), 2.25),
        (orbits_svg(scenario, views, colors, tracked, now, width=258, height=420), 1),
    )
    show_svg(picture)
    if now:
        latest = now[-1]
        more = f" and {len(now) - 1} more (red rings; the timeline has them all)" if len(now) > 1 else ""
        st.caption(f"**Incidents in the last step:** {clock(latest.hours)} — {_short(latest.text, 150)}{more}")
    history, events = session.history, chart_events(log)
    show_svg(rung_chart_svg(history, events, colors, scenario.time.horizon_hours, game.hours, width=840, height=220))
    with st.expander("Forces, zone by zone"):
        rows = [
            {"zone": v.zone, "owner": v.owner, "asset": v.name, "state": v.state_text(), "status": v.status}
            for v in views
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True)


# --------------------------------------------------------------------------- odds from here


def odds(session: GameSession) -> None:
    """P(crisis level >= k) from now under each option the players weigh, on common random numbers."""
    game = session.game
    decisions = game.open_decisions()
    decision = decisions[0] if decisions else None
    remaining = max(game.model.horizon_hours - game.hours, 0.0)
    st.markdown("**Odds from here**")
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
        float(game.model.horizon_hours),
        key="odds_horizon",
        disabled=remaining <= 0,
        help=f"At most what is left of the crisis: {remaining:g} h.",
    )
    if st.button("Odds from here", icon=":material/query_stats:", disabled=session.finished or job_running("odds_job")):
        options = options_for(game, decision.id if decision else None, sorted(rungs))
        record, n, h = session.record, int(futures), float(horizon)
        remember("odds_at", (session.state_key, int(max(game.rungs().values()))))
        launch(
            "odds_job",
            lambda p: odds_from_here(record, options, n, h, progress=p),
            f"{len(options)} × {n} futures",
            quick=len(options) * n <= 12_000 and "inject" not in {a.kind for a in record.actions},
        )
    _odds_result(session)


def _odds_result(session: GameSession) -> None:
    job = st.session_state.get("odds_job")
    if job is None:
        return
    if not job.done:
        show_progress("odds_job")
        return
    if job.error:
        st.error(f"Odds from here failed: {job.error}")
        return
    result = job.result
    key, level = st.session_state.get("odds_at", (None, 0))
    end = result.start_hours + result.horizon_hours
    stale = " :orange[— the game has moved on since; ask again.]" if key != session.state_key else ""
    st.caption(
        f"From {clock(result.start_hours)} to {clock(end)} ({result.horizon_hours:g} h ahead): "
        f"{result.futures:,} futures per option in {result.seconds:.1f} s, crisis level {level} at the fork.{stale}"
    )
    k = st.segmented_control(
        "Crisis level k",
        list(range(1, N_RUNGS)),
        default=min(level + 1, N_RUNGS - 1),
        key=f"odds_k_{job.id}",
        help="Defaults to one rung above the level at the fork (at or below it, every future counts).",
    )
    k = min(level + 1, N_RUNGS - 1) if k is None else int(k)
    rows = []
    for j, option in enumerate(result.options):
        p = result.p_at_least(j, k)
        row = {"option": option.name, f"P(level ≥ {k})": f"{p.p:.3f}", "95% CI": fmt_interval(p.lo, p.hi)[7:]}
        if j:
            d = result.difference(j, k)
            row[f"vs {result.options[0].name}"] = f"{d.diff:+.3f} [{d.lo:+.3f}, {d.hi:+.3f}]"
        else:
            row[f"vs {result.options[0].name}"] = "—"
        row["P(inadvertent ≥ 3)"] = f"{result.p_inadvertent(j).p:.3f}"
        rows.append(row)
    st.dataframe(pd.DataFrame(rows).set_index("option"))
    with st.expander("Every level, and how the futures are made"):
        st.dataframe(pd.DataFrame(result.table()).set_index("option").style.format("{:.3f}"))
        st.caption(result.engine if result.engine != COMPILED_NOTE else COMPILED_NOTE)


# --------------------------------------------------------------------------- the timeline


def timeline(session: GameSession) -> None:
    """Every event in plain language with its causes, and why a rung changed."""
    log = session.game.timeline()
    st.subheader("Timeline")
    if not log:
        st.caption("Nothing has happened yet.")
        return
    rows = [
        {
            "#": e.id,
            "time": clock(e.hours),
            "kind": e.kind,
            "event": e.text,
            "because of": ", ".join(f"#{i}" for i in e.cause_chain if i != e.id),
        }
        for e in reversed(log)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, height=320)
    steps = [e for e in log if e.kind == "rung_change"]
    if steps:
        chosen = st.selectbox(
            "Why did this happen?",
            [e.id for e in reversed(steps)],
            format_func=lambda i: f"#{i} {clock(log[i].hours)} — {log[i].text}",
            key="why_pick",
        )
        chain = why(session.game, int(chosen))
        st.markdown("\n".join(f"{n}. {line}" for n, line in enumerate(chain, 1)) or "_A root event: no earlier cause._")
