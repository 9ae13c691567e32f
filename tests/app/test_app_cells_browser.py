"""A seminar game in three browsers: White, Blue (USA) and Red (PRC), each in its own Chromium context.

White creates the game with two cells and hands out the join links; White runs the clock and both cells
follow it within a second; Blue and Red take their decisions; Blue's map never shows a Red force its
sensors have not detected; a White window still showing an older state (its page's timers held, so it has
not followed the other window's step) has its action refused with a message, and nothing is lost; a
refresh of any seat restores it; the reveal shows the truth against each cell's picture. Served by the
plain ``streamlit run streamlit_app.py`` (the repository's ``.streamlit/config.toml`` sets it up), no
request leaves 127.0.0.1. Skipped without Chromium unless ``FLASHPOINT_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from app_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, SCREEN, clock_hours, metrics, settle, shot, streamlit_server
from app_runs import cells_run

from sim.app.picture import side_picture
from sim.app.room import Room
from sim.app.session import Cell
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
CELLS = (Cell("Blue", ("USA",)), Cell("Red", ("PRC",)))
FOLLOW_SECONDS = 3.0
"""A cell's screen shows White's new clock within this long of White's screen showing it. The target is 1 s
(issue 22; a cell checks the room every 0.5 s and redraws), measured by ``make bench-app``; the test allows a loaded
machine three times that, never a cell that does not follow."""


def _require_or_skip(reason: str) -> None:
    if os.environ.get("FLASHPOINT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (FLASHPOINT_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def sessions(tmp_path_factory):
    return tmp_path_factory.mktemp("sessions")


@pytest.fixture(scope="module")
def server(sessions):
    if not CHROMIUM.exists():
        _require_or_skip("Debian's /usr/bin/chromium is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require_or_skip("the playwright package is not installed")
    # the documented command, nothing else: .streamlit/config.toml turns usage statistics off (checked below)
    with streamlit_server(sessions, ARTIFACTS / "streamlit-cells-server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Seats:
    """Browser contexts, one per seat, each recording any request that leaves 127.0.0.1."""

    def __init__(self, browser) -> None:
        self.browser = browser
        self.contexts = []
        self.outside: list[str] = []

    def open(self, url: str, clock: bool = False):
        """A new context on ``url``; with ``clock``, the page's timers are Playwright's to hold (``page.clock``)."""
        context = self.browser.new_context(viewport=SCREEN, accept_downloads=True)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.on("request", self._check)
        if clock:
            page.clock.install()
        page.goto(url)
        settle(page)
        return page

    def _check(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            self.outside.append(request.url)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def seats(browser):
    opened = Seats(browser)
    yield opened
    opened.close()
    assert not opened.outside, f"the app asked the network for {opened.outside[:3]}"  # it works offline


def _pick(page, label: str, option: str) -> None:
    settle(page)  # a rerun under way (the engine just prepared) leaves the old form on screen beside the new one
    page.get_by_label(label).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    settle(page)


def _clock(page) -> str:
    return metrics(page)["Clock"]


def _room(sessions: Path) -> Room:
    [path] = (sessions / "rooms").glob("*.json")
    return Room.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _wait_clock(page, text: str, timeout: float = 30.0) -> float:
    """Seconds until the page's clock metric reads ``text`` (polled every 20 ms)."""
    started = time.perf_counter()
    page.wait_for_function(
        "t => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('Clock')"
        " && m.innerText.includes(t))",
        arg=text,
        timeout=timeout * 1000,
        polling=20,
    )
    return time.perf_counter() - started


def _red_forces_on(page) -> set[str]:
    owners = page.locator("svg [data-asset]").evaluate_all(
        "els => els.map(e => [e.dataset.asset, e.dataset.owner, e.dataset.seen])"
    )
    return {asset for asset, owner, _ in owners if owner == "PRC"}


