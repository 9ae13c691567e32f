"""Every page of the facilitator's app and its main flows, through Streamlit's AppTest (jobs run inline)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from game_runs import run_with_a_decision
from streamlit.testing.v1 import AppTest

from sim.app.odds import odds_from_here, options_for
from sim.app.session import GameSession
from sim.experiments.compare import compare
from sim.experiments.monte_carlo import run_monte_carlo
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
PAGES = ("scenario", "monte_carlo", "compare", "wargame", "debrief")


@pytest.fixture(scope="module")
def taiwan():
    return load_scenario(TAIWAN)


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["inline_jobs"] = True
    at.run()
    assert not at.exception
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with this column (or index name)."""
    for df in at.dataframe:
        value = df.value
        if column in value.columns or value.index.name == column:
            return value
    raise KeyError(column)


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_error(page):
    at = goto(start(), page)
    assert at.title[0].value in {"Scenario", "Monte Carlo", "Compare options", "Wargame (live)", "Debrief"}


def test_scenario_loads_and_shipped_scenarios_switch():
    at = start()
    assert "Taiwan Strait" in at.success[0].value and "23 assets" in at.success[0].value
    at.selectbox(key="shipped_choice").set_value("south_china_sea.yaml").run()
    click(at, "Load shipped scenario")
    name = load_scenario(ROOT / "scenarios" / "south_china_sea.yaml").metadata.name
    assert name in at.success[0].value
    assert at.session_state["scenario_source"] == "south_china_sea.yaml"


def test_edit_with_an_error_shows_it_located_then_other_pages_refuse():
    at = start()
    text = TAIWAN.read_text().replace("horizon_hours: 336", "horizon_hours: -5", 1)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "horizon_hours: -5" in t)
    at.text_area(key="editor_widget").set_value(text).run()
    assert not at.exception
    assert "1 error(s) in the scenario" in at.error[0].value
    shown = texts(at)
    assert f"taiwan_strait.yaml:{line}:18: time.horizon_hours: must be > 0 (got -5)" in shown
    assert any(f"{line} |   horizon_hours: -5" in c.value for c in at.code)
    goto(at, "monte_carlo")
    assert "fix it on the Scenario page" in at.warning[0].value


def test_levers_become_overrides(taiwan):
    at = start()
    at.toggle(key="lever::policy.hotline.enabled").set_value(False).run()
    at.slider(key="lever::technology.export_control_strength").set_value(0.8).run()
    at.selectbox(key="lever::actors.PRC.autonomy").set_value("out_of_the_loop").run()
    code = "\n".join(c.value for c in at.code)
    assert "--set policy.hotline.enabled=false" in code
    assert "--set technology.export_control_strength=0.8" in code
    assert "--set actors.PRC.autonomy=out_of_the_loop" in code
    goto(at, "monte_carlo")  # the overrides survive leaving the page
    assert "policy.hotline.enabled=false" in texts(at)
    goto(at, "scenario")
    assert "--set policy.hotline.enabled=false" in "\n".join(c.value for c in at.code)


def test_monte_carlo_metrics_match_run_monte_carlo(taiwan):
    at = goto(start(), "monte_carlo")
    at.number_input(key="mc_runs").set_value(24)
    at.number_input(key="mc_seed").set_value(7)
    click(at, "Run Monte Carlo")
    expected = run_monte_carlo(taiwan, runs=24, seed=7).summary
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["P(crisis reaches rung ≥ 3)"] == f"{expected.max_rung_at_least[3].p:.3f}"
    assert metrics["P(crisis reaches rung ≥ 5)"] == f"{expected.max_rung_at_least[5].p:.3f}"
    assert metrics["P(inadvertent escalation)"] == f"{expected.inadvertent.p:.3f}"
    p3 = expected.max_rung_at_least[3]
    assert f"95% CI [{p3.lo:.3f}, {p3.hi:.3f}]" in texts(at)
    assert len(at.get("image")) == 4  # the four figures
    assert {b.proto.label for b in at.get("download_button")} >= {
        "Outcomes (Parquet)",
        "Outcomes (CSV)",
        "Summary (JSON)",
    }
    assert at.session_state["mc_job"].result.summary == expected


def test_compare_options_paired(taiwan):
    at = goto(start(), "compare")
    at.text_area(key="cmp_arms").set_value("baseline\nno_hotline: policy.hotline.enabled=false\n")
    at.number_input(key="cmp_runs").set_value(16)
    at.number_input(key="cmp_seed").set_value(11)
    click(at, "Compare")
    expected = compare(taiwan, ["baseline", "no_hotline:policy.hotline.enabled=false"], runs=16, seed=11)
    diffs = frame(at, "paired 95% CI")
    row = diffs[(diffs["option"] == "no_hotline") & (diffs["metric"] == "P(max rung ≥ 3)")].iloc[0]
    d = expected.difference("no_hotline", "p_ge_3").paired
    assert row["difference"] == pytest.approx(d.diff)
    assert row["paired 95% CI"] == f"[{d.lo:+.3f}, {d.hi:+.3f}]"
    estimates = frame(at, "no_hotline")
    assert isinstance(estimates, pd.DataFrame) and list(estimates.columns) == ["baseline", "no_hotline"]


