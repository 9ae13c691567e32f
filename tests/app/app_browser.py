"""Driving the app in a real browser: ``streamlit run`` on 127.0.0.1 and Debian's Chromium through Playwright.

Shared by ``test_app_browser.py`` and ``benchmarks/bench_app.py``. Never runs ``playwright install``:
the browser is /usr/bin/chromium, started with the flags a root user without network needs.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "out" / "test-artifacts"
DOCS_IMG = ROOT / "docs" / "img"
SCREENSHOTS_ENV = "FLASHPOINT_DOCS_SCREENSHOTS"
"""Set to 1 to also write the screenshots to docs/img (``make screenshots``)."""
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
SCREEN = {"width": 1920, "height": 1080}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(
    sessions_dir: Path,
    log_path: Path,
    timeout: float = 90.0,
    env_extra: dict[str, str] | None = None,
    plain: bool = False,
) -> Iterator[str]:
    """Serve the app with ``streamlit run`` on a free port; yields its URL; stops it and its children afterwards.

    Args:
        plain: Start it with the documented command only (``streamlit run streamlit_app.py``, in the repository's
            root, so ``.streamlit/config.toml`` sets everything) and a free port; otherwise as ``make app`` does.
    """
    port = free_port()
    env = {**os.environ, "FLASHPOINT_SESSIONS_DIR": str(sessions_dir), **(env_extra or {})}
    env.pop("FLASHPOINT_APP_INLINE_JOBS", None)
    for key in [k for k in env if k.startswith("STREAMLIT_")]:  # nothing but the config file sets Streamlit up
        env.pop(key)
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port)]
    if not plain:
        command += ["--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log_path}")
                time.sleep(0.2)
            yield url
        finally:
            import psutil  # the engine's preparation runs in a child process: stop it with the server

            children = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            for child in children:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()


def settle(page, timeout: float = 120_000) -> None:
    """Wait until the app's script has finished running (twice in a row, 100 ms apart)."""
    script = (
        "() => { const app = document.querySelector('[data-testid=stApp]');"
        " return app?.dataset.testScriptState === 'notRunning' && app?.dataset.testConnectionState === 'CONNECTED'; }"
    )
    for _ in range(2):
        page.wait_for_timeout(100)
        page.wait_for_function(script, timeout=timeout)


def metrics(page) -> dict[str, str]:
    """Every ``st.metric`` on the page: label to value."""
    out = {}
    for m in page.locator("[data-testid=stMetric]").all():
        label = m.locator("[data-testid=stMetricLabel]").inner_text().strip()
        out[label] = m.locator("[data-testid=stMetricValue]").inner_text().strip()
    return out


def clock_hours(text: str) -> float:
    """'day D HH:MM' as hours."""
    day, hh, mm = map(int, re.fullmatch(r"day (\d+) (\d\d):(\d\d)", text.strip()).groups())
    return (day - 1) * 24 + hh + mm / 60


def game_state(page) -> dict[str, object]:
    """What the wargame page shows: the map's state stamp, the clock, every metric (rungs)."""
    svg = page.locator(".st-key-truth_map svg.flashpoint-map")
    svg.wait_for()
    page.locator("[data-testid=stMetric]", has_text="Clock").wait_for()
    return {
        "state": svg.get_attribute("data-state"),
        "hours": svg.get_attribute("data-hours"),
        "events": svg.get_attribute("data-events"),
        "metrics": metrics(page),
    }


def shot(page, name: str, full_page: bool = False) -> Path:
    """Screenshot into out/test-artifacts (and docs/img with FLASHPOINT_DOCS_SCREENSHOTS=1)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=path, full_page=full_page)
    if os.environ.get(SCREENSHOTS_ENV) == "1":
        (DOCS_IMG / name).write_bytes(path.read_bytes())
    return path
