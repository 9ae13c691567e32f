"""The lever table: every lever of the scenario language, over its range, on every shipped scenario.

For each lever and scenario, two arms (the lever at the low and the high end of its documented range) run on
common random numbers, on three independent seeds (replicates) of ``--runs`` pairs each. Each cell reports the
paired difference high − low pooled over the replicates, with its 95% interval (Tango's score interval for a
probability, paired t for a mean), the three replicates' differences, and a p-value corrected by Holm's method
over the whole table; a cell is bold only when it survives the correction and all three replicates agree in
sign. Writes docs/levers.md and docs/levers.json (the cells, which tests/model/test_levers.py reads).

Usage: ``python benchmarks/lever_effects.py [--runs N] [--seed S] [--scenario NAME ...] [--lever NAME ...]``.
The levers are defined in :data:`sim.experiments.lever_effects.LEVERS` (also used by tests/model/test_levers.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments.compare import compare  # noqa: E402
from sim.experiments.lever_effects import (  # noqa: E402
    ALPHA,
    LABELS,
    LEVERS,
    REPLICATES,
    SCENARIOS,
    correct,
    measure_replicated,
    metrics_of,
)
from sim.experiments.metrics import metric_label  # noqa: E402
from sim.scenario.loader import load_scenario  # noqa: E402

RISK_STEP = 0.1
"""One step of an actor's risk tolerance (a tenth of its 0-1 range)."""


def export_controls_against_risk_tolerance(runs: int, seed: int) -> list[tuple[str, dict]]:
    """On the default scenario: export controls 0 -> 1 (and without the capability-balance channel) beside a
    one-step rise of each actor's risk tolerance, as paired differences of P(>=3) and P(>=5)."""
    scenario = load_scenario(ROOT / "scenarios" / "taiwan_strait.yaml")
    arms = {
        "export controls 0 → 1": ("technology.export_control_strength=0", "technology.export_control_strength=1"),
        "  capability channel only (balance_gain 0)": (
            "technology.export_control_strength=0,technology.balance_gain=0",
            "technology.export_control_strength=1,technology.balance_gain=0",
        ),
    }
    for actor, spec in scenario.actors.items():
        lo, hi = spec.risk_tolerance, min(1.0, spec.risk_tolerance + RISK_STEP)
        arms[f"{actor} risk tolerance {lo:.1f} → {hi:.1f}"] = (
            f"actors.{actor}.risk_tolerance={lo:.2f}",
            f"actors.{actor}.risk_tolerance={hi:.2f}",
        )
    rows = []
    for name, (low, high) in arms.items():
        result = compare(scenario, [f"low:{low}", f"high:{high}"], runs=runs, seed=seed, metrics=("p_ge_3", "p_ge_5"))
        diffs = {m: result.difference("high", m).paired for m in ("p_ge_3", "p_ge_5")}
        cells = "  ".join(f"{_label(m)} {d.diff:+.3f} [{d.lo:+.3f}, {d.hi:+.3f}]" for m, d in diffs.items())
        print(f"{name:>58} {cells}", flush=True)
        rows.append((name, diffs))
    return rows


