"""Every app test autosaves its sessions into its own temporary folder, never into out/sessions."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def sessions_dir(tmp_path, monkeypatch):
    """The app's autosave folder for this test."""
    folder = tmp_path / "sessions"
    monkeypatch.setenv("FLASHPOINT_SESSIONS_DIR", str(folder))
    return folder
