"""Wargame page: step the crisis live, decide for one actor, inject events, ask for the odds from here."""

import pandas as pd
import streamlit as st

from app_pages.common import MAX_SEED, fmt_interval, job_running, launch, require_scenario, show_progress
from sim.app.levers import AUTONOMY_LEVELS
from sim.app.odds import COMPILED_NOTE, odds_from_here, options_for
from sim.app.session import GameSession, why
from sim.scenario.schema import (
    AsatTestInject,
    AttackInject,
    AutonomyChangeInject,
    CollisionAtSeaInject,
    FalseAlarmInject,
)
from sim.vocabulary import N_RUNGS, RUNG_NAMES, clock

st.title("Wargame (live)")
current = require_scenario()
if current is None:
    st.stop()
scenario = current.scenario
actors = list(scenario.actors)

# ------------------------------------------------------------------ new game
with st.expander("New game", expanded="game" not in st.session_state), st.form("new_game"):
    a, b, c = st.columns(3)
    player = a.selectbox(
        "Players decide for", [None, *actors], format_func=lambda v: v or "nobody (model only)", key="wg_player"
    )
    seed = b.number_input("Seed", 0, MAX_SEED, value=scenario.monte_carlo.seed, key="wg_seed")
    run = c.number_input("Run (a different history of chance events)", 0, 10**6, value=0, key="wg_run")
    if st.form_submit_button("Start a new game", icon=":material/restart_alt:"):
        st.session_state["game"] = GameSession(scenario, int(seed), int(run), player)
        st.session_state.pop("odds_job", None)
        st.session_state["game_overrides"] = current.overrides

session: GameSession | None = st.session_state.get("game")
if session is None:
    st.info("Start a new game: choose the actor the players decide for; the model plays everyone else.")
    st.stop()
game, model = session.game, session.game.model
if st.session_state.get("game_overrides", ()) != current.overrides:
    st.caption(":orange[The levers changed since this game started; start a new game to use them.]")

# ------------------------------------------------------------------ clock and controls
top = st.columns([2, 1, 1, 1.4])
top[0].metric("Clock", session.clock(), help=f"{game.hours:g} h of {model.horizon_hours:g} h")
if top[1].button("+1 hour", icon=":material/skip_next:", disabled=session.finished):
    session.step_hours(1)
    st.rerun()
if top[2].button("+1 day", icon=":material/fast_forward:", disabled=session.finished):
    session.step_hours(24)
    st.rerun()
if top[3].button("To next decision", icon=":material/flag:", disabled=session.finished or session.player is None):
    session.step_to_decision()
    st.rerun()
if session.finished:
    st.success("The crisis has reached its horizon.")

# ------------------------------------------------------------------ the ladder
rungs = game.rungs()
level = max(rungs.values())
st.markdown(f"**Crisis level {level} — {RUNG_NAMES[level]}**")
ladder = st.columns(len(rungs))
for col, (actor, rung) in zip(ladder, rungs.items(), strict=True):
    mark = " (players)" if actor == session.player else ""
    col.metric(f"{actor}{mark}", f"rung {rung}", help=RUNG_NAMES[rung])
    col.caption(RUNG_NAMES[rung])

