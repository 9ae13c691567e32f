"""The app in a real browser: served by the plain ``streamlit run streamlit_app.py`` (the repository's
.streamlit/config.toml: 127.0.0.1, no usage statistics), driven by Playwright with Debian's Chromium.

Never runs ``playwright install``: it uses /usr/bin/chromium. Without that browser the tests are
skipped, unless ``FLASHPOINT_REQUIRE_BROWSER=1`` (CI sets it), in which case they fail. One server
for the module. Every step waits for what it expects to see (``expect``, :func:`app_browser.act`),
never for a fixed time, so the tests hold on a loaded machine. No request may leave 127.0.0.1: the
browser's are watched on every page, the server's go to a recording proxy. Screenshots go to
``out/test-artifacts/`` (and to ``docs/img/`` with ``FLASHPOINT_DOCS_SCREENSHOTS=1``, as ``make
screenshots`` does).
"""

from __future__ import annotations

import io
import os
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from app_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREEN,
    NetworkWitness,
    act,
    clock_hours,
    game_state,
    metrics,
    settle,
    shot,
    streamlit_server,
)
from app_runs import decision_run
from hostile_documents import BAD_ESCAPE

from sim.app.comparison import verdicts
from sim.app.gamefile import MAX_GAME_FILE_BYTES
from sim.experiments.compare import compare
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"


def _require_or_skip(reason: str) -> None:
    if os.environ.get("FLASHPOINT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (FLASHPOINT_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def witness():
    recorder = NetworkWitness()
    yield recorder
    recorder.close()
    assert not recorder.requests, f"the server asked the network for {recorder.requests[:3]}"


@pytest.fixture(scope="module")
def server(tmp_path_factory, witness):
    if not CHROMIUM.exists():
        _require_or_skip("Debian's /usr/bin/chromium is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require_or_skip("the playwright package is not installed")
    log = ARTIFACTS / "streamlit-server.log"
    with streamlit_server(tmp_path_factory.mktemp("sessions"), log, witness=witness) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=120_000)  # conditions, not times: a loaded machine only makes them come later

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=SCREEN, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    outside = []
    context.on("request", lambda r: outside.append(r.url) if not r.url.startswith(LOCAL) else None)
    yield page
    exceptions = page.locator("[data-testid=stException]").count()
    context.close()
    assert not outside, f"the app asked the network for {outside[:3]}"  # it must work offline
    assert exceptions == 0, "the page shows an exception"


LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


def _open(page, url: str, path: str = "") -> None:
    from playwright.sync_api import expect

    page.goto(f"{url}/{path}")
    expect(page.locator("h1").first).to_be_visible()  # the page's title: its first run has drawn
    settle(page)


def test_the_plain_streamlit_run_is_offline_and_local():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False  # the page would send usage statistics
    assert config["server"]["address"] == "127.0.0.1"  # and the server would look up its external IP
    assert config["client"]["toolbarMode"] == "minimal"
    # small uploads, but room for any game file the app saves (it must load back)
    assert MAX_GAME_FILE_BYTES <= config["server"]["maxUploadSize"] * 2**20 < 2 * MAX_GAME_FILE_BYTES


def test_first_page_and_a_monte_carlo(server, page):
    from playwright.sync_api import expect

    _open(page, server)
    expect(page.get_by_text("What do you want to do?")).to_be_visible()  # the opening page
    _open(page, server, "scenario")
    expect(page.get_by_text("Valid:", exact=False)).to_be_visible()
    expect(page.get_by_text("Export-control strength")).to_be_visible()
    assert "session=" in page.url
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)  # toolbarMode "minimal"
    shot(page, "app_scenario.png")
    act(page, lambda: page.get_by_role("link", name="Monte Carlo").click())
    runs = page.get_by_label("Replications")
    runs.fill("1000")  # may be the default already: no rerun to wait for; the button below carries the value
    runs.press("Tab")
    page.get_by_role("button", name="Run Monte Carlo").click()
    expect(page.get_by_text("1,000 runs of", exact=False)).to_be_visible(timeout=600_000)  # after the engine is ready
    settle(page)
    headline = {"P(crisis reaches rung ≥ 3)", "P(crisis reaches rung ≥ 5)", "P(inadvertent escalation)"}
    assert set(metrics(page)) == headline
    expect(page.locator("[data-testid=stImage] img").first).to_be_visible()
    shot(page, "app_monte_carlo.png")


def test_an_upload_with_an_escape_past_u10ffff_shows_a_located_error(server, page, tmp_path):
    from playwright.sync_api import expect

    upload = tmp_path / "escape.yaml"
    upload.write_text(BAD_ESCAPE, encoding="utf-8")
    _open(page, server, "scenario")  # the app opens on "what do you want to do?"
    act(page, lambda: page.locator("[data-testid=stFileUploader] input[type=file]").first.set_input_files(upload))
    located = "escape.yaml:1:19: metadata: YAML syntax error: the escape \\U00110000 is past U+10FFFF"
    expect(page.get_by_text(located, exact=False)).to_be_visible()
    expect(page.get_by_text("1 error(s) in the scenario")).to_be_visible()
    expect(page.locator("[data-testid=stException]")).to_have_count(0)


def _start_game(page, server, run: int) -> None:
    from playwright.sync_api import expect

    _open(page, server, "wargame")
    page.get_by_role("combobox", name="…or players decide for").click()
    page.get_by_role("option", name="PRC", exact=True).click()  # inside a form: no rerun until it is submitted
    page.get_by_label("Run (a different history of chance events)").fill(str(run))
    act(page, lambda: page.get_by_role("button", name="Start a new game").click())
    expect(page.locator(".st-key-truth_map svg.flashpoint-map")).to_be_visible()


