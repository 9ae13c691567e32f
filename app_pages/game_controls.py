"""White's controls: a new game with its cells, the clock, undo/redo, game files, the facilitator's injects.

Every action is a button callback that goes through the room (:func:`app_pages.room_views.act`) with the
version the window shows, so a stale window's action is refused, never applied over newer play. The room
writes itself to disk after every action.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import (
    MAX_SEED,
    Active,
    adopt_game,
    engine,
    engine_waiter,
    forget,
    inline_jobs,
    launch,
    open_room,
    rooms,
)
from app_pages.room_views import act
from sim.app.decision_runs import DEFAULT_EARLY_HOURS, runs_with_decisions
from sim.app.gamefile import GameFileError, game_from_json, game_to_json
from sim.app.levers import AUTONOMY_LEVELS
from sim.app.room import WHITE, Room
from sim.app.session import Cell, GameSession
from sim.scenario.schema import (
    AsatTestInject,
    AttackInject,
    AutonomyChangeInject,
    CollisionAtSeaInject,
    FalseAlarmInject,
)
from sim.vocabulary import RUNG_NAMES

NOBODY = "nobody (model only)"
CELL_NAMES = ("Blue", "Red", "Green")
"""The cells the new-game form offers (each may play any actors no other cell plays)."""


# --------------------------------------------------------------------------- starting and files


def _cells_wanted(scenario) -> tuple[Cell, ...]:
    state = st.session_state
    cells = [Cell(name, tuple(state.get(f"wg_cell_{name}") or ())) for name in CELL_NAMES]
    cells = [c for c in cells if c.actors]
    if not cells and state.get("wg_player", NOBODY) != NOBODY:
        cells = [Cell("Players", (state["wg_player"],))]
    return tuple(cells)


def new_game_form(current: Active) -> None:
    """Cells (or one players' actor), the seed and the run — with runs where the cells meet a decision early."""
    scenario = current.scenario
    actors = list(scenario.actors)
    st.markdown(
        "**Cells in separate rooms** — each gets its own join link and sees only its side's picture. "
        "The model plays every actor no cell plays."
    )
    cols = st.columns(len(CELL_NAMES))
    for col, name in zip(cols, CELL_NAMES, strict=True):
        col.multiselect(f"{name} cell plays", actors, key=f"wg_cell_{name}", placeholder="no one")
    a, b, c = st.columns(3)
    a.selectbox(
        "…or players decide for",
        [NOBODY, *actors],
        key="wg_player",
        help="One actor played from this screen (used when no cell is set above).",
    )
    try:
        cells = _checked(_cells_wanted(scenario), actors)
    except ValueError as exc:
        st.error(str(exc), icon=":material/block:")
        cells = None
    seed_now = int(st.session_state.get("wg_seed", scenario.monte_carlo.seed))
    found = _decision_runs(scenario, seed_now, cells) if cells else None
    seed = b.number_input("Seed", 0, MAX_SEED, value=scenario.monte_carlo.seed, key="wg_seed")
    c.number_input(
        "Run (a different history of chance events)",
        0,
        10**6,
        key="wg_run",
        **({} if "wg_run" in st.session_state else {"value": 0}),
    )
    if found:
        _offer_runs(found)
    if st.button("Start a new game", icon=":material/restart_alt:", type="primary", disabled=cells is None):
        session = GameSession(scenario, int(seed), int(st.session_state["wg_run"]), None, current.origin(), cells)
        st.session_state["game_overrides"] = current.overrides
        for key in ("step_note", "game_warnings", "seat_message"):
            st.session_state.pop(key, None)
        forget("odds_job")
        open_room(rooms().create(session))
        st.rerun()


def _checked(cells: tuple[Cell, ...], actors: list[str]) -> tuple[Cell, ...]:
    from sim.app.session import check_cells

    return check_cells(cells, actors)


def _decision_runs(scenario, seed: int, cells: tuple[Cell, ...]):
    """Runs in which the chosen cells meet a decision early, searched with the compiled engine (in the background).

    Returns the runs found (the first becomes the run unless the run was set by hand), or None while searching.
    """
    key = (seed, cells, id(scenario))
    job = st.session_state.get("decision_runs_job")
    if st.session_state.get("decision_runs_key") != key:
        st.session_state["decision_runs_key"] = key
        ready = engine_waiter(engine())  # read here: the job's thread has no Streamlit context

        def search(progress):
            while not ready(0.5):
                progress.note = "waiting for the engine"
                progress(0, 1)
            progress.note = ""
            return runs_with_decisions(scenario, seed, cells, progress=progress)

        job = launch("decision_runs_job", search, "searching runs with decisions", quick=inline_jobs())
    if job is None:
        return None
    if not job.done:
        from app_pages.common import show_progress

        show_progress("decision_runs_job")
        return None
    if job.error or not job.result:
        st.caption(":orange[No run found in which these cells meet a decision: the model may decide everything.]")
        return None
    state = st.session_state
    if state.get("_decision_runs_applied") != key:  # defaults to the first, unless the run was set by hand
        state["_decision_runs_applied"] = key
        if int(state.get("wg_run", 0)) == state.get("_wg_run_default", 0):
            state["wg_run"] = state["_wg_run_default"] = job.result[0].run
            state["wg_run_pick"] = job.result[0].run
    return job.result


def _offer_runs(found) -> None:
    names = {r.run: r.describe() for r in found}
    early = [r for r in found if r.every_cell_within(DEFAULT_EARLY_HOURS)]
    what = f"every cell within {DEFAULT_EARLY_HOURS / 24:g} days" if early else "the earliest decisions found"

    def pick() -> None:
        st.session_state["wg_run"] = st.session_state["_wg_run_default"] = int(st.session_state["wg_run_pick"])

    if st.session_state.get("wg_run_pick") not in names:
        st.session_state["wg_run_pick"] = found[0].run
    st.selectbox(
        f"Runs with decisions ({what}; searched with the compiled engine)",
        list(names),
        format_func=names.get,
        key="wg_run_pick",
        on_change=pick,
    )
    current = int(st.session_state.get("wg_run", 0))
    if current not in names:
        st.caption(
            f":orange[Run {current} is not among the runs where these cells meet a decision early: "
            "they may have nothing to decide for days.]"
        )


def load_game_box() -> None:
    """Upload a saved game file: it opens a new room and replaces the scenario in use."""
    file = st.file_uploader("Load a saved game (.json)", type=["json"], key="game_upload")
    if file is not None and st.session_state.get("_game_upload_id") != file.file_id:
        st.session_state["_game_upload_id"] = file.file_id
        try:
            adopt_game(game_from_json(file.getvalue(), file.name))
            forget("odds_job")
            game = st.session_state["game"]
            st.session_state["step_note"] = (None, "loaded", f"Loaded {file.name}: {game.clock()}.")
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


def top_bar(room: Room, version: int, token: str, current: Active) -> None:
    """Clock, steps, undo/redo, new game and game file, in one row; what the last action did below it."""
    session = room.game
    cols = st.columns([1.25, 0.8, 0.8, 1.25, 0.7, 0.7, 1.0, 1.0], vertical_alignment="bottom")
    model = session.game.model
    cols[0].metric("Clock", session.clock(), help=f"{session.game.hours:g} h of {model.horizon_hours:g} h")
    done = session.finished
    cols[1].button(
        "+1 hour", icon=":material/skip_next:", disabled=done, on_click=act, args=(token, version, "step", 1)
    )
    cols[2].button(
        "+1 day", icon=":material/fast_forward:", disabled=done, on_click=act, args=(token, version, "step", 24)
    )
    cols[3].button(
        "To next decision",
        icon=":material/flag:",
        disabled=done or not session.cells,
        help="Runs until a cell has a decision to make, or one day of game time, whichever comes first.",
        on_click=act,
        args=(token, version, "step_to_decision"),
    )
    cols[4].button(
        "Undo", icon=":material/undo:", disabled=not session.can_undo, on_click=act, args=(token, version, "undo")
    )
    cols[5].button(
        "Redo", icon=":material/redo:", disabled=not session.can_redo, on_click=act, args=(token, version, "redo")
    )
    with cols[6].popover("New game", icon=":material/restart_alt:"):
        new_game_form(current)
    with cols[7].popover("Game file", icon=":material/folder_open:"):
        save_game_button(session)
        load_game_box()
        st.caption(f"Kept by the server after every action (room `{room.id}`).")
    note = st.session_state.get("step_note")
    if done:
        st.success(f"The crisis is over ({session.clock()}).", icon=":material/flag:")
    elif note and (note[0] == room.version or note[0] is None):
        st.caption(note[2])
    elif room.note is not None and room.note.version == room.version:
        st.caption(f"Latest: {room.note.text}")


def rungs_row(session: GameSession) -> None:
    """The crisis level and every actor's rung."""
    rungs = session.game.rungs()
    level = max(rungs.values())
    cols = st.columns([1.6] + [1] * len(rungs))
    cols[0].metric(f"Crisis level — {RUNG_NAMES[level]}", f"rung {level}", help="The highest rung any actor holds.")
    for col, (actor, rung) in zip(cols[1:], rungs.items(), strict=True):
        cell = session.cell_of(actor)
        mark = "" if cell is None else " (players)" if cell.name == "Players" else f" ({cell.name})"
        col.metric(f"{actor}{mark}", f"rung {rung}", help=RUNG_NAMES[rung])


# --------------------------------------------------------------------------- the facilitator


def facilitator(room: Room, version: int, token: str) -> None:
    """Change an asset's autonomy; inject an event now."""
    session = room.game
    scenario = session.scenario
    names = {k: f"{a.owner} {a.name or k}" for k, a in scenario.assets.items()}
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown("**Change an asset's autonomy** (policy caps still apply)")
        st.selectbox("Asset", list(names), key="aut_asset", format_func=names.get)
        st.selectbox("Autonomy", AUTONOMY_LEVELS, key="aut_level", format_func=lambda v: v.replace("_", " "))
        st.button(
            "Set autonomy",
            key="aut_set",
            disabled=session.finished,
            on_click=lambda: act(
                token, version, "set_autonomy", st.session_state["aut_asset"], st.session_state["aut_level"]
            ),
        )
    with right.container(border=True):
        st.markdown("**Inject an event now**")
        inject = _inject_form(session, names)
        if st.button("Inject", key="inj_go", disabled=inject is None or session.finished, icon=":material/bolt:"):
            act(token, version, "inject", inject)
            st.rerun()


def _inject_form(session: GameSession, names: dict[str, str]):
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
            "Two assets",
            assets,
            max_selections=2,
            key="inj_pair",
            placeholder="pick the two that collide",
            format_func=names.get,
        )
        if len(pair) == 2:
            description = "facilitator inject: collision at sea"
            return CollisionAtSeaInject(kind=kind, at_hours=at, assets=pair, description=description)
        return None
    if kind == "attack":
        attacker = st.selectbox("Attacker", assets, key="inj_attacker", format_func=names.get)
        target = st.selectbox("Target", [x for x in assets if x != attacker], key="inj_target", format_func=names.get)
        description = "facilitator inject: deliberate attack"
        return AttackInject(kind=kind, at_hours=at, attacker=attacker, target=target, description=description)
    if kind == "asat_test":
        if not orbits:
            st.caption("This scenario has no orbit zone.")
            return None
        who = st.selectbox("Testing actor", actors, key="inj_asat_actor")
        zone = st.selectbox("Orbit", orbits, key="inj_zone", format_func=lambda z: scenario.zones[z].name or z)
        description = "facilitator inject: destructive ASAT test"
        return AsatTestInject(kind=kind, at_hours=at, actor=who, zone=zone, description=description)
    who = st.selectbox("Actor", actors, key="inj_aut_actor")
    level = st.selectbox(
        "New autonomy for all its assets",
        AUTONOMY_LEVELS,
        key="inj_aut_level",
        format_func=lambda v: v.replace("_", " "),
    )
    description = "facilitator inject: autonomy change"
    return AutonomyChangeInject(kind=kind, at_hours=at, actor=who, autonomy=level, description=description)


def seats_panel(room: Room) -> None:
    """The join link of every seat (a token per seat: a link opens only its seat)."""
    from sim.app.room import local_only, seat_lines

    base = st.context.url.split("?", 1)[0] if st.context.url else ""
    base = base.rsplit("/", 1)[0] + "/" if base.endswith("wargame") else base
    for role, link in seat_lines(room, base):
        if role == WHITE:
            continue
        cell = room.game.cell(role)
        st.markdown(f"**{cell.label()}** — give this link to the {role} cell only:")
        st.code(link, language=None)
    st.caption(f"White's own link (keep it to yourself): `{base}?seat={room.token_of(WHITE)}`")
    if local_only(base):
        st.caption(
            ":orange[These links name this machine (localhost): they open only on it. For cells on other "
            "machines, serve the app on the network (`--server.address 0.0.0.0`) and open it here by the "
            "server's network address; the links follow the address in this browser.]"
        )
