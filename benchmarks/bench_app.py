"""Benchmark of the facilitator's app in a real browser (Debian's Chromium through Playwright).

Serves the app with ``streamlit run`` on 127.0.0.1 (one process, as ``make app``) and measures, from
the click (or the navigation) until the page shows the answer and Streamlit has finished its rerun:

* first page: a fresh browser session opening the app until the opening page is drawn (the first
  session after the server starts, then fresh sessions on a warm server);
* a lever change: toggling the hotline until the sidebar counts the override;
* a 1,000-run Monte Carlo: pressing "Run Monte Carlo" until the headline and the figures are shown
  (the first in the server process loads the compiled engine from numba's cache);
* a wargame step: "+1 hour" until the map shows the new hour;
* odds from here: 2,000 futures × 3 options (hold, respond, doctrine) at a decision point;
* a White step reaching the cells: White presses "+1 hour" until both cells' screens (Blue = USA and
  Red = PRC, each in its own browser context) show the new clock;
* the first page while the engine compiles: a server with an empty numba cache, its first page (the
  opening page with the "compiling the engine" notice in the sidebar) until drawn.

Usage: ``NUMBA_CACHE_DIR=... .venv/bin/python benchmarks/bench_app.py [--repeat N] [--json FILE]``
(without ``NUMBA_CACHE_DIR`` it uses ``.numba_cache/bench``, compiled first in a separate process).
Targets on the 2-core machine: first page ≤ 3 s, lever ≤ 1 s, 1,000 runs ≤ 3 s, step ≤ 1 s, odds ≤ 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "app"))

from app_browser import CHROMIUM, CHROMIUM_ARGS, SCREEN, settle, streamlit_server  # noqa: E402
from app_runs import cells_run, decision_run  # noqa: E402

TARGETS = {
    "first page": 3.0,
    "lever change": 1.0,
    "1,000-run Monte Carlo": 3.0,
    "wargame step": 1.0,
    "odds": 2.0,
    "White step reaching the cells": 1.0,
    "first page while compiling": 3.0,
}
IDLE = "(() => { const a = document.querySelector('[data-testid=stApp]'); return a && a.dataset.testScriptState"
IDLE += " === 'notRunning' && a.dataset.testConnectionState === 'CONNECTED'; })()"
WARM = """
from sim.scenario.loader import load_scenario
from sim.experiments.monte_carlo import run_monte_carlo
run_monte_carlo(load_scenario("scenarios/taiwan_strait.yaml"), runs=20, seed=1)
"""


def _until(page, condition: str, started: float, timeout: float = 180_000) -> float:
    """Seconds from ``started`` until the JS ``condition`` holds and the app is idle."""
    page.wait_for_function(f"() => ({condition}) && {IDLE}", timeout=timeout, polling=20)
    return time.perf_counter() - started


def _text(needle: str) -> str:
    return f"document.body.innerText.includes({json.dumps(needle)})"


def first_page(browser, url: str) -> float:
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    seconds = _until(page, _text("What do you want to do?") + " && " + _text("Scenario in use"), started)
    context.close()
    return seconds


def lever_changes(page, url: str, repeat: int) -> list[float]:
    page.goto(f"{url}/scenario")
    settle(page)
    toggle = page.locator("label", has=page.locator("input[aria-label='Hotline']"))
    times = []
    for i in range(repeat):
        expected = "1 override from the levers" if i % 2 == 0 else "No overrides from the levers"
        started = time.perf_counter()
        toggle.click()
        times.append(_until(page, _text(expected), started))
    return times


def monte_carlos(page, url: str, repeat: int) -> list[float]:
    page.goto(f"{url}/monte_carlo")
    settle(page)
    page.get_by_label("Replications").fill("1000")
    times = []
    for i in range(repeat):
        seed = page.get_by_label("Seed")
        seed.fill(str(1000 + i))
        seed.press("Tab")
        settle(page)
        started = time.perf_counter()
        page.get_by_role("button", name="Run Monte Carlo").click()
        shown = f"seed {1000 + i}, 1 worker"
        images = "document.querySelectorAll('[data-testid=stImage] img').length > 0"
        times.append(_until(page, f"{_text('1,000 runs of')} && {_text(shown)} && {images}", started))
    return times


def _map_hours(page) -> float:
    return float(page.locator(".st-key-truth_map svg.flashpoint-map").get_attribute("data-hours"))


def wargame(page, url: str, repeat: int) -> tuple[list[float], list[float]]:
    from sim.scenario import load_scenario

    run = decision_run(load_scenario(ROOT / "scenarios" / "taiwan_strait.yaml"), "PRC")  # the players get to decide
    page.goto(f"{url}/wargame")
    settle(page)
    page.get_by_role("combobox", name="…or players decide for").click()
    page.get_by_role("option", name="PRC", exact=True).click()
    page.get_by_label("Run (a different history of chance events)").fill(str(run))
    page.get_by_role("button", name="Start a new game").click()
    settle(page)
    steps = []
    for _ in range(repeat):
        hours = _map_hours(page)
        started = time.perf_counter()
        page.get_by_role("button", name="+1 hour", exact=True).click()
        moved = f"document.querySelector('.st-key-truth_map svg.flashpoint-map')?.dataset.hours === '{hours + 1:g}'"
        steps.append(_until(page, moved, started))
    while not page.get_by_text("must respond to").count():
        page.get_by_role("button", name="To next decision").click()
        settle(page)
    odds = []
    for _ in range(repeat):
        # the decision stays open while the clock runs: each hour is a new state to fork from
        page.get_by_role("button", name="+1 hour", exact=True).click()
        settle(page)
        started = time.perf_counter()
        page.get_by_role("button", name="Odds from here").click()
        fresh = f"{_text('2,000 futures per option in')} && !{_text('the game has moved on since')}"
        odds.append(_until(page, fresh, started))
    return steps, odds


def _clock_is(hours_text: str) -> str:
    return (
        "[...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('Clock') && "
        f"m.innerText.includes({json.dumps(hours_text)}))"
    )


def cells_follow(browser, url: str, repeat: int) -> list[float]:
    """White's "+1 hour" until both cells show the new clock (three browser contexts)."""
    from sim.app.session import Cell
    from sim.scenario import load_scenario
    from sim.vocabulary import clock

    cells = (Cell("Blue", ("USA",)), Cell("Red", ("PRC",)))
    run = cells_run(load_scenario(ROOT / "scenarios" / "taiwan_strait.yaml"), cells)
    white = browser.new_context(viewport=SCREEN).new_page()
    white.set_default_timeout(180_000)
    white.goto(f"{url}/wargame")
    settle(white)
    for name, actor in (("Blue", "USA"), ("Red", "PRC")):
        white.get_by_label(f"{name} cell plays").click()
        white.get_by_role("option", name=actor, exact=True).click()
        white.keyboard.press("Escape")
        settle(white)
    white.get_by_text("Runs with decisions (", exact=False).wait_for()
    field = white.get_by_label("Run (a different history of chance events)")
    field.fill(str(run))
    field.press("Tab")
    settle(white)
    white.get_by_role("button", name="Start a new game").click()
    white.wait_for_url("**seat=**")
    white.locator("[data-testid=stCode]").first.wait_for()
    settle(white)
    links = [t.strip() for t in white.locator("[data-testid=stCode]").all_inner_texts() if "?seat=" in t]
    pages = []
    for link in links[:2]:
        page = browser.new_context(viewport=SCREEN).new_page()
        page.set_default_timeout(180_000)
        page.goto(link)
        settle(page)
        pages.append(page)
    times = []
    for i in range(repeat):
        want = clock(i + 1.0)
        started = time.perf_counter()
        white.get_by_role("button", name="+1 hour", exact=True).click()
        for page in pages:
            page.wait_for_function(f"() => {_clock_is(want)}", timeout=180_000, polling=20)
        times.append(time.perf_counter() - started)
        settle(white)
    return times


