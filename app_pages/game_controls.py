"""Controls of the live wargame: new game, the clock, undo/redo, game files, decisions, the facilitator's injects.

Game actions run as button callbacks (before the page script), so one click costs one rerun, and each
is autosaved at once (:func:`app_pages.common.autosave`).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app_pages.common import MAX_SEED, Active, adopt_game, autosave, forget
from sim.app.gamefile import GameFileError, game_from_json, game_to_json
from sim.app.levers import AUTONOMY_LEVELS
from sim.app.session import GameSession, StepReport, describe_action
from sim.scenario.schema import (
    AsatTestInject,
    AttackInject,
    AutonomyChangeInject,
    CollisionAtSeaInject,
    FalseAlarmInject,
)
from sim.vocabulary import N_RUNGS, RUNG_NAMES, clock

NOBODY = "nobody (model only)"


def game() -> GameSession | None:
    """The game in progress."""
    return st.session_state.get("game")


def _act(fn: Callable[[GameSession], object]) -> None:
    """Apply an action to the game, note what a step did, autosave."""
    session = game()
    if session is None:
        return
    try:
        result = fn(session)
    except (KeyError, ValueError) as exc:  # e.g. a decision answered twice from two tabs: keep the game exact
        session.replay(list(session.actions))
        st.session_state["step_note"] = (session.state_key, "error", f"That action could not be applied ({exc}).")
        return
    if isinstance(result, StepReport):
        st.session_state["step_note"] = (session.state_key, result.reason, result.describe())
    else:
        st.session_state.pop("step_note", None)
    autosave()


def _undo_redo(redo: bool) -> None:
    session = game()
    if session is None:
        return
    action = session.redo() if redo else session.undo()
    if action is not None:
        verb = "Redone" if redo else "Undone"
        st.session_state["step_note"] = (session.state_key, "undo", f"{verb}: {describe_action(action)}.")
    autosave()


# --------------------------------------------------------------------------- starting and files


def new_game_form(current: Active) -> None:
    """Choose the players' actor, the seed and the run, and start."""
    scenario = current.scenario
    with st.form("new_game", border=False):
        a, b, c = st.columns(3)
        player = a.selectbox("Players decide for", [NOBODY, *scenario.actors], key="wg_player")
        seed = b.number_input("Seed", 0, MAX_SEED, value=scenario.monte_carlo.seed, key="wg_seed")
        run = c.number_input("Run (a different history of chance events)", 0, 10**6, value=0, key="wg_run")
        if st.form_submit_button("Start a new game", icon=":material/restart_alt:", type="primary"):
            who = None if player == NOBODY else player
            st.session_state["game"] = GameSession(scenario, int(seed), int(run), who, current.origin())
            st.session_state["game_overrides"] = current.overrides
            for key in ("step_note", "game_warnings"):
                st.session_state.pop(key, None)
            forget("odds_job")
            autosave()
            st.rerun()


def load_game_box() -> None:
    """Upload a saved game file: it replaces the game and the scenario in use."""
    file = st.file_uploader("Load a saved game (.json)", type=["json"], key="game_upload")
    if file is not None and st.session_state.get("_game_upload_id") != file.file_id:
        st.session_state["_game_upload_id"] = file.file_id
        try:
            adopt_game(game_from_json(file.getvalue(), file.name))
            forget("odds_job")
            st.session_state["step_note"] = (game().state_key, "loaded", f"Loaded {file.name}: {game().clock()}.")
            st.rerun()
        except GameFileError as exc:
            st.session_state["_game_upload_error"] = str(exc)
    if st.session_state.get("_game_upload_error"):
        st.error(st.session_state["_game_upload_error"], icon=":material/block:")


def save_game_button(session: GameSession) -> None:
    """Download the game as a file that loads back to the same state."""
    name = session.scenario.metadata.name.lower().replace(" ", "_")[:40]
    st.download_button(
        "Save the game (.json)",
        game_to_json(session),
        f"flashpoint_game_{name}_{session.clock().replace(' ', '_').replace(':', '')}.json",
        "application/json",
        icon=":material/save:",
        on_click="ignore",
        key="game_save",
    )


