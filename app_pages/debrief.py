"""Debrief page: export the figures, the event narrative, the scenario and the summaries as one zip."""

import streamlit as st

from app_pages.common import require_scenario
from sim.app.debrief import DebriefInput, build_debrief, debrief_contents

st.title("Debrief")
current = require_scenario()
if current is None:
    st.stop()

state = st.session_state
mc_job, game, cmp_job, odds_job = (state.get(k) for k in ("mc_job", "game", "cmp_job", "odds_job"))


def done(job):
    return job if job is not None and job.done and not job.error else None


data = DebriefInput(
    scenario=current.scenario,
    source=current.source,
    overrides=current.overrides,
    mc_request=state.get("mc_request") if done(mc_job) else None,
    mc_result=done(mc_job).result if done(mc_job) else None,
    game=game.game if game is not None else None,
    comparison=done(cmp_job).result.to_dict() if done(cmp_job) else None,
    odds=done(odds_job).result if done(odds_job) else None,
)
st.markdown(
    "\n".join(
        [
            f"- Scenario: **{current.scenario.metadata.name}** (`{current.source}`), "
            f"{len(current.overrides)} override(s)",
            f"- Monte Carlo: {'yes, ' + str(len(data.mc_result.outcomes)) + ' runs' if data.mc_result else 'not run'}",
            "- Wargame narrative: "
            + (f"{len(data.game.timeline())} events up to {data.game.clock()}" if data.game else "no game played"),
            f"- Comparison: {'yes' if data.comparison else 'not run'}",
            f"- Odds from here: {'yes' if data.odds else 'not asked'}",
        ]
    )
)
st.caption("Contents: " + ", ".join(f"`{m}`" for m in debrief_contents(data)))
st.download_button(
    "Download debrief.zip",
    lambda: build_debrief(data),  # built when clicked, from the state shown above: never an older package
    "debrief.zip",
    "application/zip",
    icon=":material/folder_zip:",
    type="primary",
    on_click="ignore",
)
