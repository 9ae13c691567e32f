"""Are the crisis targets' statistics the same at the 6-hour ticks of the fit and the 1-hour ticks the posterior is
used with? (docs/calibration.md §2)

Usage: ``python benchmarks/calibration_tick_check.py [--draws 10] [--runs 1000] [--posterior FILE]``. At ``--draws``
parameter sets spread over the posterior (the shipped one by default) and at the scenario's own values, it runs
the crisis simulation of calibration/targets.yaml (the default scenario followed for a year) at both ticks with
the same seed, and prints each target's statistic at both and the mean difference over the sets in units of the
target's SD, with its standard error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from sim.calibration.report import default_values  # noqa: E402
from sim.calibration.statistics import statistic_value  # noqa: E402
from sim.calibration.targets import load_targets  # noqa: E402
from sim.engines import run_many  # noqa: E402
from sim.experiments.posterior import load_posterior  # noqa: E402
from sim.scenario import load_scenario, parse_override  # noqa: E402

TARGETS = ROOT / "calibration" / "targets.yaml"


def _stats(targets, values, tick: float, runs: int, seed: int) -> dict[str, float]:
    simulation = targets.simulations["crisis"]
    sets = [s for s in simulation.set if not s.startswith("time.tick_hours")] + [f"time.tick_hours={tick:g}"]
    fitted = [f"{p.path}={float(v)!r}" for p, v in zip(targets.parameters, values, strict=True)]
    scenario = load_scenario(targets.resolve(simulation.scenario), [parse_override(t) for t in [*sets, *fitted]])
    outcomes = run_many(scenario, seed, range(runs))
    return {
        t.name: statistic_value(t.statistic, outcomes, scenario) for t in targets.targets if t.simulation == "crisis"
    }


def main(argv: list[str] | None = None) -> None:
    """Print the statistics at both ticks and their differences."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--posterior", default=str(ROOT / "scenarios" / "taiwan_strait.posterior.json"))
    args = parser.parse_args(argv)
    targets = load_targets(TARGETS)
    posterior = load_posterior(args.posterior)
    index = np.linspace(0, posterior.size - 1, args.draws).astype(int)
    sets = [("scenario's own values", default_values(targets))]
    sets += [(f"posterior draw {k}", list(posterior.draws[k])) for k in index]
    names = [t.name for t in targets.targets if t.simulation == "crisis"]
    sd = {t.name: t.sd for t in targets.targets}
    differences = {n: [] for n in names}
    for label, values in sets:
        coarse, fine = _stats(targets, values, 6, args.runs, 31), _stats(targets, values, 1, args.runs, 31)
        cells = "  ".join(f"{n.removeprefix('icb_')} {coarse[n]:.3f}/{fine[n]:.3f}" for n in names)
        print(f"{label}: (6 h / 1 h) {cells}", flush=True)
        if label.startswith("posterior"):
            for n in names:
                differences[n].append((coarse[n] - fine[n]) / sd[n])
    print("| target | mean (6 h − 1 h) / SD over the posterior draws | its standard error |")
    print("|---|---|---|")
    for n in names:
        d = np.array(differences[n])
        print(f"| {n} | {d.mean():+.2f} | {d.std(ddof=1) / np.sqrt(d.size):.2f} |")


if __name__ == "__main__":
    main()
