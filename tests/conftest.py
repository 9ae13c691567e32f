"""Session set-up shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def installation_data_dir(tmp_path_factory) -> Iterator[Path]:
    """The app's data directory (installation key, sessions) for this test process and what it starts, never ~."""
    folder = tmp_path_factory.mktemp("flashpoint-data")
    before = os.environ.get("FLASHPOINT_DATA_DIR")
    os.environ["FLASHPOINT_DATA_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("FLASHPOINT_DATA_DIR", None)
    else:
        os.environ["FLASHPOINT_DATA_DIR"] = before


@pytest.fixture(scope="session", autouse=True)
def compiled_engine_cache() -> None:
    """Compile the numba engine once, up front, into NUMBA_CACHE_DIR.

    On a fresh machine the first compile takes minutes. Doing it here, before any test starts a
    subprocess (the CLI, worker processes, the Streamlit server of the browser test), lets every
    later process load the compiled code from the cache instead of compiling it again, each on its own.
    """
    from sim.engines import warm_up

    warm_up()  # every entry point (batches, logged runs, forks, the reference engine's kernels); writes the stamp
