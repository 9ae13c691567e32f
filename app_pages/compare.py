"""Compare page: two or more option sets on common random numbers, differences with paired intervals."""

import io
import math
import os

import pandas as pd
import streamlit as st

from app_pages.common import (
    MAX_SEED,
    Active,
    forget,
    job_running,
    launch,
    remember,
    require_scenario,
    show_progress,
)
from sim.app.comparison import (
    DEFAULT_VERDICT_METRIC,
    comparison_csv,
    comparison_parquet,
    forest_figure,
    metric_phrase,
    verdicts,
)
from sim.app.formatting import pct, pct_interval, points
from sim.app.uncertainty import posterior_for
from sim.experiments.compare import compare, parse_arms
from sim.experiments.display import parameter_note
from sim.experiments.limits import MAX_COMPARE_RUNS, LimitError, check_arms, check_runs
from sim.experiments.metrics import PROBABILITY_METRICS, is_probability, metric_label
from sim.experiments.summary import Proportion
from sim.scenario import ScenarioError

DEFAULT_ARMS = """baseline
hotline_off: policy.hotline.enabled=false
human_control: policy.human_control_norm.enabled=true, policy.human_control_norm.verification=attestation
"""
SHOWN = ("p_ge_3", "p_ge_4", "p_ge_5", "p_inadvertent", "severity")


@st.cache_data(max_entries=16, show_spinner=False)
def cached_forest(result_id: str, _result) -> bytes:
    """The forest plot as PNG, drawn once per comparison."""
    buffer = io.BytesIO()
    forest_figure(_result).savefig(buffer, format="png")
    return buffer.getvalue()


def _span(metric: str, lo: float, hi: float) -> str:
    """An interval of a difference: in percentage points for a probability."""
    if is_probability(metric):
        return points(0.0, lo, hi).split(" ", 2)[2]
    return f"[{lo:+.3f}, {hi:+.3f}]"


def main() -> None:
    """Draw the page (it returns early rather than st.stop(), so the sidebar is always drawn)."""
    st.title("Compare options")
    current = require_scenario()
    if current is None:
        return
    st.markdown(
        "One option per line, `NAME` or `NAME: PATH=VALUE, PATH=VALUE` (the first is the baseline). Every option "
        "runs the same run indices with the same seed — **common random numbers** — so each difference comes with a "
        "paired 95% interval, much tighter than two independent Monte Carlos would give."
    )
    if current.overrides:
        st.caption(
            "Every option starts from the scenario with the levers: " + ", ".join(f"`{o}`" for o in current.overrides)
        )
    _form(current)
    job = st.session_state.get("cmp_job")
    if job is None:
        return
    if not job.done:
        if st.button("Cancel", icon=":material/cancel:", key="cmp_cancel"):
            job.cancel()
        show_progress("cmp_job")
        return
    if job.cancelled:
        st.info("The comparison was cancelled: nothing was kept.", icon=":material/cancel:")
        return
    if job.error:
        st.error(f"The comparison failed: {job.error}")
        return
    _results(job, current)


def _form(current: Active) -> None:
    """The options, runs, seed, workers and parameter uncertainty; a submitted form starts the comparison."""
    with st.form("cmp_form"):
        arms_text = st.text_area("Options", DEFAULT_ARMS, height=140, key="cmp_arms")
        a, b, c = st.columns(3)
        runs = a.number_input("Runs per option", 10, 100_000, value=1000, step=100, key="cmp_runs")
        seed = b.number_input("Seed", 0, MAX_SEED, value=current.scenario.monte_carlo.seed, key="cmp_seed")
        cores = os.cpu_count() or 1
        workers = c.number_input(
            "Worker processes",
            1,
            max(1, cores),
            value=1,
            key="cmp_workers",
            help="One is fastest on one machine: the compiled engine already runs on every core.",
        )
        offer = posterior_for(current.source, current.base.scenario)
        uncertain = st.checkbox(
            "Carry parameter uncertainty" + (f" (calibrated posterior `{offer.file}`)" if offer.posterior else ""),
            value=False,
            key="cmp_posterior",
            disabled=offer.posterior is None,
            help="Run i of every option draws the same parameter set from the calibration's posterior; the paired "
            "interval then covers the difference under a parameter set drawn from it. " + (offer.reason or ""),
        )
        submitted = st.form_submit_button("Compare", icon=":material/compare_arrows:", disabled=job_running("cmp_job"))
    if not submitted:
        return
    lines = [line.strip() for line in arms_text.splitlines() if line.strip() and not line.strip().startswith("#")]
    try:
        check_arms(len(lines))
        check_runs(int(runs), len(lines), "options", MAX_COMPARE_RUNS)
        arms = parse_arms([line.replace(": ", ":", 1) for line in lines])
    except LimitError as exc:
        forget("cmp_job")
        st.error(f"Too much work: {exc.message}.")
        return
    except ScenarioError as exc:
        forget("cmp_job")
        st.error("The options have errors:\n\n" + "\n\n".join(f"`{e.format()}`" for e in exc.errors))
        return
    scenario, n, s, w = current.scenario, int(runs), int(seed), int(workers)
    posterior = offer.posterior if uncertain else None
    remember("cmp_inputs", {"arms": lines, "runs": n, "seed": s, "overrides": current.overrides})
    launch(
        "cmp_job",
        lambda progress: compare(scenario, arms, runs=n, seed=s, workers=w, progress=progress, posterior=posterior),
        f"{len(arms)} options × {n:,} runs",
        quick=n * len(arms) <= 6_000 and w == 1,
    )


