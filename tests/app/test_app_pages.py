"""Every page of the facilitator's app and its main flows, through Streamlit's AppTest (jobs run inline)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from app_runs import decision_run
from streamlit.testing.v1 import AppTest

import sim.app.results
from sim.app.comparison import verdicts
from sim.app.editing import validate_text
from sim.app.formatting import pct, pct_interval, points
from sim.app.gamefile import game_to_json, state_digest
from sim.app.odds import odds_from_here, options_for
from sim.app.session import GameSession
from sim.experiments.compare import compare
from sim.experiments.monte_carlo import run_monte_carlo
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
PAGES = ("home", "scenario", "monte_carlo", "compare", "wargame", "debrief")


@pytest.fixture(scope="module")
def taiwan():
    return load_scenario(TAIWAN)


def start(session: str | None = None, page: str | None = "scenario") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["inline_jobs"] = True
    if session is not None:
        at.query_params["session"] = session
    at.run()
    assert not at.exception, at.exception
    if page:  # the app opens on "what do you want to do?"; most tests start from the Scenario page
        goto(at, page)
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


def sidebar(at: AppTest) -> str:
    return "\n".join([m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption])


def hours(clock_text: str) -> float:
    day, hh, mm = map(int, re.fullmatch(r"day (\d+) (\d\d):(\d\d)", clock_text).groups())
    return (day - 1) * 24 + hh + mm / 60


# --------------------------------------------------------------------------- scenario, levers, honest sidebar


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_error(page):
    at = goto(start(), page)
    assert at.title[0].value in {
        "Flashpoint",
        "Scenario",
        "Monte Carlo",
        "Compare options",
        "Wargame (live)",
        "Debrief",
    }


def test_scenario_loads_and_shipped_scenarios_switch():
    at = start()
    assert "Taiwan Strait" in at.success[0].value and "23 assets" in at.success[0].value
    at.selectbox(key="shipped_choice").set_value("south_china_sea.yaml").run()
    click(at, "Load shipped scenario")
    name = load_scenario(ROOT / "scenarios" / "south_china_sea.yaml").metadata.name
    assert name in at.success[0].value
    assert at.session_state["scenario_source"] == "south_china_sea.yaml"
    assert name in sidebar(at)


def test_edit_with_errors_is_located_and_the_sidebar_says_invalid_at_once():
    at = start()
    text = TAIWAN.read_text().replace("horizon_hours: 336", "horizon_hours: -5", 1)
    text = text.replace("resolve: 0.6", "resolve: 7", 1)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "horizon_hours: -5" in t)
    at.text_area(key="editor_widget").set_value(text).run()
    assert not at.exception
    assert "2 error(s) in the scenario" in at.error[0].value
    assert "invalid** (2 error(s))" in sidebar(at)  # the same run that shows the errors, not one later
    shown = texts(at)
    assert f"taiwan_strait.yaml:{line}:18: time.horizon_hours: must be > 0 (got -5)" in shown
    assert any(f"{line} |   horizon_hours: -5" in c.value for c in at.code)
    goto(at, "monte_carlo")
    assert "fix it on the Scenario page" in at.warning[0].value


def test_levers_become_overrides_and_the_sidebar_counts_them(taiwan):
    at = start()
    at.toggle(key="lever::policy.hotline.enabled").set_value(False).run()
    assert "1 override from the levers" in sidebar(at)
    at.slider(key="lever::technology.export_control_strength").set_value(0.8).run()
    at.selectbox(key="lever::actors.PRC.autonomy").set_value("out_of_the_loop").run()
    code = [line for c in at.code for line in c.value.splitlines()]
    assert "--set policy.hotline.enabled=false" in code
    assert "--set technology.export_control_strength=0.8" in code
    assert "--set actors.PRC.autonomy=out_of_the_loop" in code
    assert f"{len(code)} overrides from the levers" in sidebar(at)
    goto(at, "monte_carlo")  # the overrides survive leaving the page
    assert "policy.hotline.enabled=false" in texts(at)
    goto(at, "scenario")
    assert "--set policy.hotline.enabled=false" in "\n".join(c.value for c in at.code)


def test_selectors_say_as_in_the_scenario_and_no_cap(taiwan):
    at = start()
    swarms = at.selectbox(key="lever::asset_class.drone_swarm.autonomy")
    cap = at.selectbox(key="lever::policy.autonomy_caps.drone_swarm")
    assert swarms.value == "as in the scenario" and cap.value == "no cap"
    assert swarms.options[0] == "as in the scenario" and cap.options[0] == "no cap"
    swarms.set_value("in_the_loop").run()
    n_swarms = sum(a.kind == "drone_swarm" for a in taiwan.assets.values())
    assert sum("autonomy=in_the_loop" in c.value for c in at.code) == 1
    assert f"{n_swarms} overrides from the levers" in sidebar(at)
    at.selectbox(key="lever::asset_class.drone_swarm.autonomy").set_value("as in the scenario").run()
    assert "No overrides from the levers" in sidebar(at)
    goto(at, "wargame")
    assert at.selectbox(key="wg_player").value == "nobody (model only)"


# --------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_and_compare_carry_the_shipped_posterior_when_asked(taiwan):
    from sim.app.uncertainty import posterior_for
    from sim.experiments.posterior import load_posterior

    offer = posterior_for("taiwan_strait.yaml", taiwan)
    assert offer.posterior is not None, offer.reason  # the shipped posterior fits the shipped scenario
    at = goto(start(), "monte_carlo")
    at.number_input(key="mc_runs").set_value(60)
    at.number_input(key="mc_seed").set_value(7)
    at.checkbox(key="mc_posterior").check()
    click(at, "Run Monte Carlo")
    posterior = load_posterior(ROOT / "scenarios" / "taiwan_strait.posterior.json")
    expected = run_monte_carlo(taiwan, runs=60, seed=7, posterior=posterior).summary
    p3 = expected.max_rung_at_least[3]
    assert p3.spread is not None and pct_interval(p3.lo, p3.hi) in texts(at)  # the interval with the spread
    assert any("parameter uncertainty: runs draw their parameters" in i.value for i in at.info)
    goto(at, "compare")
    at.checkbox(key="cmp_posterior").check()
    at.number_input(key="cmp_runs").set_value(40)
    click(at, "Compare")
    result = at.session_state["cmp_job"].result
    assert result.metadata["posterior"]["file"].endswith("taiwan_strait.posterior.json")
    assert result.differences[0].paired.spread is not None
    south = load_scenario(ROOT / "scenarios" / "south_china_sea.yaml")
    assert posterior_for("south_china_sea.yaml", south).posterior is None


def test_monte_carlo_in_one_process_matches_run_monte_carlo_and_figures_are_cached(taiwan, monkeypatch):
    drawn = []
    real = sim.app.results.figure_png
    monkeypatch.setattr(sim.app.results, "figure_png", lambda summary, key: drawn.append(key) or real(summary, key))
    at = goto(start(), "monte_carlo")
    assert at.number_input(key="mc_workers").value == 1
    at.number_input(key="mc_runs").set_value(24)
    at.number_input(key="mc_seed").set_value(7)
    click(at, "Run Monte Carlo")
    expected = run_monte_carlo(taiwan, runs=24, seed=7).summary
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["P(crisis reaches rung ≥ 3)"] == pct(expected.max_rung_at_least[3].p)  # percentages
    assert metrics["P(crisis reaches rung ≥ 5)"] == pct(expected.max_rung_at_least[5].p)
    assert metrics["P(inadvertent escalation)"] == pct(expected.inadvertent.p)
    p3 = expected.max_rung_at_least[3]
    assert pct_interval(p3.lo, p3.hi) in texts(at)
    assert len(at.get("image")) == 4  # the four figures
    assert {b.proto.label for b in at.get("download_button")} >= {
        "Outcomes (Parquet)",
        "Outcomes (CSV)",
        "Summary (JSON)",
    }
    assert at.session_state["mc_job"].result.summary == expected
    assert sorted(drawn) == sorted(sim.app.results.FIGURE_BUILDERS)
    at.run()  # a rerun (any widget) does not draw them again
    assert len(drawn) == 4 and len(at.get("image")) == 4


# --------------------------------------------------------------------------- Compare


ARMS = ["baseline", "no_hotline: policy.hotline.enabled=false"]


def test_compare_gives_a_verdict_per_option_and_paired_differences(taiwan):
    at = goto(start(), "compare")
    assert at.number_input(key="cmp_workers").value == 1
    at.text_area(key="cmp_arms").set_value("\n".join(ARMS) + "\n")
    at.number_input(key="cmp_runs").set_value(60)
    at.number_input(key="cmp_seed").set_value(11)
    click(at, "Compare")
    expected = compare(taiwan, [a.replace(": ", ":") for a in ARMS], runs=60, seed=11)
    [sentence] = verdicts(expected, "p_ge_4")
    assert sentence.startswith("Without the hotline, P(reaching strikes) ")
    assert f"- {sentence}" in [m.value for m in at.markdown]
    at.selectbox(key="cmp_verdict_metric").set_value("p_ge_3").run()
    assert f"- {verdicts(expected, 'p_ge_3')[0]}" in [m.value for m in at.markdown]
    assert len(at.get("image")) == 1  # the forest plot
    diffs = frame(at, "paired 95% CI")
    row = diffs[(diffs["option"] == "no_hotline") & (diffs["metric"] == "P(max rung ≥ 3)")].iloc[0]
    d = expected.difference("no_hotline", "p_ge_3").paired
    assert row["difference"] == points(d.diff)  # percentage points
    assert row["paired 95% CI"] == points(d.diff, d.lo, d.hi).split(" ", 2)[2]
    assert {b.proto.label for b in at.get("download_button")} >= {"Table (CSV)", "Table (Parquet)"}


def test_compare_bad_option_is_located():
    at = goto(start(), "compare")
    at.text_area(key="cmp_arms").set_value("baseline\nbad: policy.hotline.enabled\n")
    click(at, "Compare")
    assert "--arm:2:" in at.error[0].value


# --------------------------------------------------------------------------- the wargame


def _new_game(at: AppTest, player: str = "PRC", run: int | None = None, scenario=None) -> AppTest:
    """Start a game; by default at a run where the players meet a decision point (searched in the model)."""
    if run is None:
        run = decision_run(scenario or load_scenario(TAIWAN), player)
    at.selectbox(key="wg_player").set_value(player)
    at.number_input(key="wg_run").set_value(run)
    return click(at, "Start a new game")


def _in_use(at: AppTest):
    """The scenario the app has in use (validated from its editor text, as the app does)."""
    return validate_text(at.session_state["scenario_text"], at.session_state["scenario_source"]).scenario


def _to_decision(at: AppTest, limit: int = 20) -> None:
    """Press "To next decision" until a decision opens: each press moves at most a day and says why it stopped."""
    for _ in range(limit):
        before = hours(at.metric[0].value)
        click(at, "To next decision")
        moved = hours(at.metric[0].value) - before
        assert 0 < moved <= 24
        note = texts(at)
        if "Stopped at a decision point" in note:
            return
        assert "No decision point within a day: stopped after 24 h" in note and moved == 24
    raise AssertionError("no decision point")


def test_wargame_steps_decides_injects_and_explains(taiwan):
    at = _new_game(goto(start(), "wargame"))
    click(at, "+1 hour")
    assert at.metric[0].value == "day 1 01:00"
    click(at, "+1 day")
    assert at.metric[0].value == "day 2 01:00"
    _to_decision(at)
    session = at.session_state["game"]
    reference = GameSession(taiwan, taiwan.monte_carlo.seed, session.run, "PRC")
    reference.replay(list(session.actions))
    assert state_digest(reference) == state_digest(session)
    decision = reference.game.open_decisions()[0]
    assert f"PRC must respond to {decision.blamed}" in texts(at)
    at.selectbox(key=f"dec_rung_{decision.id}").set_value(4)
    click(at, "Respond")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["PRC (players)"] == "rung 4"
    timeline = frame(at, "because of")
    assert f"PRC (player) responds to {decision.blamed} at rung 4" in set(timeline["event"])
    before = len(timeline)
    at.selectbox(key="inj_kind").set_value("false_alarm").run()
    at.selectbox(key="inj_actor").set_value("USA").run()
    click(at, "Inject")
    assert len(frame(at, "because of")) > before
    assert at.session_state["game"].actions[-1].kind == "inject"
    at.selectbox(key="aut_asset").set_value("prc_fujian_group")
    at.selectbox(key="aut_level").set_value("on_the_loop")
    click(at, "Set autonomy")
    assert at.session_state["game"].game.model.assets["prc_fujian_group"].autonomy.value == "on_the_loop"
    assert at.selectbox(key="why_pick").value is not None
    assert any("1. day" in m.value for m in at.markdown)


def test_the_map_and_the_chart_show_every_asset_and_actor(taiwan):
    at = _new_game(goto(start(), "wargame"))
    click(at, "+1 day")
    pictures = "\n".join(m.value for m in at.markdown if "<svg" in m.value)
    shown = set(re.findall(r"data-asset='([^']+)'", pictures))
    assert shown == set(taiwan.assets)
    lines = set(re.findall(r"class='rung-line' data-actor='([^']+)'", pictures))
    assert lines == set(taiwan.actors)
    assert "data-hours='24'" in pictures


@pytest.mark.parametrize("twn_committed", [False, True])
def test_hotline_is_offered_only_between_committed_actors(twn_committed):
    at = start()
    if twn_committed:  # the editor gives Taiwan a hotline commitment
        text = TAIWAN.read_text().replace(
            "commitments: [human_control_norm]", "commitments: [hotline, human_control_norm]"
        )
        assert text != TAIWAN.read_text()
        at.text_area(key="editor_widget").set_value(text).run()
    at = _new_game(goto(at, "wargame"), scenario=_in_use(at))
    _to_decision(at)
    scenario = at.session_state["game"].scenario
    assert ("hotline" in scenario.actors["TWN"].commitments) == twn_committed
    decision = at.session_state["game"].game.open_decisions()[0]
    committed = all("hotline" in scenario.actors[a].commitments for a in (decision.actor, decision.blamed))
    labels = {b.label for b in at.button}
    assert ("Call the hotline" in labels) == committed
    if committed:
        click(at, "Call the hotline")
        assert at.info[0].value.startswith(f"Hotline: {decision.actor} calls {decision.blamed}")
    else:
        assert f"No hotline between {decision.actor} and {decision.blamed}" in texts(at)


def test_undo_then_redo_returns_to_the_same_state():
    at = _new_game(goto(start(), "wargame"))
    click(at, "+1 day")
    click(at, "+1 hour")
    session = at.session_state["game"]
    after = state_digest(session)
    click(at, "Undo")
    assert at.metric[0].value == "day 2 00:00" and state_digest(session) != after
    click(at, "Undo")
    assert at.metric[0].value == "day 1 00:00"
    click(at, "Redo")
    click(at, "Redo")
    assert state_digest(at.session_state["game"]) == after and at.metric[0].value == "day 2 01:00"


def test_save_then_load_gives_the_same_state_and_a_refresh_restores_the_game(sessions_dir):
    at = _new_game(goto(start(), "wargame"))
    _to_decision(at)
    click(at, "Hold")
    click(at, "+1 hour")
    saved_session = at.session_state["game"]
    saved, saved_bytes = state_digest(saved_session), game_to_json(saved_session)
    click(at, "+1 day")
    assert state_digest(at.session_state["game"]) != saved
    at.file_uploader(key="game_upload").upload("game.json", saved_bytes, "application/json").run()
    assert not at.exception
    assert state_digest(at.session_state["game"]) == saved
    # a refresh is a new session with the same ?session= id: the autosave brings the game back
    session_id = at.query_params["session"]
    assert (sessions_dir / f"{session_id}.json").is_file()
    again = goto(start(session_id), "wargame")
    assert state_digest(again.session_state["game"]) == saved
    assert again.metric[0].value == at.metric[0].value


def test_a_refresh_keeps_the_results_and_the_levers():
    at = start()
    at.toggle(key="lever::policy.hotline.enabled").set_value(False).run()
    goto(at, "monte_carlo")
    at.number_input(key="mc_runs").set_value(12)
    click(at, "Run Monte Carlo")
    shown = {m.label: m.value for m in at.metric}
    again = goto(start(at.query_params["session"]), "monte_carlo")
    assert {m.label: m.value for m in again.metric} == shown
    assert "policy.hotline.enabled=false" in texts(again) and "1 override from the levers" in sidebar(again)


def test_odds_from_here_look_ahead_and_k_follow_the_game(taiwan):
    at = _new_game(goto(start(), "wargame"))
    _to_decision(at)
    session = at.session_state["game"]
    remaining = session.game.model.horizon_hours - session.game.hours
    assert at.number_input(key="odds_horizon").value == pytest.approx(remaining)
    at.number_input(key="odds_futures").set_value(10)
    at.number_input(key="odds_horizon").set_value(24.0)
    click(at, "Odds from here")
    decision = session.game.open_decisions()[0]
    options = options_for(session.game, decision.id, [decision.provocation_rung])
    expected = odds_from_here(session.record, options, futures=10, horizon_hours=24.0)
    level = max(session.game.rungs().values())
    k = min(level + 1, 7)
    table = frame(at, f"P(level ≥ {k})")
    assert list(table.index) == [o.name for o in options]
    for j, option in enumerate(options):
        assert table.loc[option.name, f"P(level ≥ {k})"] == pct(expected.p_at_least(j, k).p)
    assert f"({expected.horizon_hours:g} h ahead)" in texts(at)
    # the game moves on: the result says so, and the look-ahead never exceeds what is left
    click(at, "+1 day")
    assert "the game has moved on since" in texts(at)
    at.number_input(key="odds_horizon").set_value(float(session.game.model.horizon_hours)).run()
    left = session.game.model.horizon_hours - session.game.hours
    assert at.number_input(key="odds_horizon").value == pytest.approx(left)  # never more than is left


def test_debrief_lists_what_the_package_holds_now():
    at = goto(start(), "monte_carlo")
    at.number_input(key="mc_runs").set_value(10)
    click(at, "Run Monte Carlo")
    _new_game(goto(at, "wargame"), player="PRC", run=0)
    click(at, "+1 day")
    goto(at, "debrief")
    contents = texts(at)
    assert "monte_carlo_summary.json" in contents and "narrative.txt" in contents
    events = len(at.session_state["game"].game.timeline())
    assert f"{events} events up to day 2 00:00" in contents
    goto(at, "wargame")
    click(at, "+1 day")
    goto(at, "debrief")
    events = len(at.session_state["game"].game.timeline())
    assert f"{events} events up to day 3 00:00" in texts(at)
    assert "Download debrief.zip" in {b.proto.label for b in at.get("download_button")}
