"""The app's non-UI logic: levers, safe scenario loading, jobs, replay and forks, the debrief package."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from app_runs import decision_run

from sim.app.debrief import DebriefInput, build_debrief
from sim.app.editing import annotate, check_upload, resolved_yaml, shipped_scenarios, validate_text
from sim.app.jobs import start_job
from sim.app.levers import lever_overrides, levers_for, read_value
from sim.app.odds import Option, fork_key, future_outcome, odds_from_here, options_for
from sim.app.results import McRequest, run_request
from sim.app.session import GameSession
from sim.scenario import load_scenario
from sim.scenario.limits import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[2]
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"


@pytest.fixture(scope="module")
def taiwan():
    return load_scenario(TAIWAN)


def test_shipped_scenarios_listed():
    assert "taiwan_strait.yaml" in shipped_scenarios()


def test_levers_read_the_scenario_and_only_changes_become_overrides(taiwan):
    values = {lever.path: read_value(taiwan, lever.path) for lever in levers_for(taiwan)}
    assert lever_overrides(taiwan, values) == []
    values["policy.hotline.enabled"] = False
    values["technology.export_control_strength"] = 0.8
    values["actors.PRC.autonomy"] = "out_of_the_loop"
    values["asset_class.naval_group.autonomy"] = "on_the_loop"
    overrides = lever_overrides(taiwan, values)
    assert "policy.hotline.enabled=false" in overrides
    assert "technology.export_control_strength=0.8" in overrides
    assert "actors.PRC.autonomy=out_of_the_loop" in overrides
    naval = [k for k, a in taiwan.assets.items() if a.kind == "naval_group"]
    assert all(f"assets.{k}.autonomy=on_the_loop" in overrides for k in naval)
    changed = load_scenario(TAIWAN, overrides)
    assert changed.policy.hotline.enabled is False
    assert changed.technology.export_control_strength == 0.8


def test_resolved_yaml_loads_back_to_the_same_scenario(taiwan):
    overrides = ["policy.incidents_at_sea.enabled=true", "policy.hotline.reliability=0.6"]
    v = validate_text(TAIWAN.read_text(), "taiwan_strait.yaml", overrides)
    text = resolved_yaml(v.scenario, "taiwan_strait.yaml", overrides)
    assert "#   --set policy.hotline.reliability=0.6" in text
    again = validate_text(text, "edited.yaml")
    assert again.ok and again.scenario == v.scenario


def test_errors_are_located_and_annotated():
    text = TAIWAN.read_text().replace("horizon_hours: 336", "horizon_hours: -5", 1)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "horizon_hours: -5" in t)
    v = validate_text(text, "mine.yaml")
    assert not v.ok
    marked = annotate(text, v.errors, "mine.yaml")
    assert marked[0].number == line
    assert marked[0].messages[0].startswith(f"mine.yaml:{line}:")
    assert "time.horizon_hours: must be > 0 (got -5)" in marked[0].messages[0]


def test_untrusted_uploads_are_refused_safely():
    assert "larger than the limit" in check_upload("big.yaml", MAX_FILE_BYTES + 1).message
    assert check_upload("notes.txt", 10) is not None
    assert check_upload("ok.yaml", 10) is None
    assert not validate_text(b"x" * (MAX_FILE_BYTES + 1), "big.yaml").ok
    laughs = "a: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    v = validate_text(laughs, "laughs.yaml")
    assert not v.ok and any("nodes" in e.message for e in v.errors)
    v = validate_text("!!python/object/apply:os.system ['echo hi']\n", "evil.yaml")
    assert not v.ok
    v = validate_text(b"\xff\xfe not utf-8", "bin.yaml")
    assert not v.ok


def test_jobs_run_inline_and_in_a_thread():
    inline = start_job(lambda p: (p(1, 2), 42)[1], "x", inline=True)
    assert inline.done and inline.result == 42 and inline.progress.fraction == 0.5
    threaded = start_job(lambda p: 1 / 0, "y")
    assert threaded.wait(10) and "ZeroDivisionError" in threaded.error


def _game_at_decision(taiwan) -> GameSession:
    session = GameSession(taiwan, taiwan.monte_carlo.seed, run=decision_run(taiwan, "PRC"), player="PRC")
    while session.step_to_decision().reason == "day":
        pass
    assert session.game.open_decisions(), "the run found has a PRC decision point"
    return session


def test_replay_rebuilds_the_exact_state(taiwan):
    session = _game_at_decision(taiwan)
    decision = session.game.open_decisions()[0]
    session.call_hotline(decision.id)
    session.decide(decision.id, 3)
    session.step_hours(5)
    replayed = session.record.replay()
    assert [(e.hours, e.text) for e in replayed.model.log] == [(e.hours, e.text) for e in session.game.model.log]
    assert replayed.rungs() == session.game.rungs()
    assert replayed.model.draws.counters == session.game.model.draws.counters


def test_forked_futures_start_from_now_and_differ(taiwan):
    session = _game_at_decision(taiwan)
    record, decision = session.record, session.game.open_decisions()[0]
    hold = Option("hold", decision.id, None)
    outcomes = [future_outcome(record, hold, i, 336.0) for i in range(12)]
    assert all(level >= session.game.model.crisis_level for level, _ in outcomes)
    assert len(set(outcomes)) > 1
    assert future_outcome(record, hold, 3, 336.0) == outcomes[3]
    assert fork_key(5, 0) != fork_key(5, 1) != fork_key(6, 0)


def test_odds_from_here_are_the_same_for_any_workers_and_paired(taiwan):
    session = _game_at_decision(taiwan)
    options = options_for(session.game, session.game.open_decisions()[0].id, [4])
    assert [o.name for o in options][1:] == ["respond at rung 4", "let doctrine decide"]
    one = odds_from_here(session.record, options, futures=6, horizon_hours=48, workers=1, chunk_size=4)
    two = odds_from_here(session.record, options, futures=6, horizon_hours=48, workers=2, chunk_size=5)
    assert np.array_equal(one.levels, two.levels)
    assert one.p_at_least(1, 4).p == 1.0  # responding at rung 4 puts the crisis at rung 4 at once
    assert one.difference(1, 4).diff == pytest.approx(one.p_at_least(1, 4).p - one.p_at_least(0, 4).p)


def test_debrief_zip_members(taiwan):
    request = McRequest(taiwan, 6, 3, 1, ("policy.hotline.enabled=true",), "taiwan_strait.yaml")
    result = run_request(request)
    session = GameSession(taiwan, 1, 0, None)
    session.step_hours(48)
    data = DebriefInput(taiwan, "taiwan_strait.yaml", request.overrides, request, result, session.game)
    with zipfile.ZipFile(io.BytesIO(build_debrief(data))) as z:
        names = set(z.namelist())
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
        assert z.read("figures/fan_chart.png").startswith(b"\x89PNG")
        assert validate_text(z.read("scenario.yaml"), "scenario.yaml").scenario == taiwan


def test_compiled_odds_equal_the_reference_futures(taiwan):
    """The compiled fork and the reference replay give the same futures for hold and respond options."""
    session = _game_at_decision(taiwan)
    options = options_for(session.game, session.game.open_decisions()[0].id, [4])[:2]
    compiled = odds_from_here(session.record, options, futures=8, engine="compiled")
    reference = odds_from_here(session.record, options, futures=8, engine="reference")
    assert compiled.engine != reference.engine
    assert np.array_equal(compiled.inadvertent, reference.inadvertent)
    assert np.array_equal(compiled.levels, reference.levels)


def test_compiled_odds_give_two_thousand_futures(taiwan):
    session = _game_at_decision(taiwan)
    result = odds_from_here(session.record, options_for(session.game), futures=2000)
    assert result.levels.shape == (1, 2000)
    assert 0.0 <= result.p_at_least(0, 4).p <= 1.0
    assert len(set(result.levels[0].tolist())) > 1  # the futures differ
