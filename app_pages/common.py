"""State shared by the app's pages: the scenario in use, its levers and overrides, background jobs, the session.

Widget state is dropped by Streamlit when a page that owns the widget is not shown, so anything
other pages need lives under plain session-state keys (``scenario_text``, ``levers``, ...).

Each browser session has an id in the URL (``?session=...``). The scenario in use and the game are
written to the sessions folder after every change (``FLASHPOINT_SESSIONS_DIR``; by default ``sessions/`` in
the installation's data directory, e.g. ``~/.local/share/flashpoint/sessions``,
:class:`~sim.app.gamefile.SessionStore`; a visit that changes nothing writes nothing; sessions and rooms untouched
for ``KEEP_DAYS`` days are removed), and the results of long jobs are kept in memory by the server under that id, so
a refresh or a reconnect restores them. A game lives in its room (:mod:`sim.app.room`, under ``rooms/`` there).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from sim.app.editing import Validation, shipped_scenarios, validate_text
from sim.app.engine import engine_status
from sim.app.gamefile import LoadedGame, SessionStore, new_session_id, valid_session_id
from sim.app.jobs import Job, Progress, start_job
from sim.app.levers import lever_overrides
from sim.app.room import WHITE, Room, RoomRegistry, valid_token
from sim.app.session import GameOrigin
from sim.engines import EnginePreparation
from sim.engines.warmup import ENTRY_POINTS
from sim.scenario.schema import Scenario

DEFAULT_SCENARIO = "taiwan_strait.yaml"
INLINE_ENV = "FLASHPOINT_APP_INLINE_JOBS"
"""Set to 1 to run background jobs synchronously (tests)."""
MAX_KEPT_SESSIONS = 32
"""Sessions whose results the server keeps in memory for a refresh (least recently used dropped first)."""


@dataclass(frozen=True)
class Active:
    """The scenario the pages work on."""

    source: str
    text: str
    base: Validation
    overrides: tuple[str, ...]
    validation: Validation

    @property
    def scenario(self) -> Scenario | None:
        """The validated scenario with overrides applied (None if invalid)."""
        return self.validation.scenario

    def origin(self) -> GameOrigin:
        """Where a game started now gets its scenario from (to save it)."""
        return GameOrigin(self.source, self.text, self.overrides, dict(st.session_state.get("levers", {})))


# --------------------------------------------------------------------------- the session and its autosave


def store() -> SessionStore:
    """The autosave store (``sessions/`` in the installation's data directory; old files expire)."""
    return SessionStore.default()


def data_dir() -> Path:
    """Where the app keeps what it writes: the sessions, and the rooms under ``rooms/`` there."""
    return Path(store().directory)


@st.cache_resource(show_spinner=False)
def _registry(directory: str, inline: bool) -> RoomRegistry:
    return RoomRegistry(Path(directory), inline_odds=inline)


def rooms() -> RoomRegistry:
    """The server's rooms (one registry per data folder), kept on disk under ``rooms/``."""
    return _registry(str(store().rooms_directory), inline_jobs())


def seat() -> tuple[Room, str] | None:
    """The room and role this window's seat token (``?seat=``) opens, or None."""
    token = st.query_params.get("seat") or st.session_state.get("seat_token")
    found = rooms().find(token) if valid_token(token) else None
    if found is not None:
        st.session_state["seat_token"] = token
    return found


def white_room() -> Room | None:
    """The room whose White seat this window holds, or None (then the Wargame page offers a new game)."""
    found = seat()
    return found[0] if found is not None and found[1] == WHITE else None


def open_room(room: Room) -> None:
    """Make this window White's seat of ``room``: the URL carries its token, a refresh comes back to it."""
    token = room.token_of(WHITE)
    st.session_state["seat_token"] = token
    st.session_state["game"] = room.game
    st.query_params["seat"] = token
    autosave()


@st.cache_resource(show_spinner=False)
def _results() -> dict[str, dict[str, Any]]:
    """Results of long jobs by session id, in the server's memory (survive a refresh, not a restart)."""
    return {}


def init_state() -> None:
    """First run of a session: restore it from the URL's session id, or load the default scenario."""
    state = st.session_state
    if "session_id" not in state:
        wanted = st.query_params.get("session")
        stored = store().load(wanted) if valid_session_id(wanted) else None
        # a session saved nothing until something changed: its id still finds the results the server keeps
        state["session_id"] = wanted if stored is not None or wanted in _results() else new_session_id()
        if stored is not None:
            _restore(stored.workspace, stored.game, stored.problem)
        for key, value in _results().get(state["session_id"], {}).items():
            state.setdefault(key, value)
    if "scenario_text" not in state:
        path = shipped_scenarios()[DEFAULT_SCENARIO]
        load_text(path.read_text(encoding="utf-8"), path.name)
        state["_saved_workspace"] = _meaning()  # the default needs no file: a visit writes none
    if st.query_params.get("session") != state["session_id"]:
        st.query_params["session"] = state["session_id"]


def _restore(workspace: dict | None, game: LoadedGame | None, problem: str | None) -> None:
    state = st.session_state
    if workspace and isinstance(workspace.get("text"), str) and isinstance(workspace.get("source"), str):
        load_text(workspace["text"], workspace["source"], workspace.get("levers") or {})
    if workspace and valid_token(workspace.get("seat")) and not st.query_params.get("seat"):
        st.query_params["seat"] = workspace["seat"]
    if game is not None:
        adopt_game(game, save=False)
    if problem:
        state["restore_problem"] = problem


def adopt_game(loaded: LoadedGame, save: bool = True) -> None:
    """Make a loaded game the current one (in a new room), with its scenario and levers as the scenario in use."""
    state = st.session_state
    origin = loaded.session.origin
    if origin is not None:
        load_text(origin.text, origin.source, dict(origin.levers))
    state["game_overrides"] = origin.overrides if origin is not None else ()
    state["game_warnings"] = loaded.warnings
    for key in ("odds_job", "odds_at", "step_note"):
        state.pop(key, None)
    room = rooms().create(loaded.session)
    if save:
        open_room(room)
    else:
        state["seat_token"] = room.token_of(WHITE)
        state["game"] = room.game


def workspace() -> dict[str, Any]:
    """The scenario in use (and White's seat, if any), as the autosave stores it."""
    state = st.session_state
    space = {
        "source": state["scenario_source"],
        "text": state["scenario_text"],
        "levers": dict(state.get("levers", {})),
    }
    if state.get("seat_token"):
        space["seat"] = state["seat_token"]
    return space


def autosave() -> None:
    """Write the scenario in use (and White's seat) to this session's file; the game is kept by its room."""
    state = st.session_state
    space = workspace()
    store().save(state["session_id"], space, None)
    state["_saved_workspace"] = _meaning()


def autosave_workspace_if_changed() -> None:
    """Autosave when the scenario in use changed since the last save: its text, or the overrides its levers make.

    Levers that only take the scenario's own values (the panel fills them in on a first visit) change nothing.
    """
    if st.session_state.get("_saved_workspace") != _meaning():
        autosave()


def _meaning() -> str:
    """A digest of what the scenario in use is: its source, its text and the overrides of its levers."""
    current = active()
    key = repr((current.source, current.text, current.overrides))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


# --------------------------------------------------------------------------- the scenario in use


def load_text(text: str, source: str, levers: dict[str, Any] | None = None) -> None:
    """Make ``text`` the scenario in use (levers reset to the scenario's own values, or to ``levers``)."""
    state = st.session_state
    state["scenario_text"] = text
    state["scenario_source"] = source
    state["levers"] = dict(levers or {})
    state["editor_widget"] = text
    for key in [k for k in state if isinstance(k, str) and k.startswith("lever::")]:
        del state[key]


def _validate(text: str, source: str, overrides: tuple[str, ...]) -> Validation:
    memo = st.session_state.setdefault("_validation_memo", {})
    key = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), source, overrides)
    if key not in memo:
        if len(memo) > 8:
            memo.clear()
        memo[key] = validate_text(text, source, overrides)
    return memo[key]


