"""The lever table: every lever of the scenario language, over its range, on every shipped scenario.

For each lever and scenario, two arms (the lever at the low and the high end of its documented range)
run on common random numbers (the same seed and run indices), and the paired difference high − low of
P(max rung >= 3), P(max rung >= 5) and P(inadvertent escalation) is reported with its 95% interval
(Tango's score interval), beside the path through which the lever acts (docs/model.md). Writes
docs/levers.md.

Usage: ``python benchmarks/lever_effects.py [--runs N] [--scenario NAME ...] [--lever NAME ...] [--out FILE]``.
The levers are defined in :data:`sim.experiments.lever_effects.LEVERS` (also used by tests/model/test_levers.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments.compare import compare  # noqa: E402
from sim.experiments.lever_effects import LABELS, LEVERS, SCENARIOS, measure, metrics_of  # noqa: E402
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
    """Measure every lever on every scenario and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--scenario", action="append", choices=SCENARIOS)
    parser.add_argument("--lever", action="append")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "levers.md")
    args = parser.parse_args(argv)
    names = args.scenario or list(SCENARIOS)
    levers = [lever for lever in LEVERS if not args.lever or lever.name in args.lever]
    rows = []
    started = time.perf_counter()
    for lever in levers:
        for name in names:
            scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
            diffs = measure(scenario, lever, args.runs, args.seed)
            if diffs is None:
                continue
            rows.append((lever, name, diffs))
            cells = "  ".join(f"{_label(m)} {d.diff:+.3f} [{d.lo:+.3f}, {d.hi:+.3f}]" for m, d in diffs.items())
            print(f"{lever.name:>40} | {name:<18} {cells}", flush=True)
    scale = export_controls_against_risk_tolerance(args.runs, args.seed) if not args.lever else []
    args.out.write_text(_markdown(rows, scale, args.runs, args.seed, time.perf_counter() - started))
    print(f"wrote {args.out}")


def _label(metric: str) -> str:
    return LABELS.get(metric, metric)


def _cell(d) -> str:
    mark = "**" if d.lo > 0 or d.hi < 0 else ""
    return f"{mark}{d.diff:+.3f}{mark} [{d.lo:+.3f}, {d.hi:+.3f}]"


def _markdown(rows, scale, runs: int, seed: int, seconds: float) -> str:
    lines = [
        "# Lever effects",
        "",
        "Every lever of the scenario language moved between the two ends of its range, on every shipped",
        f"scenario, on common random numbers: {runs} paired runs per arm, seed {seed}, compiled engine.",
        "Each cell is the paired difference high − low with its 95% interval (Tango's score interval);",
        "**bold**: the interval excludes zero. Made by `benchmarks/lever_effects.py`",
        f"({seconds / 60:.0f} minutes on the 2-core project machine); tests/model/test_levers.py checks, for",
        "every lever, an effect on at least one scenario in the direction docs/model.md states.",
        "",
    ]
    for lever in dict.fromkeys(r[0] for r in rows):
        metrics = metrics_of(lever)
        stated = "rises" if lever.direction > 0 else "falls"
        lines += [f"## {lever.name}", "", f"How it acts: {lever.path}.", ""]
        lines += [f"Stated effect (tested on {lever.scenario}): {metric_label(lever.metric)} {stated}.", ""]
        lines += ["| scenario | " + " | ".join(f"Δ {_label(m)}" for m in metrics) + " |"]
        lines += ["|---" * (len(metrics) + 1) + "|"]
        for lv, name, diffs in rows:
            if lv is lever:
                lines.append(f"| {name} | " + " | ".join(_cell(diffs[m]) for m in metrics) + " |")
        lines.append("")
    if scale:
        lines += [
            "## Export controls against one step of risk tolerance (default scenario)",
            "",
            "Export-control strength 0 → 1, with and without the capability-balance channel, beside a one-step",
            f"rise ({RISK_STEP:g}) of each actor's risk tolerance; docs/model.md §5 discusses the result.",
            "",
            "| change | ΔP(≥3) | ΔP(≥5) |",
            "|---|---|---|",
        ]
        lines += [f"| {name.strip()} | {_cell(d['p_ge_3'])} | {_cell(d['p_ge_5'])} |" for name, d in scale]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