def first_page_compiling(browser) -> float:
    """A fresh server with an empty numba cache: its first page, with "compiling the engine" shown."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        streamlit_server(
            Path(tmp), Path(tmp) / "server.log", env_extra={"NUMBA_CACHE_DIR": str(Path(tmp) / "nb")}
        ) as url,
    ):
        context = browser.new_context(viewport=SCREEN)
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url)
        shown = _text("What do you want to do?") + " && " + _text("compiling the engine for this machine")
        seconds = _until(page, shown, started)
        context.close()
        return seconds


def _warm_numba() -> None:
    subprocess.run([sys.executable, "-c", WARM], cwd=ROOT, check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def run(repeat: int) -> dict[str, dict[str, float]]:
    """Measure everything; returns {measure: {median, min, max, cold?}} in seconds."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache" / "bench"))
    _warm_numba()
    figures: dict[str, dict[str, float]] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        streamlit_server(Path(tmp), Path(tmp) / "server.log") as url,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        cold = first_page(browser, url)
        figures["first page"] = _summary([first_page(browser, url) for _ in range(repeat)], cold)
        page = browser.new_context(viewport=SCREEN).new_page()
        page.set_default_timeout(180_000)
        figures["lever change"] = _summary(lever_changes(page, url, repeat))
        mc = monte_carlos(page, url, repeat + 1)
        figures["1,000-run Monte Carlo"] = _summary(mc[1:], mc[0])
        steps, odds = wargame(page, url, repeat)
        figures["wargame step"] = _summary(steps)
        figures["odds"] = _summary(odds[1:] or odds, odds[0])
        figures["White step reaching the cells"] = _summary(cells_follow(browser, url, repeat))
        figures["first page while compiling"] = _summary([first_page_compiling(browser)])
        browser.close()
    return figures


def _summary(times: list[float], cold: float | None = None) -> dict[str, float]:
    out = {"median": statistics.median(times), "min": min(times), "max": max(times), "n": len(times)}
    if cold is not None:
        out["first"] = cold
    return out


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print the figures (and save them as JSON if asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of each measure (default 5)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.repeat)
    print(f"{'measure':<30} {'median':>8} {'min':>8} {'max':>8} {'first':>8}  target")
    for name, f in figures.items():
        first = f"{f['first']:.2f}" if "first" in f else "—"
        verdict = "ok" if f["median"] <= TARGETS[name] else "MISSED"
        print(
            f"{name:<30} {f['median']:>8.2f} {f['min']:>8.2f} {f['max']:>8.2f} {first:>8}"
            f"  ≤ {TARGETS[name]:g} s {verdict}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
