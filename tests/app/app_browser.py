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
import threading
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


class NetworkWitness:
    """A stand-in proxy on 127.0.0.1 that answers nothing and records every connection made to it.

    The server is started with it as its HTTP(S) proxy, so any request the server's Python makes to the
    network (``requests``, ``urllib``: Streamlit's external-IP check, its telemetry) arrives here instead.
    """

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen()
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    self.requests.append(conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1"))
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self._socket.close()

    def proxy_environment(self) -> dict[str, str]:
        """Environment variables that send HTTP(S) requests through this witness (127.0.0.1 bypasses it)."""
        names = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
        return {**dict.fromkeys(names, self.url), "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


@contextlib.contextmanager
def streamlit_server(
    sessions_dir: Path,
    log_path: Path,
    timeout: float = 180.0,
    witness: NetworkWitness | None = None,
    env_extra: dict[str, str] | None = None,
) -> Iterator[str]:
    """Serve the app as a facilitator does, ``streamlit run streamlit_app.py`` (the repository's
    .streamlit/config.toml sets the rest), on a free port; yields its URL; stops it and its children afterwards.

    Args:
        sessions_dir: Where the app autosaves.
        log_path: The server's output.
        timeout: Seconds to wait for the server to answer.
        witness: Proxy that records any request the server makes to the network.
        env_extra: More environment for the server (a benchmark's empty numba cache).
    """
    port = free_port()
    env = {
        **os.environ,
        "FLASHPOINT_SESSIONS_DIR": str(sessions_dir),
        **(witness.proxy_environment() if witness else {}),
        **(env_extra or {}),
    }
    env.pop("FLASHPOINT_APP_INLINE_JOBS", None)
    for key in [k for k in env if k.startswith("STREAMLIT_")]:  # nothing but the config file sets Streamlit up
        env.pop(key)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
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
            import psutil  # anything the server started (a worker process) goes with it

            children = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            for child in children:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()


# Counts the app's script runs as the page sees them, and when its run state last changed: a run that
# has not been drawn yet, or a rerun the script asked for (st.rerun), is then never taken for "done".
WATCH_RUNS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.__flashpointWatched) return;
  app.__flashpointWatched = true;
  window.__flashpointRuns = window.__flashpointRuns || 0;
  window.__flashpointChanged = performance.now();
  new MutationObserver(() => {
    window.__flashpointChanged = performance.now();
    if (app.dataset.testScriptState !== 'notRunning') window.__flashpointRuns += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
IDLE = """(quiet) => {
  const app = document.querySelector('[data-testid=stApp]');
  return app?.dataset.testScriptState === 'notRunning' && app?.dataset.testConnectionState === 'CONNECTED'
    && performance.now() - (window.__flashpointChanged ?? 0) >= quiet;
}"""


def settle(page, timeout: float = 120_000, quiet_ms: float = 300) -> None:
    """Wait until the app's script is not running, connected, and its run state has not changed for ``quiet_ms``."""
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout)
    page.evaluate(WATCH_RUNS)
    page.wait_for_function(IDLE, arg=quiet_ms, timeout=timeout)


def runs(page) -> int:
    """Script runs the page has seen start (counting begins at the first call on a page)."""
    page.evaluate(WATCH_RUNS)
    return page.evaluate("window.__flashpointRuns || 0")


def act(page, action, timeout: float = 120_000) -> None:
    """Do ``action`` (a click, a key press) that makes the app run its script; wait until that run is over.

    Waits for the run to start first, so a slow server (a loaded machine) is never mistaken for an idle one.
    """
    before = runs(page)
    action()
    page.wait_for_function(f"(window.__flashpointRuns || 0) > {before}", timeout=timeout)
    settle(page, timeout)


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
