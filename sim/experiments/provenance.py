"""Provenance of results: which scenario, which code, which seed."""

from __future__ import annotations

import hashlib

from sim import __version__
from sim.scenario.schema import Scenario


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario (overrides applied), independent of comments and formatting."""
    return hashlib.sha256(scenario.model_dump_json().encode("utf-8")).hexdigest()


def provenance(scenario: Scenario, seed: int, runs: int, engine: str, overrides: list[str] | tuple = ()) -> dict:
    """Metadata stored with every result file."""
    return {
        "scenario": scenario.metadata.name,
        "scenario_sha256": scenario_sha256(scenario),
        "package_version": __version__,
        "engine": engine,
        "seed": seed,
        "runs": runs,
        "overrides": list(overrides),
    }
