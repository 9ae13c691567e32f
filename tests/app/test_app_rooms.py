"""Rooms of a seminar game without Streamlit: seats and tokens, one writer with a version, each cell's picture,
odds from a cell's belief, keeping a room on disk, the search for runs with decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_runs import cells_run

from sim.app.decision_runs import first_decisions, runs_with_decisions
from sim.app.gamefile import GameFileError
from sim.app.odds import believe, odds_from_here, options_for
from sim.app.picture import reveal, side_events, side_picture
from sim.app.room import WHITE, NotYourSeatError, Room, RoomRegistry, StaleActionError, local_only, valid_token
from sim.app.session import Cell, GameOrigin, GameSession
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
CELLS = (Cell("Blue", ("USA",)), Cell("Red", ("PRC",)))


@pytest.fixture(scope="module")
def taiwan():
    return load_scenario(TAIWAN)


@pytest.fixture(scope="module")
def run(taiwan):
    return cells_run(taiwan, CELLS)


def _game(taiwan, run, cells=CELLS) -> GameSession:
    origin = GameOrigin(TAIWAN.name, TAIWAN.read_text(encoding="utf-8"))
    return GameSession(taiwan, taiwan.monte_carlo.seed, run, origin=origin, cells=cells)


def _to_decision(room: Room, role: str) -> None:
    for _ in range(20):
        room.step_to_decision(WHITE, room.version)
        if room.game.game.open_decisions(room.side(role)):
            return
        for d in room.game.game.open_decisions():  # another cell's decision: answer it so the game goes on
            room.decide(WHITE, room.version, d.id, d.provocation_rung)
    raise AssertionError(f"{role} never had a decision")


def test_every_seat_has_its_own_random_token(tmp_path, taiwan, run):
    room = RoomRegistry(tmp_path).create(_game(taiwan, run))
    assert sorted(room.seats.values()) == ["Blue", "Red", WHITE]
    assert len(set(room.seats)) == 3 and all(valid_token(t) for t in room.seats)
    assert room.role_of(room.token_of("Blue")) == "Blue"
    assert room.role_of("not-a-seat-token-xxxxxxxx") is None


def test_an_action_from_a_stale_window_is_refused_and_nothing_is_lost(tmp_path, taiwan, run):
    room = RoomRegistry(tmp_path).create(_game(taiwan, run))
    seen_by_a = seen_by_c = room.version
    room.step(WHITE, seen_by_a, 24)  # window A plays a day
    after_a = (room.version, room.game.game.hours, list(room.game.actions))
    with pytest.raises(StaleActionError, match="older state of the game"):
        room.step(WHITE, seen_by_c, 1)  # window C, still showing the start, plays an hour
    assert (room.version, room.game.game.hours, list(room.game.actions)) == after_a
    room.step(WHITE, room.version, 1)  # redrawn, C acts on the game as it is
    assert room.game.game.hours == 25


def test_only_white_runs_the_clock_and_a_cell_answers_only_its_own_decisions(tmp_path, taiwan, run):
    room = RoomRegistry(tmp_path).create(_game(taiwan, run))
    with pytest.raises(NotYourSeatError):
        room.step("Blue", room.version, 1)
    with pytest.raises(NotYourSeatError):
        room.undo("Red", room.version)
    _to_decision(room, "Red")
    [decision] = room.game.game.open_decisions(room.side("Red"))
    with pytest.raises(NotYourSeatError):
        room.decide("Blue", room.version, decision.id, 3)
    version = room.version
    room.decide("Red", version, decision.id, decision.provocation_rung)
    assert room.version == version + 1 and room.note.text.startswith("Red: PRC responds at rung")
    with pytest.raises(NotYourSeatError):
        room.set_autonomy("Red", room.version, "usa_csg", "in_the_loop")
    assert room.set_autonomy("Blue", room.version, "usa_csg", "in_the_loop") == "in_the_loop"


def test_a_room_is_kept_on_disk_and_found_again_by_any_seat_token(tmp_path, taiwan, run):
    room = RoomRegistry(tmp_path).create(_game(taiwan, run))
    room.step(WHITE, room.version, 30)
    _to_decision(room, "Blue")
    fresh = RoomRegistry(tmp_path)  # a server restart
    for token, role in room.seats.items():
        found, found_role = fresh.find(token)
        assert found_role == role and found.version == room.version
        assert found.game.state_key == room.game.state_key
    assert fresh.find("x" * 22) is None


def test_a_tampered_room_file_is_refused(tmp_path, taiwan, run):
    room = RoomRegistry(tmp_path).create(_game(taiwan, run))
    doc = json.loads((tmp_path / f"{room.id}.json").read_text())
    doc["seats"] = {"short": WHITE}
    with pytest.raises(GameFileError, match="seats"):
        Room.from_dict(doc)
    doc = json.loads((tmp_path / f"{room.id}.json").read_text())
    doc["game"]["scenario"]["text"] += "\n# edited"
    with pytest.raises(GameFileError, match="hash"):
        Room.from_dict(doc)


def test_a_cells_picture_shows_only_what_its_sensors_saw(taiwan, run):
    game = _game(taiwan, run)
    game.step_hours(24 * 5)
    wargame = game.game
    for cell in CELLS:
        picture = side_picture(wargame, cell.actors)
        assert {v.owner for v in picture.own} == set(cell.actors)
        seen = {s.observed for s in wargame.sightings(cell.actors)}
        assert {t.key for t in picture.tracks} == seen  # exactly what its own sensors saw, nothing more
        assert all(t.view.owner not in cell.actors for t in picture.tracks)
        for event in picture.events:
            assert "[root:" not in event.text and "(false alarm)" not in event.text
            assert "misidentification: it was not" not in event.text
    truth_entries = {e.id for e in wargame.timeline()}
    blue = {e.id for e in side_events(wargame, ("USA",))}
    assert blue < truth_entries  # a cell never knows everything


def test_the_reveal_sets_each_cells_belief_against_the_truth(taiwan, run):
    game = _game(taiwan, run)
    game.step_hours(24 * 6)
    picture = side_picture(game.game, ("USA",))
    found = reveal(game.game, picture)
    unseen = [r for r in found if r.believed == "not seen"]
    never_seen = [k for k, a in taiwan.assets.items() if a.owner != "USA" and picture.track(k) is None]
    assert len(unseen) == len(never_seen) > 0
    for p in picture.provocations:
        if p.obligation is None:
            assert any(r.topic == "provocation" and f"by {p.blamed} at rung {p.rung}" in r.believed for r in found)


def test_a_cells_odds_start_from_its_belief_never_the_truth(taiwan, run):
    game = _game(taiwan, run)
    game.step_hours(24 * 3)
    record = game.record
    believed = record.replay()
    changes = believe(believed, ("USA",))
    truth = record.replay()
    picture = side_picture(truth, ("USA",))
    for key, asset in believed.model.assets.items():
        if asset.owner.key == "USA" or not asset.operational:
            continue
        track = picture.track(key)
        expected = track.view.strength if track is not None else (getattr(asset, "drones_at_start", None))
        if hasattr(asset, "drones"):
            assert asset.drones == expected
    assert isinstance(changes, list)
    options = options_for(truth)
    as_blue = odds_from_here(record, options, 200, 48.0, side=("USA",))
    as_white = odds_from_here(record, options, 200, 48.0)
    assert as_blue.side == ("USA",) and as_white.side == ()
    assert as_blue.levels.shape == as_white.levels.shape


def test_the_first_decision_found_by_the_compiled_search_is_the_games(taiwan):
    [found] = runs_with_decisions(taiwan, taiwan.monte_carlo.seed, [Cell("Red", ("PRC",))], limit=1)
    first = first_decisions(taiwan, taiwan.monte_carlo.seed, found.run, ["PRC"])["PRC"]
    assert found.first["Red"] == first is not None
    game = GameSession(taiwan, taiwan.monte_carlo.seed, found.run, cells=(Cell("Red", ("PRC",)),))
    while not game.game.open_decisions():
        assert game.step_to_decision().reason in ("decision", "day")
    [decision] = game.game.open_decisions()
    assert decision.asked_hours == pytest.approx(first)


def test_odds_asked_by_a_cell_are_kept_with_their_clock_when_the_game_moves_on(tmp_path, taiwan, run):
    room = RoomRegistry(tmp_path, inline_odds=True).create(_game(taiwan, run))
    room.step(WHITE, room.version, 10)
    request = room.ask_odds("Blue", options_for(room.game.game), 100, 24.0, queue=None)
    assert request.state == "done" and request.hours == 10 and request.side == ("USA",)
    room.step(WHITE, room.version, 5)
    [kept] = room.odds_of("Blue")
    assert kept is request and kept.summary["options"] == ["as things stand"]
    assert room.odds_of("Red") == [] and room.odds_of(WHITE) == [request]
    fresh, _ = RoomRegistry(tmp_path).find(room.token_of("Blue"))
    [reloaded] = fresh.odds_of("Blue")
    assert reloaded.summary == request.summary and reloaded.hours == 10


def test_join_links_that_name_this_machine_only_are_recognised():
    assert local_only("http://127.0.0.1:8501/") and local_only("http://localhost:8501/wargame")
    assert local_only("http://[::1]:8501/")
    assert not local_only("http://192.168.1.20:8501/") and not local_only("https://flashpoint.example.org/")
