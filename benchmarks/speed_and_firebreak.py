"""Machine speed and the nuclear firebreak, measured: the tables of docs/model.md §12.7 and §13.3.

Speed: paired comparisons on common random numbers on taiwan_strait — every leader's decision latency 6 h ->
0.6 h and 6 h -> 24 h, every asset in the loop -> out of the loop, and the hotline's race alone (its assumed
de-escalation bonus 0, every actor committed) at 6 h and 0.6 h — on two seeds, so that a finding that does not
replicate shows. Firebreak: P(>= 5, 6, 7) of the 14-day crisis, the same crisis followed for a year, and a
peacetime year around Taiwan, with P(>= 3) of the last and peacetime_contact's record.

Usage: ``python benchmarks/speed_and_firebreak.py [--runs N] [--seeds S1 S2] [--write]`` (``--write`` puts the
first seed's tables into docs/model.md between their markers).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.engines import run_many  # noqa: E402
from sim.experiments.compare import compare  # noqa: E402
from sim.experiments.stats import paired_difference  # noqa: E402
from sim.scenario.loader import load_scenario  # noqa: E402

TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
YEAR = ["time.horizon_hours=8760", "time.tick_hours=6"]


def _every_actor(scenario, field, value):
    return [f"actors.{a}.{field}={value}" for a in scenario.actors]


def _every_asset(scenario, field, value):
    return _every_actor(scenario, field, value) + [f"assets.{a}.{field}={value}" for a in scenario.assets]


def _arm(name, overrides):
    return f"{name}:{','.join(overrides)}"


def _cell(d, digits=3) -> str:
    mark = "**" if d.lo > 0 or d.hi < 0 else ""
    return f"{mark}{d.diff:+.{digits}f}{mark} [{d.lo:+.{digits}f}, {d.hi:+.{digits}f}]"


def speed_rows(runs: int, seed: int) -> list[tuple[str, dict]]:
    """The speed comparisons on one seed: ``(label, {metric: PairedDifference})``."""
    s = load_scenario(TAIWAN)
    metrics = ("p_ge_4", "p_inadvertent", "flash_chains")
    latency = compare(
        s,
        [
            _arm("six", _every_actor(s, "decision_latency_hours", 6)),
            _arm("fast", _every_actor(s, "decision_latency_hours", 0.6)),
            _arm("slow", _every_actor(s, "decision_latency_hours", 24)),
        ],
        runs=runs,
        seed=seed,
        metrics=metrics,
    )
    autonomy = compare(
        s,
        [
            _arm("in", _every_asset(s, "autonomy", "in_the_loop")),
            _arm("out", _every_asset(s, "autonomy", "out_of_the_loop")),
        ],
        runs=runs // 2,
        seed=seed,
        metrics=metrics,
    )
    rows = [
        (
            f"every leader's decision latency 6 h → 0.6 h ({runs:,} runs)",
            {m: latency.difference("fast", m).paired for m in metrics},
        ),
        (
            f"every leader's decision latency 6 h → 24 h ({runs:,} runs)",
            {m: latency.difference("slow", m).paired for m in metrics},
        ),
        (
            f"every asset in the loop → out of the loop ({runs // 2:,} runs)",
            {m: autonomy.difference("out", m).paired for m in metrics},
        ),
    ]
    return rows


def hotline_race(runs: int, seed: int) -> dict[str, object]:
    """The hotline with its bonus 0 and every actor committed: its effect on P(inadvertent) at 6 h and 0.6 h,
    and the difference of the two effects (paired over the same runs)."""
    s = load_scenario(TAIWAN)
    committed = [f"actors.{a}.commitments=[hotline]" for a in ("TWN", "DPRK")] + ["policy.hotline.deescalation_bonus=0"]
    arms = []
    for latency in (6, 0.6):
        base = [*committed, *_every_actor(s, "decision_latency_hours", latency)]
        arms += [_arm(f"off{latency}", [*base, "policy.hotline.enabled=false"]), _arm(f"on{latency}", base)]
    result = compare(s, arms, runs=runs, seed=seed, metrics=("p_inadvertent",))
    v = {name: result.values(name, "p_inadvertent") for name in ("off6", "on6", "off0.6", "on0.6")}
    return {
        "6 h": paired_difference(v["on6"], v["off6"]),
        "0.6 h": paired_difference(v["on0.6"], v["off0.6"]),
        "0.6 h − 6 h": paired_difference(v["on0.6"] - v["off0.6"], v["on6"] - v["off6"]),
    }


def firebreak_rows(seed: int) -> list[tuple[str, int, dict[int, float]]]:
    """P(max rung >= k) of the three crises of §13.3 and of peacetime_contact."""
    s = load_scenario(TAIWAN)
    cases = [
        ("taiwan_strait, 14 days", load_scenario(TAIWAN), 5000),
        (
            "taiwan_strait followed for a year (`time.horizon_hours=8760`, `time.tick_hours=6`)",
            load_scenario(TAIWAN, YEAR),
            2000,
        ),
        (
            "a peacetime year around Taiwan (the same, every `initial_rung` 0)",
            load_scenario(TAIWAN, [*YEAR, *_every_actor(s, "initial_rung", 0)]),
            2000,
        ),
        ("peacetime_contact (one year)", load_scenario(ROOT / "scenarios" / "peacetime_contact.yaml"), 2000),
    ]
    rows = []
    for label, scenario, runs in cases:
        outcomes = run_many(scenario, seed, range(runs))
        rungs = np.array([o.max_rung for o in outcomes])
        p = {k: float(np.mean(rungs >= k)) for k in range(8)}
        p["contacts"] = float(np.mean([o.contacts for o in outcomes]))
        rows.append((label, runs, p))
    return rows


def _speed_table(rows) -> str:
    lines = ["| change | ΔP(≥4) | ΔP(inadvertent) | Δ chains per run |", "|---|---|---|---|"]
    for label, d in rows:
        lines.append(
            f"| {label} | {_cell(d['p_ge_4'])} | {_cell(d['p_inadvertent'])} | {_cell(d['flash_chains'], 2)} |"
        )
    return "\n".join(lines)


def _firebreak_table(rows) -> str:
    lines = ["| crisis | runs | P(≥3) | P(≥5) | P(≥6) | P(≥7) |", "|---|---|---|---|---|---|"]
    for label, runs, p in rows[:3]:
        lines.append(f"| {label} | {runs:,} | {p[3]:.4f} | {p[5]:.4f} | {p[6]:.4f} | {p[7]:.4f} |")
    return "\n".join(lines)


def _replace(text: str, name: str, table: str) -> str:
    pattern = re.compile(rf"(<!-- {name}: [^\n]*-->\n).*?(<!-- /{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"docs/model.md has no {name} markers")
    return pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text)


def main(argv: list[str] | None = None) -> None:
    """Measure on each seed; print; with --write, put the first seed's tables into docs/model.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[777, 20261207])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    first = None
    for seed in args.seeds:
        started = time.perf_counter()
        speed = speed_rows(args.runs, seed)
        race = hotline_race(args.runs, seed)
        fire = firebreak_rows(seed)
        print(f"seed {seed} ({time.perf_counter() - started:.0f} s)")
        print(_speed_table(speed))
        for label, d in race.items():
            print(f"  hotline race alone, ΔP(inadvertent) at {label}: {_cell(d)}")
        print(_firebreak_table(fire))
        contact = fire[3][2]
        print(f"  peacetime_contact: {contact['contacts']:.1f} contacts a year, P(≥3) {contact[3]:.4f}")
        first = first or (speed, fire)
    if args.write:
        path = ROOT / "docs" / "model.md"
        text = _replace(path.read_text(encoding="utf-8"), "speed-table", _speed_table(first[0]))
        text = _replace(text, "firebreak-table", _firebreak_table(first[1]))
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