def _check_blue_sees_only_what_it_detected(blue, sessions: Path) -> None:
    room = _room(sessions)
    seen = {s.observed for s in room.game.game.sightings(("USA",))}
    shown = _red_forces_on(blue)
    assert shown <= seen, f"Blue's map shows Red forces its sensors never detected: {shown - seen}"
    picture = side_picture(room.game.game, ("USA",))
    assert shown == {t.key for t in picture.tracks if t.view.owner == "PRC"}


def _start_game(white, run: int) -> None:
    _pick(white, "Blue cell plays", "USA")
    _pick(white, "Red cell plays", "PRC")
    white.get_by_text("Runs with decisions (", exact=False).wait_for(timeout=600_000)  # searched by the compiled engine
    settle(white)
    runs = white.get_by_label("Run (a different history of chance events)")
    runs.fill(str(run))
    runs.press("Tab")
    settle(white)
    white.get_by_role("button", name="Start a new game").click()
    white.wait_for_url(re.compile(r"seat="))  # White's seat: its token is in the URL (a refresh comes back)
    white.locator("[data-testid=stCode]").first.wait_for()
    settle(white)


def _links(white) -> dict[str, str]:
    text = "\n".join(white.locator("[data-testid=stCode]").all_inner_texts())
    links = re.findall(r"https?://\S+\?seat=[A-Za-z0-9_-]+", text)
    assert len(links) == 2, text
    names = re.findall(r"(Blue|Red) \(", white.locator("[data-testid=stMarkdown]").all_inner_texts().__str__())
    return dict(zip(names[:2], links, strict=True)) if len(names) >= 2 else {"Blue": links[0], "Red": links[1]}


def _caught_up(page, sessions: Path) -> None:
    """Wait until a page shows the room's current version (it follows other seats' actions by itself)."""
    version = _room(sessions).version
    page.wait_for_function(
        "v => document.querySelector('svg.flashpoint-map')?.dataset.version === String(v)", arg=version, polling=50
    )
    settle(page)


def _step(white, button: str, sessions: Path) -> str:
    """Press a clock button on White's screen (once it shows the game as it is); the clock once the step is drawn."""
    _caught_up(white, sessions)
    before = _clock(white)
    white.get_by_role("button", name=button, exact=True).click()
    white.wait_for_function(
        "b => { const t = document.body.innerText; return t.includes('A decision is already waiting') ||"
        " ![...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('Clock')"
        " && m.innerText.includes(b)); }",
        arg=before,
        polling=20,
    )
    settle(white)
    return _clock(white)


def _decide_when_asked(cell_page) -> bool:
    """Respond at the rung the cell reads, if it has a decision; returns whether it decided."""
    respond = cell_page.get_by_role("button", name="Respond", exact=True)
    if not respond.count():
        return False
    respond.first.click()
    settle(cell_page)
    return True


