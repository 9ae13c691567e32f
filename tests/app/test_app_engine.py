"""The app says when the engine compiles for this machine (first use), with its progress; nothing once ready."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from sim.app.engine import engine_status
from sim.engines import EnginePreparation


def _sidebar_while_compiling():
    from app_pages.common import show_engine_preparation
    from sim.engines import EnginePreparation

    show_engine_preparation(EnginePreparation())  # the state at the first instant of a first-use compile


def test_the_sidebar_shows_the_compile_notice_and_a_progress_bar_on_first_use(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "empty-cache"))  # a machine that never compiled it
    at = AppTest.from_function(_sidebar_while_compiling, default_timeout=60).run()
    assert not at.exception
    bars = at.sidebar.get("progress")
    assert len(bars) == 1
    assert bars[0].proto.text.startswith("compiling the engine for this machine (first use only, about ")
    assert "0 of about" in bars[0].proto.text and bars[0].proto.value == 0


def test_nothing_is_shown_once_the_engine_is_ready():
    preparation = EnginePreparation().start()
    preparation.wait()
    assert engine_status(preparation) is None


def test_the_status_counts_the_functions_compiled(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "empty-cache"))
    preparation = EnginePreparation()
    preparation.compiled = preparation.expected_functions // 2  # as numba's compile events report them
    status = engine_status(preparation)
    assert status is not None and 0.45 <= status.fraction <= 0.55
    assert f"{preparation.compiled} of about {preparation.expected_functions} functions" in status.text
