"""Monte Carlo page: run N replications in the background, metrics with intervals, figures, downloads."""

import os

import streamlit as st

from app_pages.common import (
    MAX_SEED,
    Active,
    cached_figure,
    job_running,
    launch,
    remember,
    require_scenario,
    show_progress,
)
from sim.app.formatting import pct, pct_interval
from sim.app.results import (
    FIGURE_BUILDERS,
    FIGURE_TITLES,
    McRequest,
    headline,
    outcomes_csv,
    outcomes_parquet,
    run_request,
    summary_json,
)
from sim.app.uncertainty import posterior_for
from sim.experiments.display import parameter_note
from sim.report.tables import escalation_table, root_cause_table
from sim.scenario.limits import MAX_RUNS

QUICK_RUNS = 5_000  # up to this many runs (about a second on the compiled engine) run within the click's rerun


def main() -> None:
    """Draw the page (it returns early rather than st.stop(), so the sidebar is always drawn)."""
    st.title("Monte Carlo")
    current = require_scenario()
    if current is None:
        return
    _form(current)
    job = st.session_state.get("mc_job")
    if job is not None and not job.done:
        show_progress("mc_job")
        return
    if job is not None and job.error:
        st.error(f"The Monte Carlo failed: {job.error}")
        return
    if job is None:
        st.info("Set the number of replications and press **Run Monte Carlo**.")
        return
    _results(job)


def _form(current: Active) -> None:
    """The replications, seed, workers and parameter uncertainty; a submitted form starts the job."""
    scenario = current.scenario
    with st.form("mc_form", border=True):
        a, b, c = st.columns(3)
        runs = a.number_input("Replications", 10, min(MAX_RUNS, 200_000), value=200, step=50, key="mc_runs")
        seed = b.number_input("Seed", 0, MAX_SEED, value=scenario.monte_carlo.seed, step=1, key="mc_seed")
        cores = os.cpu_count() or 1
        workers = c.number_input(
            "Worker processes",
            1,
            max(1, cores),
            value=1,
            step=1,
            key="mc_workers",
            help="One is fastest on one machine: the compiled engine already runs on every core (numba threads); "
            "more processes only add start-up time.",
        )
        if current.overrides:
            st.caption("With overrides: " + ", ".join(f"`{o}`" for o in current.overrides))
        offer = posterior_for(current.source, current.base.scenario)
        uncertain = st.checkbox(
            "Carry parameter uncertainty" + (f" (calibrated posterior `{offer.file}`)" if offer.posterior else ""),
            value=False,
            key="mc_posterior",
            disabled=offer.posterior is None,
            help="Each group of 20 runs draws its model parameters from the calibration's posterior, and every "
            "interval then covers the value under a parameter set drawn from it (the dice and the spread between "
            "parameter sets). " + (offer.reason or ""),
        )
        submitted = st.form_submit_button(
            "Run Monte Carlo", icon=":material/play_arrow:", disabled=job_running("mc_job")
        )
    if submitted:
        posterior = offer.posterior if uncertain else None
        request = McRequest(scenario, int(runs), int(seed), int(workers), current.overrides, current.source, posterior)
        remember("mc_request", request)
        quick = request.runs <= QUICK_RUNS and request.workers == 1
        launch("mc_job", lambda progress: run_request(request, progress), f"{request.runs:,} runs", quick=quick)


def _results(job) -> None:
    """The finished job's headline probabilities (percentages), figures, tables and downloads."""
    result, request = job.result, st.session_state["mc_request"]
    summary = result.summary
    st.caption(
        f"{summary.n_runs:,} runs of **{result.scenario.metadata.name}**, seed {result.seed}, "
        f"{request.workers} worker(s), {job.elapsed:.1f} s."
    )
    if summary.posterior:
        st.info(parameter_note(summary.posterior), icon=":material/stacked_line_chart:")
    cols = st.columns(3)
    for col, (label, p) in zip(cols, headline(summary).items(), strict=True):
        col.metric(label, pct(p.p), help=f"{p.count} of {p.n} runs")
        col.caption(pct_interval(p.lo, p.hi))

    tabs = st.tabs([FIGURE_TITLES[k] for k in FIGURE_BUILDERS] + ["Tables"])
    for tab, key in zip(tabs, FIGURE_BUILDERS, strict=False):
        with tab:
            st.image(cached_figure(job.id, key, summary))
    with tabs[-1]:
        spread = "95% intervals: dice and the spread between parameter sets"
        st.markdown(f"**Highest rung reached** ({spread if summary.posterior else '95% Wilson intervals'})")
        st.dataframe(escalation_table(summary), hide_index=True)
        st.markdown("**Root cause of the highest step**")
        st.dataframe(root_cause_table(summary), hide_index=True)
    _downloads(request, result)


def _downloads(request: McRequest, result) -> None:
    st.subheader("Download")
    d1, d2, d3 = st.columns(3)
    # built when clicked (in another thread), so a rerun does not rebuild them
    d1.download_button(
        "Outcomes (Parquet)",
        lambda: outcomes_parquet(request, result),
        "outcomes.parquet",
        "application/vnd.apache.parquet",
        icon=":material/table:",
        on_click="ignore",
    )
    d2.download_button(
        "Outcomes (CSV)",
        lambda: outcomes_csv(result),
        "outcomes.csv",
        "text/csv",
        icon=":material/csv:",
        on_click="ignore",
    )
    d3.download_button(
        "Summary (JSON)",
        lambda: summary_json(request, result),
        "summary.json",
        "application/json",
        icon=":material/data_object:",
        on_click="ignore",
    )


main()