def main(argv: list[str] | None = None) -> None:
    """Measure every lever on every scenario on three seeds, correct over the table, and write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="pairs per replicate")
    parser.add_argument("--seed", type=int, default=20261130, help="first replicate's seed (then +1, +2)")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS)
    parser.add_argument("--lever", action="append")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "levers.md")
    args = parser.parse_args(argv)
    seeds = [args.seed + i for i in range(REPLICATES)]
    names = args.scenario or list(SCENARIOS)
    levers = [lever for lever in LEVERS if not args.lever or lever.name in args.lever]
    rows = []
    started = time.perf_counter()
    for lever in levers:
        for name in names:
            scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
            cells = measure_replicated(scenario, lever, args.runs, seeds)
            if cells is None:
                continue
            rows.append((lever, name, cells))
            shown = "  ".join(f"{_label(m)} {_pooled(c)}" for m, c in cells.items())
            print(f"{lever.name:>40} | {name:<18} {shown}", flush=True)
    correct([c for _, _, cells in rows for c in cells.values()])
    scale = export_controls_against_risk_tolerance(args.runs, args.seed) if not args.lever else []
    seconds = time.perf_counter() - started
    args.out.write_text(_markdown(rows, scale, args.runs, seeds, seconds))
    args.out.with_suffix(".json").write_text(json.dumps(_json(rows, args.runs, seeds), indent=1) + "\n")
    print(f"wrote {args.out} and {args.out.with_suffix('.json')}")


def _label(metric: str) -> str:
    return LABELS.get(metric, metric)


def _pooled(c) -> str:
    d = c.pooled
    return f"{d.diff:+.3f} [{d.lo:+.3f}, {d.hi:+.3f}]"


def _cell(d) -> str:
    mark = "**" if d.lo > 0 or d.hi < 0 else ""
    return f"{mark}{d.diff:+.3f}{mark} [{d.lo:+.3f}, {d.hi:+.3f}]"


def _table_cell(c) -> str:
    d, mark = c.pooled, "**" if c.survives else ""
    reps = " ".join(f"{r.diff:+.3f}" for r in c.replicates)
    adjusted = "<0.001" if c.adjusted < 0.001 else f"{c.adjusted:.3f}"
    return f"{mark}{d.diff:+.3f}{mark} [{d.lo:+.3f}, {d.hi:+.3f}] ({reps}; p_Holm {adjusted})"


def _json(rows, runs: int, seeds: list[int]) -> dict:
    def diff(d):
        return {"diff": d.diff, "lo": d.lo, "hi": d.hi}

    return {
        "runs_per_replicate": runs,
        "seeds": seeds,
        "alpha": ALPHA,
        "correction": "holm",
        "cells": [
            {
                "lever": lever.name,
                "scenario": name,
                "metric": m,
                "replicates": [diff(r) for r in c.replicates],
                "pooled": diff(c.pooled),
                "p_value": c.p_value,
                "p_holm": c.adjusted,
                "same_sign": c.same_sign,
                "survives": c.survives,
            }
            for lever, name, cells in rows
            for m, c in cells.items()
        ],
    }


def _markdown(rows, scale, runs: int, seeds: list[int], seconds: float) -> str:
    cells = [c for _, _, cs in rows for c in cs.values()]
    survived = sum(c.survives for c in cells)
    lines = [
        "# Lever effects",
        "",
        "Every lever of the scenario language moved between the two ends of its range, on every shipped",
        f"scenario, on common random numbers: {REPLICATES} independent replicates (seeds {', '.join(map(str, seeds))})",
        f"of {runs} paired runs each, compiled engine. Each cell is the paired difference high − low pooled over",
        f"the replicates ({REPLICATES * runs} pairs), with its 95% interval (Tango's score interval for a",
        "probability, paired t for a mean), then the three replicates' differences and the p-value after Holm's",
        f"correction over the whole table ({len(cells)} cells; McNemar's exact test or the paired t test).",
        f"**Bold**: the cell survives the correction at {ALPHA:g} and all three replicates agree in sign",
        f"({survived} of {len(cells)} cells). Made by `benchmarks/lever_effects.py` ({seconds / 60:.0f} minutes on",
        "the 2-core project machine), which also writes docs/levers.json; tests/model/test_levers.py checks, for",
        "every lever, that its stated effect survives in that table and that the table is current.",
        "",
    ]
    for lever in dict.fromkeys(r[0] for r in rows):
        metrics = metrics_of(lever)
        stated = "rises" if lever.direction > 0 else "falls"
        lines += [f"## {lever.name}", "", f"How it acts: {lever.path}.", ""]
        lines += [f"Stated effect (tested on {lever.scenario}): {metric_label(lever.metric)} {stated}.", ""]
        lines += ["| scenario | " + " | ".join(f"Δ {_label(m)}" for m in metrics) + " |"]
        lines += ["|---" * (len(metrics) + 1) + "|"]
        for lv, name, cs in rows:
            if lv is lever:
                lines.append(f"| {name} | " + " | ".join(_table_cell(cs[m]) for m in metrics) + " |")
        lines.append("")
    if scale:
        lines += [
            "## Export controls against one step of risk tolerance (default scenario)",
            "",
            "Export-control strength 0 → 1, with and without the capability-balance channel, beside a one-step",
            f"rise ({RISK_STEP:g}) of each actor's risk tolerance, on the first seed; docs/model.md §5 discusses it.",
            "",
            "| change | ΔP(≥3) | ΔP(≥5) |",
            "|---|---|---|",
        ]
        lines += [f"| {name.strip()} | {_cell(d['p_ge_3'])} | {_cell(d['p_ge_5'])} |" for name, d in scale]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
