"""A scenario given the way a user names it: a validated :class:`Scenario`, a file, or a shipped scenario's name.

``resolve_scenario("taiwan_strait")`` loads ``scenarios/taiwan_strait.yaml`` from the shipped library,
``resolve_scenario("my.yaml")`` the file, and a :class:`Scenario` passes through. Files are read once
per process and content (a cache keyed by path, size and modification time), so a tool that builds
thousands of models from the same name — ``mesa.batch_run``, an EMA Workbench experiment — reads and
validates the file once, and its result rows hold a short name instead of the scenario itself.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from sim.scenario.schema import Scenario

__all__ = ["SCENARIO_LIBRARY", "resolve_scenario", "scenario_path", "shipped_names"]

SCENARIO_LIBRARY = Path(__file__).resolve().parents[2] / "scenarios"
"""The shipped scenarios (in a source checkout)."""


def shipped_names() -> list[str]:
    """Names of the shipped scenarios (file stems in :data:`SCENARIO_LIBRARY`), sorted."""
    return sorted(p.stem for p in SCENARIO_LIBRARY.glob("*.yaml")) if SCENARIO_LIBRARY.is_dir() else []


def scenario_path(name_or_path: str | os.PathLike[str]) -> Path:
    """The file a name or path means: an existing file, else a shipped scenario of that name.

    Raises:
        FileNotFoundError: If it is neither, with the shipped names.
    """
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = SCENARIO_LIBRARY / f"{path.name}.yaml"
    if path.name == str(name_or_path) and path.suffix == "" and shipped.is_file():
        return shipped
    names = ", ".join(shipped_names()) or "none in this installation"
    raise FileNotFoundError(f"no scenario file {str(name_or_path)!r}, and no shipped scenario of that name ({names})")


def resolve_scenario(scenario: Scenario | str | os.PathLike[str]) -> Scenario:
    """A validated scenario from a :class:`Scenario`, a file, or a shipped scenario's name.

    Raises:
        FileNotFoundError: If a name or path names no scenario.
        ScenarioError: If the file is not a valid scenario (located errors).
    """
    if isinstance(scenario, Scenario):
        return scenario
    path = scenario_path(scenario).resolve()
    stat = path.stat()
    return _load(str(path), stat.st_size, stat.st_mtime_ns).model_copy(deep=True)


@functools.lru_cache(maxsize=16)
def _load(path: str, size: int, mtime_ns: int) -> Scenario:
    from sim.scenario.loader import load_scenario

    return load_scenario(path)