def test_compare_bad_option_is_located():
    at = goto(start(), "compare")
    at.text_area(key="cmp_arms").set_value("baseline\nbad: policy.hotline.enabled\n")
    click(at, "Compare")
    assert "--arm:2:" in at.error[0].value


def _new_game(at: AppTest, run: int, player: str = "PRC") -> AppTest:
    at.selectbox(key="wg_player").set_value(player)
    at.number_input(key="wg_run").set_value(run)
    return click(at, "Start a new game")


def test_wargame_step_decide_hotline_inject_and_why(taiwan):
    run = run_with_a_decision(taiwan, "PRC", after_hours=25.0)  # the test first plays 25 hours
    at = _new_game(goto(start(), "wargame"), run)
    click(at, "+1 hour")
    assert at.metric[0].value == "day 1 01:00"
    click(at, "+1 day")
    assert at.metric[0].value == "day 2 01:00"
    click(at, "To next decision")
    reference = GameSession(taiwan, taiwan.monte_carlo.seed, run, "PRC")
    reference.step_hours(1)
    reference.step_hours(24)
    reference.step_to_decision()
    decision = reference.game.open_decisions()[0]
    assert at.metric[0].value == reference.clock()
    assert f"PRC must respond to {decision.blamed}" in texts(at)
    click(at, "Call the hotline")
    assert at.info[0].value.startswith("Hotline: PRC")
    at.selectbox(key=f"dec_rung_{decision.id}").set_value(4)
    click(at, "Respond")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["PRC (players)"] == "rung 4"
    timeline = frame(at, "because of")
    assert f"PRC (player) responds to {decision.blamed} at rung 4" in set(timeline["event"])
    # the facilitator injects a false alarm
    before = len(timeline)
    at.selectbox(key="inj_kind").set_value("false_alarm").run()
    at.selectbox(key="inj_actor").set_value("USA").run()
    click(at, "Inject")
    assert len(frame(at, "because of")) > before
    assert at.session_state["game"].actions[-1].kind == "inject"
    # the player changes an asset's autonomy
    at.selectbox(key="aut_asset").set_value("prc_fujian_group")
    at.selectbox(key="aut_level").set_value("on_the_loop")
    click(at, "Set autonomy")
    assert at.session_state["game"].game.model.assets["prc_fujian_group"].autonomy.value == "on_the_loop"
    # why did the player's step happen: its cause chain, in words
    assert at.selectbox(key="why_pick").value is not None
    assert any("1. day" in m.value for m in at.markdown)


def test_odds_from_here_match_the_fork_function(taiwan):
    at = _new_game(goto(start(), "wargame"), run_with_a_decision(taiwan, "PRC"))
    click(at, "To next decision")
    at.number_input(key="odds_futures").set_value(10)
    at.number_input(key="odds_horizon").set_value(24.0)
    click(at, "Odds from here")
    session = at.session_state["game"]
    decision = session.game.open_decisions()[0]
    options = options_for(session.game, decision.id, [decision.provocation_rung])
    expected = odds_from_here(session.record, options, futures=10, horizon_hours=24.0)
    table = frame(at, "P(≥3)")
    assert list(table.index) == [o.name for o in options]
    for j, option in enumerate(options):
        assert table.loc[option.name, "P(≥3)"] == pytest.approx(expected.p_at_least(j, 3).p)
    labels = [m.label for m in at.metric]
    assert f"P(level ≥ 3) — {options[0].name}" in labels


def test_debrief_exports_the_zip(taiwan):
    at = goto(start(), "monte_carlo")
    at.number_input(key="mc_runs").set_value(10)
    click(at, "Run Monte Carlo")
    _new_game(goto(at, "wargame"), run_with_a_decision(taiwan, "PRC"), player="PRC")
    click(at, "+1 day")
    goto(at, "debrief")
    click(at, "Prepare the debrief package")
    with zipfile.ZipFile(io.BytesIO(at.session_state["debrief_zip"])) as z:
        names = set(z.namelist())
        narrative = z.read("narrative.txt").decode()
    assert {
        "README.txt",
        "scenario.yaml",
        "narrative.txt",
        "monte_carlo_summary.json",
        "figures/fan_chart.png",
        "figures/max_rung.png",
        "figures/root_causes.png",
        "figures/time_to_rung.png",
    } <= names
    assert "seed" in narrative.splitlines()[0]
    assert "monte_carlo_summary.json" in texts(at)
