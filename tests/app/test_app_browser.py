"""The app in a real browser: served by ``streamlit run`` on 127.0.0.1, driven by Playwright with Debian's Chromium.

Never runs ``playwright install``: it uses /usr/bin/chromium. Without that browser the tests are
skipped, unless ``FLASHPOINT_REQUIRE_BROWSER=1`` (CI sets it), in which case they fail. One server
for the module. Screenshots go to ``out/test-artifacts/`` (and to ``docs/img/`` with
``FLASHPOINT_DOCS_SCREENSHOTS=1``, as ``make screenshots`` does).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest
from app_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREEN,
    clock_hours,
    game_state,
    metrics,
    settle,
    shot,
    streamlit_server,
)
from app_runs import decision_run

from sim.app.comparison import verdicts
from sim.experiments.compare import compare
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"


def _require_or_skip(reason: str) -> None:
    if os.environ.get("FLASHPOINT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (FLASHPOINT_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        _require_or_skip("Debian's /usr/bin/chromium is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require_or_skip("the playwright package is not installed")
    with streamlit_server(tmp_path_factory.mktemp("sessions"), ARTIFACTS / "streamlit-server.log") as url:
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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=SCREEN, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
    yield page
    context.close()
    assert not outside, f"the app asked the network for {outside[:3]}"  # it must work offline


def _open(page, url: str, path: str = "") -> None:
    page.goto(f"{url}/{path}")
    settle(page)


def test_first_page_and_a_monte_carlo(server, page):
    from playwright.sync_api import expect

    _open(page, server)
    expect(page.get_by_text("What do you want to do?")).to_be_visible()  # the opening page
    _open(page, server, "scenario")
    expect(page.get_by_text("Valid:", exact=False)).to_be_visible()
    expect(page.get_by_text("Export-control strength")).to_be_visible()
    assert "session=" in page.url
    shot(page, "app_scenario.png")
    page.get_by_role("link", name="Monte Carlo").click()
    settle(page)
    runs = page.get_by_label("Replications")
    runs.fill("1000")
    runs.press("Tab")
    page.get_by_role("button", name="Run Monte Carlo").click()
    expect(page.get_by_text("1,000 runs of", exact=False)).to_be_visible(timeout=600_000)  # after the engine is ready
    settle(page)
    headline = {"P(crisis reaches rung ≥ 3)", "P(crisis reaches rung ≥ 5)", "P(inadvertent escalation)"}
    assert set(metrics(page)) == headline
    expect(page.locator("[data-testid=stImage] img").first).to_be_visible()
    shot(page, "app_monte_carlo.png")


def _start_game(page, server, run: int) -> None:
    _open(page, server, "wargame")
    page.get_by_role("combobox", name="…or players decide for").click()
    page.get_by_role("option", name="PRC", exact=True).click()
    page.get_by_label("Run (a different history of chance events)").fill(str(run))
    page.get_by_role("button", name="Start a new game").click()
    settle(page)


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    settle(page)


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
    drawn = page.locator(".st-key-truth_map svg [data-asset]").evaluate_all("els => els.map(e => e.dataset.asset)")
    assert sorted(drawn) == sorted(taiwan.assets)  # the map (theatre and orbits) shows every asset
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
    _click(page, "Game file")
    with page.expect_download() as download:
        page.get_by_role("button", name="Save the game (.json)").click()
    saved_file = tmp_path / download.value.suggested_filename
    download.value.save_as(saved_file)
    assert saved_file.suffix == ".json"
    page.keyboard.press("Escape")
    _click(page, "+1 day")
    assert game_state(page) != after
    _click(page, "Game file")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(saved_file)
    settle(page)
    expect(page.get_by_text("Loaded", exact=False)).to_be_visible()
    assert game_state(page) == after

    # a refresh restores the game
    page.reload()
    settle(page)
    assert game_state(page) == after


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
