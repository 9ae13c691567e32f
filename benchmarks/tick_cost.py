"""What one run costs at the scenario limits: ticks × assets, for both engines (docs/cli.md, "Limits").

The scenario limits admit 100,000 ticks and 512 assets. This benchmark builds scenarios from
scenarios/taiwan_strait.yaml with its assets repeated up to N (drones per swarm cut so the total
stays under the drone limit), a one-year horizon cut into T ticks, no injects and no crisis endings
(so every run goes to the horizon), and measures in one run on this machine:

* the compiled engine: seconds per run for N = 23 and 512 at T = 10,000 and 100,000, and at
  N = 512, T = 100,000 with the encounter rates × 0 and × 100 (events, not ticks, dominate then);
* the reference engine: milliseconds per tick over the first 300 ticks for N = 23 and 512, and what a
  100,000-tick run would take at that pace.

Usage: ``python benchmarks/tick_cost.py`` (about two minutes; take the shared lock on a shared machine).
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HORIZON_HOURS = 8760.0


def scenario(base: dict[str, Any], assets: int, ticks: int, encounters: float = 1.0):
    """``base`` with its assets repeated to ``assets``, ``ticks`` ticks in a year, encounter rates × ``encounters``."""
    from sim.scenario import load_scenario_data

    doc = copy.deepcopy(base)
    doc["injects"] = []
    doc["parameters"]["ending"]["end_per_day"] = 0.0
    originals = list(base["assets"].items())
    doc["assets"] = {}
    for i in range(assets):
        key, asset = originals[i % len(originals)]
        asset = copy.deepcopy(asset)
        if asset.get("kind") == "drone_swarm":
            asset["size"] = min(asset.get("size", 10), 100_000 // assets)
        doc["assets"][f"{key}_{i}"] = asset
    doc["time"].update(tick_hours=HORIZON_HOURS / ticks, horizon_hours=HORIZON_HOURS)
    rates = doc["parameters"]["encounters"]["rate_per_day"]
    for kind in rates:
        rates[kind] = min(1000.0, rates[kind] * encounters)
    return load_scenario_data(doc)


def compiled_seconds(built, runs: int = 3) -> float:
    """Seconds per run of the compiled engine (after a warm-up run)."""
    from sim.engines.compiled import run_many

    run_many(built, seed=1, runs=1)
    started = time.perf_counter()
    run_many(built, seed=1, runs=runs)
    return (time.perf_counter() - started) / runs


def reference_ms_per_tick(built, ticks: int = 300) -> float:
    """Milliseconds per tick of the reference engine over its first ``ticks`` ticks."""
    from sim.engines.reference import EscalationModel

    model = EscalationModel(built, seed=1, run=0)
    started = time.perf_counter()
    for _ in range(ticks):
        model.step()
    return (time.perf_counter() - started) / ticks * 1e3


def main() -> None:
    from sim.scenario import load_scenario

    base = load_scenario(ROOT / "scenarios" / "taiwan_strait.yaml").model_dump(mode="json", exclude_none=True)
    print("compiled engine, seconds per run (one-year horizon, no crisis endings):")
    for assets, ticks, encounters in ((23, 10_000, 1), (23, 100_000, 1), (512, 10_000, 1), (512, 100_000, 1)):
        seconds = compiled_seconds(scenario(base, assets, ticks, encounters))
        per = seconds / ticks / assets * 1e9
        print(f"  {assets:>4} assets × {ticks:>7,} ticks: {seconds:6.3f} s  ({per:5.1f} ns per asset-tick)")
    for encounters in (0, 100):
        seconds = compiled_seconds(scenario(base, 512, 100_000, encounters))
        print(f"   512 assets × 100,000 ticks, encounter rates × {encounters:<3}: {seconds:6.3f} s")
    print("reference engine, first 300 ticks:")
    for assets in (23, 512):
        ms = reference_ms_per_tick(scenario(base, assets, 100_000))
        print(f"  {assets:>4} assets: {ms:6.3f} ms per tick → a 100,000-tick run ≈ {ms * 100:,.0f} s")


if __name__ == "__main__":
    main()
