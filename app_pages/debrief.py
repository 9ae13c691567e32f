"""Debrief page: the after-action report for the participants (one HTML file), and the analyst's zip."""

import streamlit as st

from app_pages.common import require_scenario, white_room
from sim.app.aar import aar_html, aar_pdf
from sim.app.debrief import DebriefInput, build_debrief, debrief_contents


def done(job):
    """A finished, successful job (else None)."""
    return job if job is not None and job.done and not job.error else None


def main() -> None:
    """Draw the page."""
    st.title("Debrief")
    current = require_scenario()
    if current is None:
        return
    state = st.session_state
    room = white_room()
    session = room.game if room is not None else None
    mc_job, cmp_job = state.get("mc_job"), state.get("cmp_job")
    comparison = done(cmp_job).result if done(cmp_job) else None

    st.subheader("After-action report — for the participants")
    if session is None:
        st.info("Play a game on the Wargame page first: the report is built from the game.")
    else:
        with room.lock.reading():
            decisions = sum(1 for a in session.actions if a.kind == "decide")
            st.markdown(
                f"- The game: **{len(session.game.timeline())} events up to {session.clock()}**, "
                f"{decisions} decision(s) by the cells ({', '.join(c.name for c in session.cells) or 'none'})\n"
                "- Inside: the rungs over time, every decision with the odds the cell saw, the map at each decision "
                "(the truth beside the cell's picture), each cell's picture against the truth, "
                f"{'the verdicts and forest plot of the comparison, ' if comparison else ''}"
                "and what happened day by day in plain language.\n"
                "- One HTML file: it opens offline in any browser, nothing is fetched."
            )

        def report() -> bytes:
            with room.lock.reading():
                return aar_html(session, room.odds, comparison).encode("utf-8")

        st.download_button(
            "Download the after-action report (HTML)",
            report,  # built when clicked, from the game as it is then
            "after_action_report.html",
            "text/html",
            icon=":material/description:",
            type="primary",
            on_click="ignore",
            key="aar_html",
        )
        if aar_pdf("<p></p>") is not None:
            st.download_button(
                "…as PDF",
                lambda: aar_pdf(report().decode("utf-8")),
                "after_action_report.pdf",
                "application/pdf",
                icon=":material/picture_as_pdf:",
                on_click="ignore",
                key="aar_pdf",
            )
        else:
            st.caption(
                "A PDF is offered when WeasyPrint is installed (`pip install weasyprint`); print the HTML meanwhile."
            )

    st.subheader("Analyst's package (zip)")
    odds_requests = [r for r in room.odds if r.result is not None] if room is not None else []
    data = DebriefInput(
        scenario=current.scenario,
        source=current.source,
        overrides=current.overrides,
        mc_request=state.get("mc_request") if done(mc_job) else None,
        mc_result=done(mc_job).result if done(mc_job) else None,
        game=session.game if session is not None else None,
        comparison=comparison.to_dict() if comparison is not None else None,
        odds=odds_requests[-1].result if odds_requests else None,
    )
    mc = f"yes, {len(data.mc_result.outcomes)} runs" if data.mc_result else "not run"
    narrative = f"{len(data.game.timeline())} events up to {data.game.clock()}" if data.game else "no game played"
    st.markdown(
        "\n".join(
            [
                f"- Scenario: **{current.scenario.metadata.name}** (`{current.source}`), "
                f"{len(current.overrides)} override(s)",
                f"- Monte Carlo: {mc}",
                f"- Wargame narrative: {narrative}",
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
        on_click="ignore",
    )


main()
