"""The seats' pages under Streamlit's AppTest: White's (the truth, every cell's picture, the join links) and a cell's
(its picture only, no clock, no facilitator's pages), one room shared by every seat."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from app_runs import cells_run
from streamlit.testing.v1 import AppTest

from sim.app.room import WHITE, Room, RoomRegistry
from sim.app.session import Cell, GameOrigin, GameSession
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
CELLS = (Cell("Blue", ("USA",)), Cell("Red", ("PRC",)))


@pytest.fixture(scope="module")
def taiwan():
    return load_scenario(TAIWAN)


@pytest.fixture(scope="module")
def run(taiwan):
    return cells_run(taiwan, CELLS)


@pytest.fixture
def room(taiwan, run, sessions_dir) -> Room:
    """A room kept where the app looks for rooms (the app finds it by a seat's token)."""
    origin = GameOrigin(TAIWAN.name, TAIWAN.read_text(encoding="utf-8"))
    game = GameSession(taiwan, taiwan.monte_carlo.seed, run, origin=origin, cells=CELLS)
    return RoomRegistry(sessions_dir / "rooms").create(game)


def seat(room: Room, role: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["inline_jobs"] = True
    at.query_params["seat"] = room.token_of(role)
    at.run()
    assert not at.exception, at.exception
    if role == WHITE:
        at.switch_page("app_pages/wargame.py").run()
        assert not at.exception, at.exception
    return at


def stored(room: Room) -> Room:
    """The room as the app keeps it (the server's registry writes it to its file after every action)."""
    [path] = room.directory.glob(f"{room.id}.json")
    return Room.from_dict(json.loads(path.read_text(encoding="utf-8")))


def clock(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Clock")


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.caption])


def test_white_sees_the_join_links_and_every_cells_picture_side_by_side(room):
    white = seat(room, WHITE)
    codes = [c.value for c in white.code]
    for role in ("Blue", "Red"):
        assert any(c.endswith(f"?seat={room.token_of(role)}") for c in codes), codes
    assert white.segmented_control(key="white_cell_picture").value == "Every cell side by side"
    shown = texts(white)
    assert "**Blue — USA**" in shown and "**Red — PRC**" in shown
    white.segmented_control(key="white_cell_picture").set_value("Red").run()
    assert not white.exception, white.exception
    shown = texts(white)
    assert "**Red — PRC**" in shown and "**Blue — USA**" not in shown


def test_a_cell_sees_its_seat_only_and_follows_whites_clock(room):
    blue = seat(room, "Blue")
    assert blue.title[0].value == "Blue cell — USA"
    assert not [b for b in blue.button if b.label in ("+1 hour", "+1 day", "To next decision", "Undo")]
    assert "Monte Carlo" not in texts(blue)
    start = clock(blue)
    white = seat(room, WHITE)
    click(white, "+1 day")
    assert stored(room).game.game.hours == 24
    blue.run()
    assert not blue.exception, blue.exception
    assert clock(blue) == clock(white) != start


def test_a_stale_white_window_is_refused_with_a_message_and_nothing_is_lost(room):
    first, second = seat(room, WHITE), seat(room, WHITE)
    click(first, "+1 day")
    click(second, "+1 hour")  # this window still showed the start
    now = stored(room).game
    assert now.game.hours == 24 and len(now.actions) == 1
    assert any("Not applied" in w.value for w in second.warning), [w.value for w in second.warning]
    assert clock(second) == clock(first)  # redrawn with the game as it is


def test_a_link_that_opens_no_seat_says_so_and_shows_no_facilitators_page(room):
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["seat"] = "x" * 22
    at.run()
    assert not at.exception, at.exception
    assert at.error[0].value.startswith("This join link does not open a seat of any game on this server")
    assert not at.title and not at.metric
    click(at, "I am the facilitator: open the facilitator's pages")
    assert at.title[0].value == "Flashpoint"  # the opening page
