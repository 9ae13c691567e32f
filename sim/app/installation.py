"""This installation's own files: where the app keeps its data, and the key that signs its game files.

The data directory is the user data directory of the platform (``~/.local/share/flashpoint`` on
Linux, via :mod:`platformdirs`), or ``FLASHPOINT_DATA_DIR`` when set. It holds the autosaved
sessions (``sessions/``) and ``installation.key``: 32 random bytes, readable by the user only,
made on first use. Game files saved here carry an HMAC-SHA256 of their content under that key, so
the app can tell a file it saved itself, unchanged, from any other (docs/app.md, "Game files").
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import platformdirs

__all__ = ["DATA_ENV", "KEY_BYTES", "data_dir", "installation_key", "sign", "signed_by_this_installation"]

DATA_ENV = "FLASHPOINT_DATA_DIR"
"""Environment variable that replaces the platform's user data directory (tests, shared machines)."""

KEY_BYTES = 32
KEY_FILE = "installation.key"


def data_dir() -> Path:
    """Where this installation keeps its files (not created here)."""
    chosen = os.environ.get(DATA_ENV)
    return Path(chosen) if chosen else platformdirs.user_data_path("flashpoint", appauthor=False)


def installation_key() -> bytes | None:
    """The key that signs game files, made on first use; None if the data directory cannot hold it."""
    path = data_dir() / KEY_FILE
    if not path.exists():
        _make_key(path)
    try:
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == KEY_BYTES else None


def _make_key(path: Path) -> None:
    """Write a fresh key, readable by the user only; of two processes racing, the first one's is kept."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def sign(content: bytes) -> str | None:
    """HMAC-SHA256 of ``content`` under this installation's key (hex), or None without a key."""
    key = installation_key()
    return None if key is None else hmac.new(key, content, hashlib.sha256).hexdigest()


def signed_by_this_installation(content: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is this installation's signature of ``content`` (compared in constant time)."""
    expected = sign(content)
    return expected is not None and signature is not None and hmac.compare_digest(expected, signature)