def active() -> Active:
    """The scenario text, its base validation, the lever overrides and the validated result."""
    state = st.session_state
    text, source = state["scenario_text"], state["scenario_source"]
    base = _validate(text, source, ())
    overrides: tuple[str, ...] = ()
    if base.ok:
        overrides = tuple(lever_overrides(base.scenario, state.get("levers", {})))
        state["last_base"] = base.scenario
    return Active(source, text, base, overrides, _validate(text, source, overrides) if overrides else base)


def require_scenario() -> Active | None:
    """The active scenario, or None after telling the user to fix it on the Scenario page."""
    current = active()
    if current.scenario is None:
        st.warning(
            f"The scenario has {current.validation.count} error(s); fix it on the Scenario page first.",
            icon=":material/error:",
        )
        st.page_link("app_pages/scenario.py", label="Go to the Scenario page", icon=":material/edit:")
    return current if current.scenario is not None else None


def sidebar_status() -> None:
    """The scenario in use, its validity and the number of overrides (drawn after the page has run)."""
    current = active()
    with st.sidebar:
        st.caption("Scenario in use")
        if current.scenario is not None:
            st.markdown(f"**{current.scenario.metadata.name}**  \n`{current.source}` — valid")
        elif not current.base.ok:
            st.markdown(f"`{current.source}` — **invalid** ({current.base.count} error(s))")
        else:
            st.markdown(f"`{current.source}` — **invalid with the levers** ({current.validation.count} error(s))")
        n = len(current.overrides)
        st.caption(f"{n} override{'s' if n != 1 else ''} from the levers" if n else "No overrides from the levers")


# --------------------------------------------------------------------------- the engine's first use