# --------------------------------------------------------------------------- the clock


def top_bar(session: GameSession, current: Active) -> None:
    """Clock, steps, undo/redo, new game and game file, in one row; what the last step did below it."""
    cols = st.columns([1.25, 0.8, 0.8, 1.25, 0.7, 0.7, 1.0, 1.0], vertical_alignment="bottom")
    model = session.game.model
    cols[0].metric("Clock", session.clock(), help=f"{session.game.hours:g} h of {model.horizon_hours:g} h")
    done = session.finished
    cols[1].button("+1 hour", icon=":material/skip_next:", disabled=done, on_click=_act, args=(_hours(1),))
    cols[2].button("+1 day", icon=":material/fast_forward:", disabled=done, on_click=_act, args=(_hours(24),))
    cols[3].button(
        "To next decision",
        icon=":material/flag:",
        disabled=done or session.player is None,
        help="Runs until the players have a decision to make, or one day of game time, whichever comes first.",
        on_click=_act,
        args=(GameSession.step_to_decision,),
    )
    cols[4].button("Undo", icon=":material/undo:", disabled=not session.can_undo, on_click=_undo_redo, args=(False,))
    cols[5].button("Redo", icon=":material/redo:", disabled=not session.can_redo, on_click=_undo_redo, args=(True,))
    with cols[6].popover("New game", icon=":material/restart_alt:"):
        new_game_form(current)
    with cols[7].popover("Game file", icon=":material/folder_open:"):
        save_game_button(session)
        load_game_box()
        st.caption(f"Autosaved after every action (session `{st.session_state['session_id']}`).")
    note = st.session_state.get("step_note")
    if done:
        st.success(f"The crisis is over ({session.clock()}).", icon=":material/flag:")
    elif note and note[0] == session.state_key:
        st.caption(note[2])


def _hours(hours: float) -> Callable[[GameSession], StepReport]:
    return lambda s: s.step_hours(hours)


def rungs_row(session: GameSession) -> None:
    """The crisis level and every actor's rung."""
    rungs = session.game.rungs()
    level = max(rungs.values())
    cols = st.columns([1.6] + [1] * len(rungs))
    cols[0].metric(f"Crisis level — {RUNG_NAMES[level]}", f"rung {level}", help="The highest rung any actor holds.")
    for col, (actor, rung) in zip(cols[1:], rungs.items(), strict=True):
        mark = " (players)" if actor == session.player else ""
        col.metric(f"{actor}{mark}", f"rung {rung}", help=RUNG_NAMES[rung])


# --------------------------------------------------------------------------- decisions


def decisions(session: GameSession) -> None:
    """The players' open decisions: respond at a rung, hold, or call the hotline first (when there is one)."""
    if session.player is None:
        st.markdown("**No players:** the model decides for every actor. Start a new game to play one.")
        return
    open_now = session.game.open_decisions()
    st.markdown(f"**Decisions for {session.player}**")
    if not open_now:
        st.caption("No decision is waiting. Step the clock, or go to the next decision point.")
    for d in open_now:
        st.markdown(
            f"**{d.actor} must respond to {d.blamed}** — the provocation is read as rung "
            f"{d.provocation_rung} ({RUNG_NAMES[d.provocation_rung]}); {d.actor} stands at rung {d.current_rung}. "
            f"Asked at {clock(d.asked_hours)}."
        )
        reply = session.hotline_replies.get(d.id)
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
            on_click=_act,
            args=(lambda s, i=d.id: s.decide(i, int(st.session_state[f"dec_rung_{i}"])),),
        )
        c3.button("Hold", key=f"hold_{d.id}", on_click=_act, args=(lambda s, i=d.id: s.decide(i, None),))
        if session.hotline_available(d.id):
            c4.button(
                "Call the hotline",
                key=f"hotline_{d.id}",
                disabled=d.id in session.hotline_replies,
                on_click=_act,
                args=(lambda s, i=d.id: s.call_hotline(i),),
            )
        else:
            c4.caption(_no_hotline(session, d.actor, d.blamed))