# ------------------------------------------------------------------ decisions
decisions = game.open_decisions()
if session.player is not None:
    st.subheader(f"Decisions for {session.player}")
    if not decisions:
        st.caption("No decision is waiting. Step the clock (or go to the next decision point).")
    for d in decisions:
        with st.container(border=True):
            st.markdown(
                f"**{d.actor} must respond to {d.blamed}** — the provocation is read as rung "
                f"{d.provocation_rung} ({RUNG_NAMES[d.provocation_rung]}); {d.actor} stands at rung {d.current_rung}. "
                f"Asked at {clock(d.asked_hours)}."
            )
            reply = session.hotline_replies.get(d.id)
            if reply:
                st.info(f"Hotline: {reply}", icon=":material/call:")
            c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
            rung = c1.selectbox(
                "Respond at rung",
                list(range(N_RUNGS)),
                index=d.provocation_rung,
                format_func=lambda k: f"{k} — {RUNG_NAMES[k]}",
                key=f"dec_rung_{d.id}",
            )
            if c2.button("Respond", key=f"respond_{d.id}", type="primary"):
                session.decide(d.id, int(rung))
                st.rerun()
            if c3.button("Hold", key=f"hold_{d.id}"):
                session.decide(d.id, None)
                st.rerun()
            if c4.button("Call the hotline", key=f"hotline_{d.id}", disabled=d.id in session.hotline_replies):
                session.call_hotline(d.id)
                st.rerun()

# ------------------------------------------------------------------ odds from here
st.subheader("Odds from here")
with st.container(border=True):
    st.caption(COMPILED_NOTE)
    decision_id = decisions[0].id if decisions else None
    provocation = decisions[0].provocation_rung if decisions else 0
    o1, o2, o3 = st.columns(3)
    respond_rungs = o1.multiselect(
        "Responses to weigh (with hold and doctrine)",
        list(range(N_RUNGS)),
        default=[provocation] if decisions else [],
        disabled=decision_id is None,
        key=f"odds_rungs_{decision_id}",
    )
    futures = o2.number_input("Futures per option", 10, 20000, value=2000, step=500, key="odds_futures")
    remaining = max(model.horizon_hours - game.hours, 1.0)
    horizon = o3.number_input(
        "Look ahead (hours)", 1.0, float(model.horizon_hours), value=float(remaining), key="odds_horizon"
    )
    if st.button("Odds from here", icon=":material/query_stats:", disabled=session.finished or job_running("odds_job")):
        options = options_for(game, decision_id, sorted(respond_rungs))
        record, n, h = session.record, int(futures), float(horizon)
        w = 1  # the compiled futures run on numba threads; worker processes only serve the reference fallback
        st.session_state["odds_at"] = (len(session.actions), game.hours)
        launch(
            "odds_job",
            lambda p: odds_from_here(record, options, n, h, workers=w, progress=p),
            f"{len(options)} option(s) × {n} futures",
        )
    job = st.session_state.get("odds_job")
    if job is not None and not job.done:
        show_progress("odds_job")
    elif job is not None and job.error:
        st.error(f"Odds from here failed: {job.error}")
    elif job is not None:
        odds = job.result
        stale = st.session_state.get("odds_at", (None,))[0] != len(session.actions)
        st.markdown(
            f"From {clock(odds.start_hours)}, looking {odds.horizon_hours:g} h ahead: {odds.futures:,} futures per "
            f"option in {odds.seconds:.1f} s." + (" :orange[(the game has moved on since)]" if stale else "")
        )
        st.caption(odds.engine)
        table = pd.DataFrame(odds.table()).set_index("option")
        st.dataframe(table.style.format("{:.3f}"))
        k = st.select_slider("Crisis level k", list(range(1, N_RUNGS)), value=3, key="odds_k")
        cols = st.columns(len(odds.options))
        for j, (col, option) in enumerate(zip(cols, odds.options, strict=True)):
            p = odds.p_at_least(j, k)
            delta = None
            if j > 0:
                d = odds.difference(j, k)
                delta = f"{d.diff:+.3f} vs {odds.options[0].name} [{d.lo:+.3f}, {d.hi:+.3f}]"
            col.metric(f"P(level ≥ {k}) — {option.name}", f"{p.p:.3f}", delta=delta, delta_color="inverse")
            col.caption(fmt_interval(p.lo, p.hi))

