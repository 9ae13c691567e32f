"""Games as files, undo/redo by replay, and "to next decision" (sim.app.session, sim.app.gamefile)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from app_runs import decision_run
from hostile_game_files import MOVES, play
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.app.editing import validate_text
from sim.app.gamefile import (
    MAX_GAME_FILE_BYTES,
    GameFileError,
    SessionStore,
    game_from_json,
    game_to_json,
    new_session_id,
    state_digest,
    valid_session_id,
)
from sim.app.session import DAY_HOURS, Cell, GameOrigin, GameSession, hotline_available
from sim.scenario.schema import FalseAlarmInject

ROOT = Path(__file__).resolve().parents[2]
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
OVERRIDES = ("policy.hotline.reliability=0.9",)
LEVERS = {"policy.hotline.reliability": 0.9}
"""The lever values that give OVERRIDES (the app saves both)."""


@pytest.fixture(scope="module")
def origin() -> GameOrigin:
    return GameOrigin("taiwan_strait.yaml", TAIWAN.read_text(encoding="utf-8"), OVERRIDES, LEVERS)


def _session(origin: GameOrigin, player: str | None = "PRC", run: int | None = None) -> GameSession:
    """A game; by default at a run where the player meets a decision point (searched in the model)."""
    scenario = validate_text(origin.text, origin.source, origin.overrides).scenario
    if run is None:
        run = decision_run(scenario, player) if player else 0
    return GameSession(scenario, scenario.monte_carlo.seed, run, player, origin)


def _played(origin: GameOrigin) -> GameSession:
    """A game with every kind of action: ticks, a hotline call, a decision, an inject, an autonomy change."""
    session = _session(origin)
    session.step_hours(3)
    while session.step_to_decision().reason == "day":
        pass
    decision = session.game.open_decisions()[0]
    session.call_hotline(decision.id)
    session.decide(decision.id, 3)
    session.inject(FalseAlarmInject(kind="false_alarm", at_hours=0, actor="USA", blamed="PRC", description="x"))
    session.set_autonomy("prc_fujian_group", "on_the_loop")
    session.step_hours(5)
    return session


def test_to_next_decision_stops_at_a_decision_or_after_a_day_and_says_which(origin):
    session = _session(origin)
    reasons = []
    while not session.finished:
        report = session.step_to_decision()
        assert 0 <= report.end_hours - report.start_hours <= DAY_HOURS
        reasons.append(report.reason)
        if report.reason == "decision":
            assert session.game.open_decisions()
            assert "Stopped at a decision point" in report.describe()
            assert session.step_to_decision().reason == "waiting"  # the clock does not move past it
            session.decide(session.game.open_decisions()[0].id, None)
        elif report.reason == "day":
            assert report.end_hours - report.start_hours == DAY_HOURS and not session.game.open_decisions()
    assert "decision" in reasons and reasons[-1] in ("horizon", "day")


def test_without_a_decision_to_next_decision_stops_after_exactly_a_day(origin):
    quiet = _session(origin, player=None)  # without players no decision point ever opens
    report = quiet.step_to_decision()
    assert report.reason == "day" and report.end_hours - report.start_hours == DAY_HOURS
    assert "No decision point within a day: stopped after 24 h" in report.describe()


def test_undo_then_redo_returns_to_the_same_state_and_a_new_action_clears_redo(origin):
    session = _played(origin)
    after = state_digest(session)
    history = list(session.history)
    undone = [session.undo() for _ in range(4)]
    assert all(undone) and state_digest(session) != after
    for _ in range(4):
        session.redo()
    assert state_digest(session) == after
    assert session.history == history  # the rungs over time are rebuilt too
    session.undo()
    session.step_hours(1)
    assert not session.can_redo


def test_save_then_load_gives_the_same_state(origin):
    session = _played(origin)
    session.undo()
    loaded = game_from_json(game_to_json(session))
    assert not loaded.warnings
    again = loaded.session
    assert state_digest(again) == state_digest(session)
    assert again.actions == session.actions and again.undone == session.undone
    assert again.origin.overrides == OVERRIDES and again.hotline_replies == session.hotline_replies
    again.redo()
    session.redo()
    assert state_digest(again) == state_digest(session)


@settings(max_examples=20, deadline=None)
@given(moves=st.lists(MOVES, max_size=10))
def test_any_game_from_a_decision_point_saves_and_loads_back_as_the_same_game(origin, moves):
    """Round trip from where the player decides (the hotline on): the same bytes, state, record and redo stack."""
    session = _session(origin)
    while session.step_to_decision().reason == "day":
        pass
    for move in [("hotline",), ("decide", 3), *moves]:
        play(session, move)
    saved = game_to_json(session)
    loaded = game_from_json(saved, "saved.json")
    assert loaded.signed and loaded.warnings == ()
    again = loaded.session
    assert game_to_json(again) == saved and state_digest(again) == state_digest(session)
    assert again.actions == session.actions and again.undone == session.undone
    if session.can_redo:
        session.redo()
        again.redo()
        assert state_digest(again) == state_digest(session)


def test_a_game_file_is_checked_before_it_is_trusted(origin):
    doc = json.loads(game_to_json(_played(origin)))

    def load(changed: dict | bytes) -> str:
        with pytest.raises(GameFileError) as err:
            game_from_json(changed if isinstance(changed, bytes) else json.dumps(changed))
        return str(err.value)

    assert "not a JSON game file" in load(b"{nope")
    assert "larger than the limit" in load(b" " * (MAX_GAME_FILE_BYTES + 1))
    assert "format" in load({**doc, "format": "other"})
    assert "altered" in load({**doc, "scenario": {**doc["scenario"], "text": doc["scenario"]["text"] + "#"}})
    tampered = {**doc, "scenario": {**doc["scenario"], "overrides": ["policy.hotline.reliability=0.1"]}}
    assert "does not match its hash" in load(tampered)
    assert "unknown action kind 'teleport'" in load({**doc, "actions": [{"kind": "teleport", "hours": 0}]})
    assert "expected a whole number, got '7'" in load({**doc, "actions": [{"kind": "ticks", "hours": 0, "ticks": "7"}]})
    assert "replaying the actions failed" in load({**doc, "actions": [{"kind": "decide", "hours": 0, "decision": 99}]})
    assert "not an actor" in load({**doc, "player": "ZZZ"})
    assert "replaying the actions failed" in load({**doc, "undone": [{"kind": "decide", "hours": 0, "decision": 99}]})
    # a saved state the replay does not reproduce: refused under the model that saved it, a warning under another
    assert "does not give the saved game (events: saved 1, replayed " in load(
        {**doc, "state": {**doc["state"], "events": 1}}
    )
    other_model = {**doc, "state": {**doc["state"], "events": 1}, "model_sha256": "0" * 64}
    warned = game_from_json(json.dumps(other_model))
    assert any("the model has changed since the game was saved" in w for w in warned.warnings)


def test_a_game_with_cells_saves_and_loads_back_with_its_cells(origin):
    scenario = validate_text(origin.text, origin.source, origin.overrides).scenario
    cells = (Cell("Blue", ("USA",)), Cell("Red", ("PRC",)))
    session = GameSession(scenario, scenario.monte_carlo.seed, 0, None, origin, cells)
    session.step_hours(2)
    loaded = game_from_json(game_to_json(session))
    assert loaded.session.cells == cells and state_digest(loaded.session) == state_digest(session)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([{"name": "Blue", "actors": ["XYZ"]}], "cells[0]: cell Blue: 'XYZ' is not an actor of the scenario"),
        ([{"name": "Blue", "actors": []}], "cells[0]: cell Blue plays no actor"),
        (
            [{"name": "Blue", "actors": ["USA"]}, {"name": "Red", "actors": ["USA"]}],
            "cells: USA is played by two cells (Blue and Red)",
        ),
        ([{"name": "Blue", "actors": "USA"}], "cells[0].actors"),
        ([{"name": "Blue", "actors": ["USA"], "seat": "x"}], "cells[0].seat"),
    ],
)
def test_a_game_files_cells_are_checked_against_the_scenario_and_located(origin, cells, message):
    doc = json.loads(game_to_json(_session(origin, None, run=0)))
    with pytest.raises(GameFileError) as refused:
        game_from_json(json.dumps({**doc, "cells": cells}, indent=1), "game.json")
    assert message in str(refused.value) and str(refused.value).startswith("game.json:")


def test_the_session_store_autosaves_and_restores(tmp_path, origin):
    store = SessionStore(tmp_path)
    sid = new_session_id()
    assert valid_session_id(sid) and not valid_session_id("../../etc/passwd") and store.load(sid) is None
    session = _played(origin)
    store.save(sid, {"source": origin.source, "text": origin.text, "levers": LEVERS}, session)
    stored = store.load(sid)
    assert stored.problem is None and stored.workspace["levers"] == LEVERS
    assert state_digest(stored.game.session) == state_digest(session)
    store.save(sid, {"source": "a.yaml", "text": "x", "levers": {}}, None)
    assert store.load(sid).game is None
    with pytest.raises(ValueError):
        store.path("../x")


def test_old_session_files_expire_and_recent_ones_stay(tmp_path):
    store = SessionStore(tmp_path)
    old, recent = new_session_id(), new_session_id()
    for sid in (old, recent):
        store.save(sid, {"source": "a.yaml", "text": "x", "levers": {}}, None)
    leftover = tmp_path / "x.123.tmp"
    leftover.write_text("{")
    now = time.time()
    for path in (store.path(old), leftover):
        os.utime(path, (now - 31 * 86_400, now - 31 * 86_400))
    assert store.expire(30, now) == 2
    assert store.load(old) is None and store.load(recent) is not None and not leftover.exists()
    assert SessionStore(tmp_path / "none").expire(30) == 0


def test_old_room_files_expire_with_the_sessions(tmp_path):
    store = SessionStore(tmp_path)
    rooms = store.rooms_directory
    rooms.mkdir()
    old, recent = rooms / "oldroom.json", rooms / "newroom.json"
    for path in (old, recent):
        path.write_text("{}")
    now = time.time()
    os.utime(old, (now - 31 * 86_400, now - 31 * 86_400))
    assert store.expire(now=now) == 1  # 30 days by default
    assert not old.exists() and recent.exists()


def test_hotline_needs_the_hotline_on_and_both_sides_committed(origin):
    scenario = _session(origin).scenario
    committed = [k for k, a in scenario.actors.items() if "hotline" in a.commitments]
    not_committed = [k for k, a in scenario.actors.items() if "hotline" not in a.commitments]
    assert hotline_available(scenario, committed[0], committed[1])
    assert not hotline_available(scenario, committed[0], not_committed[0])
    off = validate_text(origin.text, origin.source, ("policy.hotline.enabled=false",)).scenario
    assert not hotline_available(off, committed[0], committed[1])
