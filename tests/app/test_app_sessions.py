"""Autosaved sessions: in the installation's data directory, written on a change (never for a mere visit),
removed after KEEP_DAYS days untouched (issue 24: every page visit wrote a file and nothing expired them).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import platformdirs
from streamlit.testing.v1 import AppTest

from sim.app.gamefile import KEEP_DAYS, SessionStore

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
PAGES = ("scenario", "monte_carlo", "compare", "wargame", "debrief")


def start(session: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["inline_jobs"] = True
    if session is not None:
        at.query_params["session"] = session
    at.run()
    assert not at.exception, at.exception
    return at


def test_visiting_every_page_writes_no_session_file_and_a_change_writes_one(sessions_dir):
    at = start()
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception
    assert not sessions_dir.exists() or not list(sessions_dir.iterdir())
    at.switch_page("app_pages/scenario.py").run()
    at.toggle(key="lever::policy.hotline.enabled").set_value(False).run()
    assert [p.name for p in sessions_dir.iterdir()] == [f"{at.query_params['session']}.json"]


def test_a_refresh_of_a_session_that_saved_nothing_keeps_its_id_and_its_results(sessions_dir):
    at = start()
    at.switch_page("app_pages/monte_carlo.py").run()
    at.number_input(key="mc_runs").set_value(10)
    next(b for b in at.button if b.label == "Run Monte Carlo").click().run()
    shown = {m.label: m.value for m in at.metric}
    session = at.query_params["session"]
    again = start(session)
    assert again.query_params["session"] == session
    again.switch_page("app_pages/monte_carlo.py").run()
    assert {m.label: m.value for m in again.metric} == shown
    assert not sessions_dir.exists() or not list(sessions_dir.iterdir())
    assert start("unknownid123").query_params["session"] != "unknownid123"  # an id the server never saw: a new one


def test_sessions_untouched_for_keep_days_expire_and_stray_temporary_files_go(tmp_path):
    store = SessionStore(tmp_path)
    workspace = {"source": "a.yaml", "text": "x", "levers": {}}
    for sid in ("oldsession", "newsession"):
        store.save(sid, workspace, None)
    stray = tmp_path / ".oldsession.999.tmp"
    stray.write_text("{")
    now = time.time()
    os.utime(tmp_path / "oldsession.json", (now, now - (KEEP_DAYS + 1) * 86400))
    os.utime(stray, (now, now - 7200))
    assert store.expire() == 2
    assert [p.name for p in tmp_path.iterdir()] == ["newsession.json"]
    assert store.load("oldsession") is None and store.load("newsession").workspace == workspace


def test_a_save_expires_old_sessions_at_most_once_an_hour(tmp_path):
    store = SessionStore(tmp_path, keep_days=1)
    store.save("firstsave", {"source": "a.yaml", "text": "x", "levers": {}}, None)
    old = time.time() - 2 * 86400
    os.utime(tmp_path / "firstsave.json", (old, old))
    store.save("secondsave", {"source": "a.yaml", "text": "x", "levers": {}}, None)
    assert (tmp_path / "firstsave.json").exists()  # this process expired this folder a moment ago
    SessionStore._last_expiry.pop(tmp_path)
    store.save("thirdsave", {"source": "a.yaml", "text": "x", "levers": {}}, None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secondsave.json", "thirdsave.json"]


def test_sessions_live_in_the_user_data_directory_unless_told_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASHPOINT_SESSIONS_DIR")
    monkeypatch.setenv("FLASHPOINT_DATA_DIR", str(tmp_path))
    assert SessionStore.default().directory == tmp_path / "sessions"
    monkeypatch.delenv("FLASHPOINT_DATA_DIR")
    expected = platformdirs.user_data_path("flashpoint", appauthor=False) / "sessions"
    assert SessionStore.default().directory == expected
    monkeypatch.setenv("FLASHPOINT_SESSIONS_DIR", str(tmp_path / "elsewhere"))
    assert SessionStore.default().directory == tmp_path / "elsewhere"


def test_a_session_file_that_is_not_one_restores_nothing_and_says_so(tmp_path):
    store = SessionStore(tmp_path)
    (tmp_path / "brokenfile.json").write_text("[" * 100_000)
    assert store.load("brokenfile").problem == "the session file brokenfile.json cannot be read"
    (tmp_path / "wrongtype.json").write_text('{"workspace": {"source": "../../x", "text": 1}, "game": null}')
    stored = store.load("wrongtype")
    assert stored.workspace is None and stored.game is None
