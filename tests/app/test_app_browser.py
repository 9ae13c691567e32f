"""The app in a real browser: served by ``streamlit run`` on 127.0.0.1, driven by Playwright with Debian's Chromium.

Never runs ``playwright install``: it uses /usr/bin/chromium. Without that browser the test is
skipped, unless ``FLASHPOINT_REQUIRE_BROWSER=1`` (CI sets it), in which case it fails.
Screenshots are saved under ``out/test-artifacts/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "out" / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_or_skip(reason: str) -> None:
    if os.environ.get("FLASHPOINT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (FLASHPOINT_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if not CHROMIUM.exists():
        _require_or_skip("Debian's /usr/bin/chromium is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require_or_skip("the playwright package is not installed")
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / "streamlit-server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
            "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--server.maxUploadSize", "1",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; see {ARTIFACTS / 'streamlit-server.log'}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_monte_carlo_and_a_wargame_step_in_chromium(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(90_000)
            page.goto(server)
            expect(page.get_by_text("Valid:", exact=False)).to_be_visible()
            expect(page.get_by_role("button", name="Load shipped scenario")).to_be_visible()
            expect(page.get_by_text("Export-control strength")).to_be_visible()
            page.wait_for_timeout(1000)  # let the widgets paint
            page.screenshot(path=ARTIFACTS / "app_scenario.png", full_page=False)

            page.get_by_role("link", name="Monte Carlo").click()
            runs = page.get_by_label("Replications")
            runs.fill("40")
            runs.press("Tab")
            page.get_by_role("button", name="Run Monte Carlo").click()
            expect(page.get_by_text("P(crisis reaches rung ≥ 3)")).to_be_visible()
            expect(page.get_by_text("40 runs of", exact=False)).to_be_visible()
            page.wait_for_timeout(1500)  # let the figures paint
            page.screenshot(path=ARTIFACTS / "app_monte_carlo.png", full_page=True)

            page.get_by_role("link", name="Wargame (live)").click()
            page.get_by_role("button", name="Start a new game").click()
            page.get_by_role("button", name="+1 day").click()
            expect(page.get_by_text("day 2 00:00")).to_be_visible()
            page.screenshot(path=ARTIFACTS / "app_wargame.png", full_page=True)
        finally:
            browser.close()
    for name in ("app_scenario.png", "app_monte_carlo.png", "app_wargame.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
