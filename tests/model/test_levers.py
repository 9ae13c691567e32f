"""Every lever acts, and its finding replicates: on the shipped scenario the catalogue names, the lever's stated
effect survives Holm's correction over the whole lever table (docs/levers.json, written by
benchmarks/lever_effects.py from three independent replicates) with the same sign in every replicate and the
direction docs/model.md states; and the table is current — the first replicate, measured again here (2,000
runs per arm, common random numbers), gives exactly the difference the table holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.experiments.lever_effects import LEVERS, SCENARIOS, Lever, measure
from sim.experiments.metrics import KNOWN_METRICS
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TABLE = json.loads((ROOT / "docs" / "levers.json").read_text(encoding="utf-8"))
RUNS = TABLE["runs_per_replicate"]
SEED = TABLE["seeds"][0]


def _cell(lever: Lever, scenario: str, metric: str) -> dict:
    found = [c for c in TABLE["cells"] if (c["lever"], c["scenario"], c["metric"]) == (lever.name, scenario, metric)]
    assert len(found) == 1, (
        f"docs/levers.json has no cell for {lever.name} on {scenario} ({metric}): rerun the benchmark"
    )
    return found[0]


ISSUE_ROWS = (
    "operators per actor",
    "automation bias",
    "human-control norm",
    "ASAT moratorium",
    "orbital debris hazard (Kessler)",
    "hotline",
    "export controls",
    "domestic chips (controlled actors)",
    "proliferation",
    "PRC doctrine",
)
"""The levers that once moved nothing (issue 11's table): none may be null."""


def test_the_catalogue_is_well_formed_and_covers_the_levers_that_once_moved_nothing():
    names = [lever.name for lever in LEVERS]
    assert len(set(names)) == len(names)
    assert set(ISSUE_ROWS) <= set(names)
    for lever in LEVERS:
        assert lever.metric in KNOWN_METRICS and lever.direction in (-1, 1) and lever.scenario in SCENARIOS
        assert lever.path.startswith("§")


@pytest.fixture(scope="module")
def shipped():
    return {name: load_scenario(ROOT / "scenarios" / f"{name}.yaml") for name in SCENARIOS}


def test_the_table_is_one_family_corrected_by_holm():
    from sim.experiments.stats import holm

    cells = TABLE["cells"]
    assert TABLE["correction"] == "holm" and len(TABLE["seeds"]) == 3
    adjusted = holm([c["p_value"] for c in cells])
    assert [round(a, 12) for a in adjusted] == [round(c["p_holm"], 12) for c in cells]
    for c in cells:
        signs = {(r["diff"] > 0) - (r["diff"] < 0) for r in c["replicates"]}
        assert c["same_sign"] == (len(signs) == 1 and 0 not in signs)
        assert c["survives"] == (
            c["p_holm"] < TABLE["alpha"]
            and c["same_sign"]
            and ((c["pooled"]["diff"] > 0) - (c["pooled"]["diff"] < 0) in signs)
        )


@pytest.mark.parametrize("lever", LEVERS, ids=[lever.name for lever in LEVERS])
def test_lever_moves_its_metric_in_the_stated_direction_after_the_correction(shipped, lever: Lever):
    cell = _cell(lever, lever.scenario, lever.metric)
    pooled = cell["pooled"]
    interval = f"{pooled['diff']:+.4f} [{pooled['lo']:+.4f}, {pooled['hi']:+.4f}], p_Holm {cell['p_holm']:.2g}"
    assert cell["survives"], f"{lever.name} on {lever.scenario}: {lever.metric} does not survive: {interval}"
    assert pooled["diff"] * lever.direction > 0, f"{lever.name}: {lever.metric} moves the wrong way: {interval}"
    # the table is current: its first replicate is what the model gives now
    diffs = measure(shipped[lever.scenario], lever, RUNS, SEED)
    assert diffs is not None, f"{lever.name} has no hold on {lever.scenario}"
    assert diffs[lever.metric].diff == pytest.approx(cell["replicates"][0]["diff"], abs=1e-12), (
        "docs/levers.json is stale: run benchmarks/lever_effects.py"
    )
