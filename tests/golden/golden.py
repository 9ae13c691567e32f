"""Golden summaries of the shipped scenarios at a fixed seed.

Regenerate after an intended change to the model or the scenarios (and say why in the commit):

    .venv/bin/python tests/golden/golden.py
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sim.experiments.monte_carlo import run_monte_carlo
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = Path(__file__).resolve().parent
RUNS = 40
SEED = 20260101


def golden_summary(name: str) -> dict:
    """The numbers a golden file pins down for one shipped scenario."""
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    result = run_monte_carlo(scenario, runs=RUNS, seed=SEED, engine="reference")
    outcomes = result.outcomes
    return {
        "scenario": name,
        "runs": RUNS,
        "seed": SEED,
        "max_rung": [o.max_rung for o in outcomes],
        "inadvertent_runs": sum(o.inadvertent for o in outcomes),
        "root_causes": dict(sorted(Counter(o.root_cause for o in outcomes).items())),
        "engagements_true": sum(o.engagements_true for o in outcomes),
        "engagements_false": sum(o.engagements_false for o in outcomes),
        "drones_lost": sum(o.drones_lost for o in outcomes),
        "ships_lost": sum(o.ships_lost for o in outcomes),
        "satellites_lost": sum(o.satellites_lost for o in outcomes),
        "debris": sum(o.debris for o in outcomes),
        "severity": sum(o.severity for o in outcomes),
        "flash_chains": sum(o.flash_chains for o in outcomes),
        "flash_max_rungs": [o.flash_max_rungs for o in outcomes],
        "p_max_rung_at_least": [round(p.p, 12) for p in result.summary.max_rung_at_least],
    }


def main() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        out = GOLDEN_DIR / f"{path.stem}.json"
        out.write_text(json.dumps(golden_summary(path.stem), indent=1) + "\n")
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
