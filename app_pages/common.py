"""State shared by the app's pages: the scenario in use, its levers and overrides, background jobs.

Widget state is dropped by Streamlit when a page that owns the widget is not shown, so anything
other pages need lives under plain session-state keys (``scenario_text``, ``levers``, ...).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import streamlit as st

from sim.app.editing import Validation, shipped_scenarios, validate_text
from sim.app.jobs import Job, Progress, start_job
from sim.app.levers import lever_overrides
from sim.scenario.schema import Scenario

DEFAULT_SCENARIO = "taiwan_strait.yaml"
INLINE_ENV = "FLASHPOINT_APP_INLINE_JOBS"
"""Set to 1 to run background jobs synchronously (tests)."""


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


def init_state() -> None:
    """Load the default scenario the first time a session runs."""
    state = st.session_state
    if "scenario_text" not in state:
        path = shipped_scenarios()[DEFAULT_SCENARIO]
        load_text(path.read_text(encoding="utf-8"), path.name)


def load_text(text: str, source: str) -> None:
    """Make ``text`` the scenario in use (levers reset to the scenario's own values)."""
    state = st.session_state
    state["scenario_text"] = text
    state["scenario_source"] = source
    state["levers"] = {}
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
            f"The scenario has {len(current.validation.errors)} error(s); fix it on the Scenario page first.",
            icon=":material/error:",
        )
        st.page_link("app_pages/scenario.py", label="Go to the Scenario page", icon=":material/edit:")
    return current if current.scenario is not None else None


def inline_jobs() -> bool:
    """Whether background jobs run synchronously (tests set this)."""
    return bool(st.session_state.get("inline_jobs")) or os.environ.get(INLINE_ENV) == "1"


def launch(key: str, fn, label: str) -> Job:
    """Start a job stored under ``key`` (one per key at a time)."""
    job = start_job(fn, label, inline=inline_jobs())
    st.session_state[key] = job
    return job


def job_running(key: str) -> bool:
    """Whether the job under ``key`` exists and is still running."""
    job = st.session_state.get(key)
    return job is not None and not job.done


def show_progress(key: str) -> None:
    """Progress of the job under ``key``, refreshed every half second until it ends (then the page reruns)."""

    @st.fragment(run_every=0.5)
    def _poll() -> None:
        job: Job | None = st.session_state.get(key)
        if job is None:
            return
        if job.done:
            st.rerun(scope="app")
        progress: Progress = job.progress
        text = f"{job.label}: {progress.done:,} of {progress.total:,} · {job.elapsed:.1f} s"
        st.progress(progress.fraction, text=text)

    _poll()


def fmt_interval(lo: float, hi: float) -> str:
    """A 95% interval as text."""
    return f"95% CI [{lo:.3f}, {hi:.3f}]"


MAX_SEED = (1 << 53) - 1
"""Largest seed the browser's number input can hold exactly (the engine accepts up to 2**63 - 1)."""