@st.cache_resource(show_spinner=False)
def engine_preparation() -> EnginePreparation:
    """The compiled engine's preparation, started once per server (a compile on first use, else a load).

    Every entry point: batches (Monte Carlo, Compare), a logged run (the search for games with decisions),
    a fork (odds from here) and the kernels the reference engine calls (the live game).
    """
    return EnginePreparation(ENTRY_POINTS).start()


def engine() -> EnginePreparation:
    """The engine's preparation, started in the background by the server's first page (never a silent stall)."""
    return engine_preparation()


def engine_waiter(preparation: EnginePreparation) -> Callable[[float], bool]:
    """``wait(seconds) -> ready``: for work queued behind the preparation (a failed one: compiled on first use)."""

    def wait(seconds: float) -> bool:
        try:
            return preparation.wait(seconds) is not None
        except Exception:  # the preparation failed: the work compiles what it needs itself, as without it
            return True

    return wait


def preparation_text(preparation: EnginePreparation) -> tuple[float, str]:
    """``(fraction, text)`` of the engine's preparation, for a job waiting behind it."""
    status = engine_status(preparation)
    if status is None:
        return 0.0, "loading the compiled engine"
    return status.fraction, status.text


def show_engine_preparation(preparation: EnginePreparation | None = None, sidebar: bool = True) -> None:
    """While the engine compiles, its notice and a progress bar (in the sidebar), refreshed every second."""
    preparation = engine_preparation() if preparation is None else preparation
    if engine_status(preparation) is None:
        return

    @st.fragment(run_every=1.0)
    def _poll() -> None:
        status = engine_status(preparation)
        if status is None:
            st.rerun(scope="app")
        st.progress(status.fraction, text=status.text)

    if sidebar:
        with st.sidebar:
            _poll()
    else:
        _poll()


# --------------------------------------------------------------------------- jobs


def inline_jobs() -> bool:
    """Whether background jobs run synchronously (tests set this)."""
    return bool(st.session_state.get("inline_jobs")) or os.environ.get(INLINE_ENV) == "1"


def remember(key: str, value: Any) -> None:
    """Keep a result under ``key`` in the session and in the server's memory for this session id."""
    st.session_state[key] = value
    results, sid = _results(), st.session_state["session_id"]
    results[sid] = results.pop(sid, {})  # most recently used last
    results[sid][key] = value
    while len(results) > MAX_KEPT_SESSIONS:  # the server's memory is not a store: oldest sessions go first
        results.pop(next(iter(results)))


def forget(key: str) -> None:
    """Drop a result kept by :func:`remember`."""
    st.session_state.pop(key, None)
    _results().get(st.session_state["session_id"], {}).pop(key, None)


def launch(key: str, fn, label: str, quick: bool = False, needs_engine: bool = True) -> Job:
    """Start a job stored under ``key`` (one per key at a time).

    A ``quick`` job (a second or two) runs within this rerun: its result shows at once, without a
    background thread, progress polling and a second rerun. Longer jobs run in a thread with progress.
    While the engine is still being prepared, a job that needs it waits for it in the background, saying so.
    """
    ready = engine_waiter(engine())
    if needs_engine and not engine().done:
        quick, work = False, fn

        def fn(progress: Progress):
            while not ready(0.5):
                progress.note = "waiting for the engine to be prepared"
                progress(0, 1)  # raises once cancelled
            progress.note = ""
            return work(progress)

    job = start_job(fn, label, inline=quick or inline_jobs())
    remember(key, job)
    return job


def job_running(key: str) -> bool:
    """Whether the job under ``key`` exists and is still running."""
    job = st.session_state.get(key)
    return job is not None and not job.done


def show_progress(key: str) -> None:
    """Progress of the job under ``key``, refreshed every 0.2 s until it ends (then the page reruns)."""

    @st.fragment(run_every=0.2)
    def _poll() -> None:
        job: Job | None = st.session_state.get(key)
        if job is None:
            return
        if job.done:
            st.rerun(scope="app")
        progress: Progress = job.progress
        if progress.note:  # e.g. waiting for the engine's preparation
            fraction, text = preparation_text(engine())
            st.progress(fraction, text=f"{job.label}: {progress.note} — {text}")
            return
        text = f"{job.label}: {progress.done:,} of {progress.total:,} · {job.elapsed:.1f} s"
        st.progress(progress.fraction, text=text)

    _poll()


@st.cache_data(max_entries=64, show_spinner=False)
def cached_figure(result_id: str, key: str, _summary: Any) -> bytes:
    """A Monte Carlo figure as PNG, drawn once per result (``result_id``) and figure, not at every rerun."""
    from sim.app.results import figure_png

    return figure_png(_summary, key)


def fmt_interval(lo: float, hi: float) -> str:
    """A 95% interval as text."""
    return f"95% CI [{lo:.3f}, {hi:.3f}]"


MAX_SEED = (1 << 53) - 1
"""Largest seed the browser's number input can hold exactly (the engine accepts up to 2**63 - 1)."""