def _results(job, current: Active) -> None:
    """The verdicts, the forest plot, each option's estimates and the differences (percentages, points)."""
    result = job.result
    inputs = st.session_state.get("cmp_inputs", {})
    st.caption(f"{result.runs:,} runs per option, seed {result.seed}, {job.elapsed:.1f} s.")
    if result.metadata.get("posterior"):
        st.info(parameter_note(result.metadata["posterior"]), icon=":material/stacked_line_chart:")
    if inputs.get("overrides", current.overrides) != current.overrides:
        st.caption(":orange[The levers changed since this comparison ran; press Compare to run it again.]")

    st.subheader("Verdict")
    choices = [m for m in PROBABILITY_METRICS if m != "p_ge_1"]
    metric = st.columns([1, 2])[0].selectbox(
        "Verdict on",
        choices,
        index=choices.index(DEFAULT_VERDICT_METRIC),
        format_func=metric_phrase,
        key="cmp_verdict_metric",
    )
    for sentence in verdicts(result, metric):
        st.markdown(f"- {sentence}")
    st.caption(
        f"Each option against **{result.arms[0].name}** (the first line), on the same {result.runs:,} runs: the "
        "difference in percentage points with its paired 95% interval."
    )
    st.image(cached_forest(job.id, result), caption="Thick: paired 95% interval; thin grey: unpaired (same runs).")
    _tables(result)


def _cell(e) -> str:
    """An estimate with its interval: a probability in percent."""
    v = e.p if isinstance(e, Proportion) else e.mean
    if isinstance(e, Proportion):
        return f"{pct(v)} ({pct_interval(e.lo, e.hi, '')})" if math.isfinite(e.lo) else pct(v)
    return f"{v:.3f} [{e.lo:.3f}, {e.hi:.3f}]" if math.isfinite(e.lo) else f"{v:.3f}"


def _tables(result) -> None:
    st.subheader("Each option")
    estimates = pd.DataFrame(
        {arm.name: {metric_label(m): _cell(result.estimates[arm.name][m]) for m in SHOWN} for arm in result.arms}
    )
    st.dataframe(estimates)

    st.subheader(f"Differences against {result.arms[0].name}")
    rows = []
    for d in result.differences:
        if d.metric not in SHOWN:
            continue
        p = d.paired
        rows.append(
            {
                "option": d.arm,
                "metric": metric_label(d.metric),
                "difference": points(p.diff) if is_probability(d.metric) else f"{p.diff:+.3f}",
                "paired 95% CI": _span(d.metric, p.lo, p.hi),
                "unpaired 95% CI": _span(d.metric, p.unpaired_lo, p.unpaired_hi),
                "pairing made it narrower": f"{d.narrower:.1f}×" if math.isfinite(d.narrower) else "—",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    d1, d2, _ = st.columns([1, 1, 3])
    d1.download_button(
        "Table (CSV)",
        lambda: comparison_csv(result),
        "comparison.csv",
        "text/csv",
        icon=":material/csv:",
        on_click="ignore",
    )
    d2.download_button(
        "Table (Parquet)",
        lambda: comparison_parquet(result),
        "comparison.parquet",
        "application/vnd.apache.parquet",
        icon=":material/table:",
        on_click="ignore",
    )
    st.caption("Every option and metric, as `ComparisonResult.frame()` returns it in the Python API.")


main()
