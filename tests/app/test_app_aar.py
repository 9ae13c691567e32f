"""The after-action report: one self-contained HTML file with what participants need, opened offline in Chromium."""

from __future__ import annotations

import os
import re
from html import escape
from pathlib import Path

import pytest
from app_browser import CHROMIUM, CHROMIUM_ARGS, SCREEN
from app_runs import cells_run

from sim.app.aar import aar_html, decision_moments, narrative_by_day
from sim.app.comparison import verdicts
from sim.app.odds import options_for
from sim.app.room import WHITE, RoomRegistry
from sim.app.session import Cell, GameOrigin, GameSession
from sim.experiments.compare import compare
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
CELLS = (Cell("Blue", ("USA",)), Cell("Red", ("PRC",)))


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """A game in which both cells decided, Blue after asking for the odds, and a comparison of two options."""
    taiwan = load_scenario(TAIWAN)
    origin = GameOrigin(TAIWAN.name, TAIWAN.read_text(encoding="utf-8"))
    game = GameSession(taiwan, taiwan.monte_carlo.seed, cells_run(taiwan, CELLS), origin=origin, cells=CELLS)
    room = RoomRegistry(tmp_path_factory.mktemp("rooms"), inline_odds=True).create(game)
    decided: set[str] = set()
    while len(decided) < 2 and not game.finished:
        room.step_to_decision(WHITE, room.version)
        for d in game.game.open_decisions():
            role = game.cell_of(d.actor).name
            room.ask_odds(role, options_for(game.game, d.id, [d.provocation_rung]), 50, 48.0, None, level=1)
            room.decide(role, room.version, d.id, d.provocation_rung)
            decided.add(role)
    room.step(WHITE, room.version, 24)
    comparison = compare(taiwan, ["baseline", "no_hotline:policy.hotline.enabled=false"], runs=60, seed=3)
    return room, comparison


def test_the_report_holds_every_item_for_the_participants(played):
    room, comparison = played
    html = aar_html(room.game, room.odds, comparison)
    moments = decision_moments(room.game)
    assert {m.cell for m in moments} == {"Blue", "Red"}
    assert "class='flashpoint-rungs'" in html  # the rung chart
    for n, moment in enumerate(moments, 1):
        block = html[html.index(f"id='decision-{n}'") :].split("<div class='decision'", 1)[0]
        assert block.count("class='flashpoint-map'") == 2  # the truth and the cell's picture at that moment
        assert f"The odds {moment.cell} saw (from what it knew" in block  # the odds the cell saw then
        assert "class='odds'" in block and "%" in block
        assert block.count("<h5>") == len(room.game.cells)  # every cell's picture against the truth
    assert "id='pictures'" in html and html.count("class='reveal'") >= len(moments)
    for sentence in verdicts(comparison, "p_ge_4"):
        assert escape(sentence) in html  # the verdicts
    assert "<div class='forest'><svg" in html  # the forest plot, inline
    days = narrative_by_day(room.game.game.timeline())
    assert len(days) >= 2 and all(f"<h3>Day {d}</h3>" in html for d, _ in days)
    narrative = html[html.index("id='narrative'") :]
    assert not re.search(r"#\d", narrative) and "[root:" not in narrative  # plain language, no record ids
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", html)  # nothing to fetch


def test_the_report_opens_offline_in_chromium(played, tmp_path):
    if not CHROMIUM.exists():
        if os.environ.get("FLASHPOINT_REQUIRE_BROWSER") == "1":
            pytest.fail("Debian's /usr/bin/chromium is not installed (FLASHPOINT_REQUIRE_BROWSER=1)")
        pytest.skip("Debian's /usr/bin/chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    room, comparison = played
    report = tmp_path / "after_action_report.html"
    report.write_text(aar_html(room.game, room.odds, comparison), encoding="utf-8")
    asked = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=SCREEN, offline=True)
        page = context.new_page()
        page.on("request", lambda r: asked.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(report.as_uri())
        expect(page.get_by_role("heading", name="After-action report")).to_be_visible()
        for heading in ("The rungs over time", "Every decision", "Options compared", "What happened, day by day"):
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
        assert page.locator("svg.flashpoint-rungs").first.bounding_box()["height"] > 100
        assert page.locator("svg.flashpoint-map").count() >= 4
        expect(page.locator(".forest svg")).to_be_visible()
        browser.close()
    assert not asked, f"the report asked the network for {asked[:3]}"
