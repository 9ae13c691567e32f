"""The repository's ``.streamlit/config.toml``: what ``streamlit run streamlit_app.py`` gets without any flag."""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def _config() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def test_the_app_works_offline_and_caps_uploads():
    config = _config()
    assert config["browser"]["gatherUsageStats"] is False  # no request to Streamlit's metrics endpoint
    assert config["server"]["maxUploadSize"] == 3  # MB: room for any game file the app saves (3,000,000 bytes)
    assert config["server"]["address"] == "127.0.0.1"  # this machine only unless a flag says otherwise
    assert config["client"]["toolbarMode"] == "minimal"  # no Deploy button facing the room


def test_no_full_garbage_collection_after_every_script_run():
    # every seat checks its room every half second (a fragment rerun); Streamlit's default gc.collect(2) after
    # each run costs 0.2-0.7 s with the engine in memory, which left a three-seat game's server behind for good
    assert _config()["runner"]["postScriptGC"] is False