def _no_hotline(session: GameSession, actor: str, blamed: str) -> str:
    scenario = session.scenario
    if not scenario.policy.hotline.enabled:
        return "No hotline: it is off in this scenario."
    missing = [a for a in (actor, blamed) if "hotline" not in {str(c) for c in scenario.actors[a].commitments}]
    return f"No hotline between {actor} and {blamed} ({', '.join(missing)} not committed to one)."


# --------------------------------------------------------------------------- the facilitator


def facilitator(session: GameSession) -> None:
    """Change an asset's autonomy; inject an event now."""
    scenario = session.scenario
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown("**Change an asset's autonomy** (policy caps still apply)")
        own = [k for k, a in scenario.assets.items() if session.player is None or a.owner == session.player]
        if own:
            st.selectbox("Asset", own, key="aut_asset")
            st.selectbox("Autonomy", AUTONOMY_LEVELS, key="aut_level")
            st.button(
                "Set autonomy",
                key="aut_set",
                disabled=session.finished,
                on_click=_act,
                args=(lambda s: s.set_autonomy(st.session_state["aut_asset"], st.session_state["aut_level"]),),
            )
    with right.container(border=True):
        st.markdown("**Inject an event now**")
        inject = _inject_form(session)
        if st.button("Inject", key="inj_go", disabled=inject is None or session.finished, icon=":material/bolt:"):
            _act(lambda s: s.inject(inject))
            st.rerun()


def _inject_form(session: GameSession):
    scenario = session.scenario
    actors, assets = list(scenario.actors), list(scenario.assets)
    orbits = [k for k, z in scenario.zones.items() if z.kind == "orbit"]
    kinds = ["false_alarm", "collision_at_sea", "attack", "asat_test", "autonomy_change"]
    kind = st.selectbox("Event", kinds, key="inj_kind", format_func=lambda k: k.replace("_", " "))
    at = float(session.game.hours)
    if kind == "false_alarm":
        who = st.selectbox("Warning system of", actors, key="inj_actor")
        blamed = st.selectbox("Phantom attack appears to come from", [x for x in actors if x != who], key="inj_blamed")
        description = "facilitator inject: early-warning false alarm"
        return FalseAlarmInject(kind=kind, at_hours=at, actor=who, blamed=blamed, description=description)
    if kind == "collision_at_sea":
        pair = st.multiselect(
            "Two assets", assets, max_selections=2, key="inj_pair", placeholder="pick the two that collide"
        )
        if len(pair) == 2:
            description = "facilitator inject: collision at sea"
            return CollisionAtSeaInject(kind=kind, at_hours=at, assets=pair, description=description)
        return None
    if kind == "attack":
        attacker = st.selectbox("Attacker", assets, key="inj_attacker")
        target = st.selectbox("Target", [x for x in assets if x != attacker], key="inj_target")
        description = "facilitator inject: deliberate attack"
        return AttackInject(kind=kind, at_hours=at, attacker=attacker, target=target, description=description)
    if kind == "asat_test":
        if not orbits:
            st.caption("This scenario has no orbit zone.")
            return None
        who = st.selectbox("Testing actor", actors, key="inj_asat_actor")
        zone = st.selectbox("Orbit", orbits, key="inj_zone")
        description = "facilitator inject: destructive ASAT test"
        return AsatTestInject(kind=kind, at_hours=at, actor=who, zone=zone, description=description)
    who = st.selectbox("Actor", actors, key="inj_aut_actor")
    level = st.selectbox("New autonomy for all its assets", AUTONOMY_LEVELS, key="inj_aut_level")
    description = "facilitator inject: autonomy change"
    return AutonomyChangeInject(kind=kind, at_hours=at, actor=who, autonomy=level, description=description)