def _click(page, name: str) -> None:
    """Press a button that reruns the app, and wait until that run is over."""
    act(page, lambda: page.get_by_role("button", name=name, exact=True).click())


def _popover(page, name: str, shows: str) -> None:
    """Open a popover (no rerun) and wait for the button it shows."""
    from playwright.sync_api import expect

    page.get_by_role("button", name=name, exact=True).click()
    expect(page.get_by_role("button", name=shows)).to_be_visible()


def _to_decision(page) -> None:
    """'To next decision' until a decision opens: never more than a day per press, and it says why it stopped."""
    for _ in range(20):
        before = clock_hours(metrics(page)["Clock"])
        _click(page, "To next decision")
        moved = clock_hours(metrics(page)["Clock"]) - before
        assert 0 < moved <= 24
        if page.get_by_text("Stopped at a decision point").count():
            return
        assert page.get_by_text("No decision point within a day: stopped after 24 h").count() == 1
    raise AssertionError("no decision point")


def _within_first_screen(page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], box


def test_wargame_map_steps_undo_redo_save_load_and_refresh(server, page, tmp_path):
    from playwright.sync_api import expect

    taiwan = load_scenario(TAIWAN)
    _start_game(page, server, decision_run(taiwan, "PRC"))  # a run where the players meet a decision
    assets = page.locator(".st-key-truth_map svg [data-asset]")
    expect(assets).to_have_count(len(taiwan.assets))  # the map (theatre and orbits) shows every asset
    assert sorted(assets.evaluate_all("els => els.map(e => e.dataset.asset)")) == sorted(taiwan.assets)
    _click(page, "+1 hour")
    _to_decision(page)
    expect(page.get_by_text("PRC must respond to", exact=False)).to_be_visible()
    page.get_by_role("button", name="Odds from here").click()
    # the odds are computed in the background (2,000 futures per option): allow a loaded machine its time
    expect(page.get_by_text("futures per option in", exact=False)).to_be_visible(timeout=120_000)
    settle(page)
    # at 1920×1080 the clock, the rungs, the pending decision and the odds fit the first screen
    for label in ("Clock", "PRC (players)", "DPRK"):
        _within_first_screen(page, page.locator("[data-testid=stMetric]", has_text=label))
    _within_first_screen(page, page.locator(".st-key-decision_panel"))
    _within_first_screen(page, page.locator(".st-key-odds_panel [data-testid=stDataFrame]").first)
    shot(page, "app_wargame.png")

    # undo then redo returns to the same state
    _click(page, "+1 hour")
    after = game_state(page)
    _click(page, "Undo")
    assert game_state(page) != after
    _click(page, "Redo")
    assert game_state(page) == after

    # save, play on, load: the saved state again
    _popover(page, "Game file", "Save the game (.json)")
    with page.expect_download() as download:
        page.get_by_role("button", name="Save the game (.json)").click()
    saved_file = tmp_path / download.value.suggested_filename
    download.value.save_as(saved_file)
    assert saved_file.suffix == ".json"
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Save the game (.json)")).to_be_hidden()
    _click(page, "+1 day")
    assert game_state(page) != after
    _popover(page, "Game file", "Save the game (.json)")
    act(page, lambda: page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(saved_file))
    expect(page.get_by_text("Loaded", exact=False)).to_be_visible()
    _expect_state(page, after)

    # a refresh restores the game
    page.reload()
    _expect_state(page, after)


def _expect_state(page, state: dict) -> None:
    """Wait until the map and the clock show ``state``, then check every metric too."""
    from playwright.sync_api import expect

    svg = page.locator(".st-key-truth_map svg.flashpoint-map")  # the truth (a cell's picture is beside it)
    for name in ("state", "hours", "events"):
        expect(svg).to_have_attribute(f"data-{name}", state[name])
    expect(page.locator("[data-testid=stMetric]", has_text="Clock")).to_contain_text(state["metrics"]["Clock"])
    settle(page)
    assert game_state(page) == state


ARMS = ["baseline", "hotline_off: policy.hotline.enabled=false"]


def test_compare_shows_the_verdict_and_downloads_the_api_table(server, page):
    from playwright.sync_api import expect

    _open(page, server, "compare")
    page.get_by_role("textbox", name="Options").fill("\n".join(ARMS))
    runs = page.get_by_label("Runs per option")
    runs.fill("400")
    runs.press("Tab")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("Verdict", exact=True)).to_be_visible()
    settle(page)
    scenario = load_scenario(TAIWAN)
    api = compare(scenario, [a.replace(": ", ":") for a in ARMS], runs=400, seed=scenario.monte_carlo.seed)
    [sentence] = verdicts(api, "p_ge_4")
    expect(page.get_by_text(sentence, exact=True)).to_be_visible()
    page.set_viewport_size({"width": SCREEN["width"], "height": 1500})  # the page scrolls inside its own pane
    shot(page, "app_compare.png")
    page.set_viewport_size(SCREEN)
    tables = {}
    for label, reader in (("Table (CSV)", pd.read_csv), ("Table (Parquet)", pd.read_parquet)):
        with page.expect_download() as download:
            page.get_by_role("button", name=label).click()
        tables[label] = reader(io.BytesIO(Path(download.value.path()).read_bytes()))
    pd.testing.assert_frame_equal(tables["Table (Parquet)"], api.frame())
    pd.testing.assert_frame_equal(tables["Table (CSV)"], api.frame(), check_dtype=False)
