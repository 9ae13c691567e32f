"""Calibration recovers known parameters: the larger version of tests/calibration's recovery test.

A two-actor crisis followed for 30 days; targets are simulated at known values of four parameters (deliberate
escalation, de-escalation, the spiral and the end hazard) from 4,000 runs, then ``flashpoint calibrate``'s
machinery fits them back from its priors. For each of several truths it prints each parameter's 90% credible
interval, whether it covers the truth, and the interval's width against the prior's.

Usage: ``python benchmarks/calibration_recovery.py [--population 200] [--generations 6] [--truths 3] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.calibration.abc import Settings, calibrate, posterior_draws  # noqa: E402
from sim.calibration.statistics import STATISTICS  # noqa: E402
from sim.calibration.targets import load_targets  # noqa: E402
from sim.engines import run_many  # noqa: E402
from sim.scenario import load_scenario_data  # noqa: E402

PARAMETERS = {
    "parameters.response.deliberate_escalation_per_day": (0.005, 0.5),
    "parameters.response.de_escalation_per_day": (0.01, 1.0),
    "parameters.response.spiral_gain": (0.0, 2.0),
    "parameters.ending.end_per_day": (0.003, 0.3),
}
LOG = {"parameters.response.spiral_gain": False}
STATS = (
    "crisis_rung_at_most_2",
    "crisis_rung_3",
    "crisis_rung_at_least_4",
    "crisis_rung_at_least_5",
    "crisis_ended_within_30_days",
)
CRISIS = {
    "metadata": {"name": "recovery duel"},
    "time": {"horizon_hours": 720, "tick_hours": 6},
    "zones": {"sea": {"kind": "theater"}},
    "actors": {
        "BLU": {"adversaries": ["RED"], "ai": {"source": "frontier", "capability": 0.8}, "initial_rung": 1},
        "RED": {"ai": {"source": "frontier", "capability": 0.8}, "initial_rung": 1, "resolve": 0.7},
    },
    "assets": {
        "blu_ships": {"kind": "naval_group", "owner": "BLU", "zone": "sea", "ships": 4},
        "red_swarm": {"kind": "drone_swarm", "owner": "RED", "zone": "sea", "size": 100},
    },
    "parameters": {
        "encounters": {"rate_per_day": {"drone_swarm": 0.0, "naval_group": 0.0, "space_asset": 0.0}},
        "response": {"crisis_onset_per_day": 0.0},
        "ending": {"level_decay": 0.0, "incident_gain": 0.0},
    },
    "policy": {"hotline": {"enabled": False}},
}


def _set(document: dict, path: str, value: float) -> None:
    *parents, last = path.split(".")
    node = document
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


def _observed(truth: dict[str, float]) -> dict[str, float]:
    """The statistics at the truth, from 4,000 runs (in a spawned process, which keeps this one free of the
    compiled engine's threads)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_simulate_observed, (truth,))


def _simulate_observed(truth: dict[str, float]) -> dict[str, float]:
    document = json.loads(json.dumps(CRISIS))
    for path, value in truth.items():
        _set(document, path, value)
    scenario = load_scenario_data(document)
    outcomes = run_many(scenario, 12345, range(4000))
    return {name: STATISTICS[name].function(outcomes, scenario) for name in STATS}


def _targets_file(directory: Path, observed: dict[str, float], runs: int) -> Path:
    (directory / "crisis.yaml").write_text(json.dumps(CRISIS), encoding="utf-8")
    lines = ["scenario: crisis.yaml", "seed: 11", "simulations:", f"  crisis: {{scenario: crisis.yaml, runs: {runs}}}"]
    lines.append("parameters:")
    for path, (low, high) in PARAMETERS.items():
        kind = "uniform" if LOG.get(path) is False else "log_uniform"
        lines.append(f"  - {{path: {path}, prior: {{kind: {kind}, low: {low}, high: {high}}}}}")
    lines.append("targets:")
    for name, value in observed.items():
        sd = max(0.02, float(np.sqrt(value * (1 - value) / runs)))
        lines.append(
            f"  - {{name: {name}, simulation: crisis, statistic: {name}, observed: {value:.4f}, sd: {sd:.4f}, "
            "source: simulated}"
        )
    path = directory / "targets.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    """Fit several truths and print coverage."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=200)
    parser.add_argument("--generations", type=int, default=6)
    parser.add_argument("--truths", type=int, default=3)
    parser.add_argument("--runs", type=int, default=200, help="runs per evaluation")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(2026)
    covered, total = 0, 0
    for k in range(args.truths):
        truth = {}
        for path, (low, high) in PARAMETERS.items():
            lo, hi = (low, high) if LOG.get(path) is False else (np.log(low), np.log(high))
            x = rng.uniform(lo + 0.2 * (hi - lo), hi - 0.2 * (hi - lo))
            truth[path] = float(x if LOG.get(path) is False else np.exp(x))
        with tempfile.TemporaryDirectory() as tmp:
            targets = _targets_file(Path(tmp), _observed(truth), args.runs)
            started = time.perf_counter()
            settings = Settings(population=args.population, generations=args.generations, workers=args.workers)
            history = calibrate(targets, Path(tmp) / "h.db", settings)
            draws = posterior_draws(history, load_targets(targets), 2000, seed=k)
            generations = history.max_t + 1  # the history lives in the temporary directory
        print(f"truth {k + 1} ({time.perf_counter() - started:.0f} s, {generations} generations)")
        for j, (path, (low, high)) in enumerate(PARAMETERS.items()):
            lo, hi = np.quantile(draws[:, j], [0.05, 0.95])
            inside = lo <= truth[path] <= hi
            covered, total = covered + inside, total + 1
            log = LOG.get(path) is not False
            share = (np.log(hi / lo) / np.log(high / low)) if log else (hi - lo) / (high - low)
            print(
                f"  {path:<50} truth {truth[path]:.4g}  90% [{lo:.4g}, {hi:.4g}]  "
                f"{'covers' if inside else 'MISSES'}  width {share:.2f} of the prior"
            )
    print(f"coverage of the 90% intervals: {covered} of {total}")


if __name__ == "__main__":
    main()