def test_white_blue_and_red_play_one_game(server, seats, sessions):
    from playwright.sync_api import expect

    taiwan = load_scenario(TAIWAN)
    run = cells_run(taiwan, CELLS)
    white = seats.open(f"{server}/wargame")
    compiling = white.get_by_text("compiling the engine for this machine")  # prepared in the background
    expect(compiling).to_have_count(0, timeout=600_000)
    _start_game(white, run)
    links = _links(white)
    blue, red = seats.open(links["Blue"]), seats.open(links["Red"])
    expect(blue.get_by_role("heading", name="Blue cell — USA")).to_be_visible()
    expect(red.get_by_role("heading", name="Red cell — PRC")).to_be_visible()
    assert not blue.get_by_role("link", name="Monte Carlo").count()  # a cell's link opens its seat only
    assert not blue.get_by_role("button", name="+1 hour").count()  # cells cannot run the clock
    _check_blue_sees_only_what_it_detected(blue, sessions)
    assert _red_forces_on(blue) != {k for k, a in taiwan.assets.items() if a.owner == "PRC"}

    # White advances the clock: both cells follow within a second of White's screen showing it
    followed: dict[str, float] = {}
    for button in ("+1 hour", "+1 day"):
        now = _step(white, button, sessions)
        shown = time.perf_counter()
        for name, cell in (("blue", blue), ("red", red)):
            try:
                _wait_clock(cell, now, timeout=30)
                followed[f"{name} after {button}"] = round(time.perf_counter() - shown, 3)
                assert followed[f"{name} after {button}"] <= FOLLOW_SECONDS, followed
            except Exception:
                for n, page in (("white", white), (name, cell)):
                    shot(page, f"cells_follow_failed_{n}.png", full_page=True)
                raise
    (ARTIFACTS / "cells_follow_seconds.json").write_text(json.dumps(followed, indent=1), encoding="utf-8")
    shot(white, "cells_white.png")

    # both cells take decisions (White steps to the next one; each answers at the rung it reads)
    decided: set[str] = set()
    for _ in range(20):
        if decided == {"Blue", "Red"}:
            break
        try:
            now = _step(white, "To next decision", sessions)
        except Exception:
            for n, page in (("white", white), ("blue", blue), ("red", red)):
                shot(page, f"cells_failed_{n}.png", full_page=True)
            raise
        for name, cell in (("Blue", blue), ("Red", red)):
            try:
                _wait_clock(cell, now)
            except Exception:
                for n, page in (("white", white), (name.lower(), cell)):
                    shot(page, f"cells_follow_failed_{n}.png", full_page=True)
                raise
            settle(cell)
            if _decide_when_asked(cell):
                decided.add(name)
                shot(cell, f"cells_{name.lower()}_decision.png")
        _check_blue_sees_only_what_it_detected(blue, sessions)
    assert decided == {"Blue", "Red"}
    decisions = [a for a in _room(sessions).game.actions if a.kind == "decide"]
    assert {_room(sessions).game.cell_of(_actor(a, sessions)).name for a in decisions} >= {"Blue", "Red"}
    shot(blue, "cells_blue.png")

    # a stale window: its check for news (a timer in the page) is held, so it still shows the state it drew
    # when White acts in another window; its action is then refused with a message, and nothing is lost
    other = seats.open(white.url, clock=True)
    other.locator("[data-testid=stMetric]", has_text="Clock").wait_for()
    settle(other)
    assert _clock(other) == _clock(white)
    before = len(_room(sessions).game.actions)
    other.clock.pause_at(other.evaluate("Date.now()") + 1_000)
    _step(white, "+1 day", sessions)
    assert len(_room(sessions).game.actions) == before + 1
    other.get_by_role("button", name="+1 hour", exact=True).dispatch_event("click")  # sent at once, timers held
    other.clock.resume()
    expect(other.get_by_text("Not applied: this window showed an older state")).to_be_visible()
    settle(white)
    assert not white.get_by_text("Not applied").count(), white.locator("[data-testid=stAlert]").all_inner_texts()
    assert len(_room(sessions).game.actions) == before + 1  # the stale action was not applied, White's kept
    now = _clock(white)
    _wait_clock(other, now)  # the refused window shows the game as it is

    # a refresh of any seat restores it
    for page in (white, blue, red):
        page.reload()
        _wait_clock(page, now, timeout=120)  # the page's first run after a reload may start a moment later
        settle(page)
        assert _clock(page) == now
    expect(blue.get_by_role("heading", name="Blue cell — USA")).to_be_visible()

    # the reveal: the truth against each cell's picture, on White's screen and the cells'
    white.get_by_role("button", name="Reveal the truth to the cells").click()
    settle(white)
    for cell in (blue, red):
        expect(cell.get_by_text("What really happened — against what you believed")).to_be_visible(timeout=10_000)
    expect(white.get_by_role("tab", name="Blue's picture vs the truth")).to_be_visible()
    shot(blue, "cells_blue_reveal.png", full_page=True)
    shot(white, "cells_white_reveal.png", full_page=True)
    assert clock_hours(now) > 0


def _actor(action, sessions: Path) -> str:
    room = _room(sessions)
    return next(p.actor for p in room.game.game.provocations() if p.id == action.args[0])
