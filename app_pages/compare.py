"""Compare page: two or more option sets on common random numbers, differences with paired intervals."""

import math
import os

import pandas as pd
import streamlit as st

from app_pages.common import MAX_SEED, job_running, launch, require_scenario, show_progress
from sim.experiments.compare import compare, parse_arms
from sim.experiments.limits import MAX_COMPARE_RUNS, LimitError, check_arms, check_runs
from sim.experiments.metrics import metric_label
from sim.experiments.summary import Proportion
from sim.scenario import ScenarioError

DEFAULT_ARMS = """baseline
hotline_off: policy.hotline.enabled=false
human_control: policy.human_control_norm.enabled=true, policy.human_control_norm.verification=attestation
"""
SHOWN = ("p_ge_3", "p_ge_4", "p_ge_5", "p_inadvertent", "severity")

st.title("Compare options")
current = require_scenario()
if current is None:
    st.stop()
st.markdown(
    "One option per line, `NAME` or `NAME: PATH=VALUE, PATH=VALUE` (the first is the baseline). Every option "
    "runs the same run indices with the same seed — **common random numbers** — so each difference comes with a "
    "paired 95% interval, much tighter than two independent Monte Carlos would give."
)
if current.overrides:
    st.caption(
        "Every option starts from the scenario with the levers: " + ", ".join(f"`{o}`" for o in current.overrides)
    )

with st.form("cmp_form"):
    arms_text = st.text_area("Options", DEFAULT_ARMS, height=140, key="cmp_arms")
    a, b, c = st.columns(3)
    runs = a.number_input("Runs per option", 10, 100_000, value=200, step=50, key="cmp_runs")
    seed = b.number_input("Seed", 0, MAX_SEED, value=current.scenario.monte_carlo.seed, key="cmp_seed")
    cores = os.cpu_count() or 1
    workers = c.number_input("Worker processes", 1, max(1, cores), value=min(2, cores), key="cmp_workers")
    submitted = st.form_submit_button("Compare", icon=":material/compare_arrows:", disabled=job_running("cmp_job"))

if submitted:
    lines = [line.strip() for line in arms_text.splitlines() if line.strip() and not line.strip().startswith("#")]
    try:
        check_arms(len(lines))
        check_runs(int(runs), len(lines), "options", MAX_COMPARE_RUNS)
        arms = parse_arms([line.replace(": ", ":", 1) for line in lines])
    except LimitError as exc:
        st.session_state.pop("cmp_job", None)
        st.error(f"Too much work: {exc.message}.")
        st.stop()
    except ScenarioError as exc:
        st.session_state.pop("cmp_job", None)
        st.error("The options have errors:\n\n" + "\n\n".join(f"`{e.format()}`" for e in exc.errors))
        st.stop()
    scenario, n, s = current.scenario, int(runs), int(seed)
    w = 1 if n * len(arms) < 400 else int(workers)
    st.session_state["cmp_inputs"] = {"arms": lines, "runs": n, "seed": s}
    launch(
        "cmp_job",
        lambda progress: compare(scenario, arms, runs=n, seed=s, workers=w, progress=progress),
        f"{len(arms)} options × {n:,} runs",
    )

job = st.session_state.get("cmp_job")
if job is None:
    st.stop()
if not job.done:
    if st.button("Cancel", icon=":material/cancel:", key="cmp_cancel"):
        job.cancel()
    show_progress("cmp_job")
    st.stop()
if job.cancelled:
    st.info("The comparison was cancelled: nothing was kept.", icon=":material/cancel:")
    st.stop()
if job.error:
    st.error(f"The comparison failed: {job.error}")
    st.stop()

result = job.result
st.caption(f"{result.runs:,} runs per option, seed {result.seed}, {job.elapsed:.1f} s.")


def cell(e) -> str:
    v = e.p if isinstance(e, Proportion) else e.mean
    return f"{v:.3f} [{e.lo:.3f}, {e.hi:.3f}]" if math.isfinite(e.lo) else f"{v:.3f}"


st.subheader("Each option")
estimates = pd.DataFrame(
    {arm.name: {metric_label(m): cell(result.estimates[arm.name][m]) for m in SHOWN} for arm in result.arms}
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
            "difference": p.diff,
            "paired 95% CI": f"[{p.lo:+.3f}, {p.hi:+.3f}]",
            "unpaired 95% CI": f"[{p.unpaired_lo:+.3f}, {p.unpaired_hi:+.3f}]",
            "pairing made it narrower": f"{d.narrower:.1f}×" if math.isfinite(d.narrower) else "—",
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True)
st.session_state["cmp_result_dict"] = result.to_dict()