# ------------------------------------------------------------------ map
st.subheader("Theatre and orbits")
zones = game.zones()
for kind, title in (("theater", "Theatre"), ("orbit", "Orbits")):
    here = [z for z in zones if z.kind == kind]
    if not here:
        continue
    st.markdown(f"**{title}**")
    cols = st.columns(min(4, len(here)))
    for i, zone in enumerate(here):
        with cols[i % len(cols)].container(border=True):
            name = scenario.zones[zone.zone].name or zone.zone
            st.markdown(f"**{name}**")
            for line in zone.assets or ("(empty)",):
                owner = line.split(" ", 1)[0]
                rung = rungs.get(owner)
                st.markdown(f"- {line}" + (f" · rung {rung}" if rung is not None else ""))

# ------------------------------------------------------------------ facilitator
st.subheader("Facilitator")
left, right = st.columns(2)
with left.container(border=True):
    st.markdown("**Change an asset's autonomy** (policy caps still apply)")
    own = [k for k, a in scenario.assets.items() if session.player is None or a.owner == session.player]
    if own:
        asset = st.selectbox("Asset", own, key="aut_asset")
        level_choice = st.selectbox("Autonomy", AUTONOMY_LEVELS, key="aut_level")
        if st.button("Set autonomy", key="aut_set", disabled=session.finished):
            session.set_autonomy(asset, level_choice)
            st.rerun()
with right.container(border=True):
    st.markdown("**Inject an event now**")
    kind = st.selectbox(
        "Event", ["false_alarm", "collision_at_sea", "attack", "asat_test", "autonomy_change"], key="inj_kind"
    )
    assets = list(scenario.assets)
    orbits = [k for k, z in scenario.zones.items() if z.kind == "orbit"]
    at = float(game.hours)
    inject = None
    if kind == "false_alarm":
        who = st.selectbox("Warning system of", actors, key="inj_actor")
        blamed = st.selectbox("Phantom attack appears to come from", [x for x in actors if x != who], key="inj_blamed")
        inject = FalseAlarmInject(
            kind="false_alarm",
            at_hours=at,
            actor=who,
            blamed=blamed,
            description="facilitator inject: early-warning false alarm",
        )
    elif kind == "collision_at_sea":
        pair = st.multiselect("Two assets", assets, max_selections=2, key="inj_pair")
        if len(pair) == 2:
            inject = CollisionAtSeaInject(
                kind="collision_at_sea", at_hours=at, assets=pair, description="facilitator inject: collision at sea"
            )
    elif kind == "attack":
        attacker = st.selectbox("Attacker", assets, key="inj_attacker")
        target = st.selectbox("Target", [x for x in assets if x != attacker], key="inj_target")
        inject = AttackInject(
            kind="attack",
            at_hours=at,
            attacker=attacker,
            target=target,
            description="facilitator inject: deliberate attack",
        )
    elif kind == "asat_test" and orbits:
        who = st.selectbox("Testing actor", actors, key="inj_asat_actor")
        zone = st.selectbox("Orbit", orbits, key="inj_zone")
        inject = AsatTestInject(
            kind="asat_test", at_hours=at, actor=who, zone=zone, description="facilitator inject: destructive ASAT test"
        )
    elif kind == "autonomy_change":
        who = st.selectbox("Actor", actors, key="inj_aut_actor")
        lvl = st.selectbox("New autonomy for all its assets", AUTONOMY_LEVELS, key="inj_aut_level")
        inject = AutonomyChangeInject(
            kind="autonomy_change",
            at_hours=at,
            actor=who,
            autonomy=lvl,
            description="facilitator inject: autonomy change",
        )
    if st.button("Inject", key="inj_go", disabled=inject is None or session.finished, icon=":material/bolt:"):
        session.inject(inject)
        st.rerun()

# ------------------------------------------------------------------ timeline
st.subheader("Timeline")
log = model.log
if not log:
    st.caption("Nothing has happened yet.")
else:
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
        chain = why(game, int(chosen))
        st.markdown("\n".join(f"{n}. {line}" for n, line in enumerate(chain, 1)) or "_A root event: no earlier cause._")
