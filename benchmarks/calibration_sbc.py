"""Simulation-based calibration (SBC) of the shipped calibration problem at a small budget (docs/calibration.md §3).

Usage: ``python benchmarks/calibration_sbc.py [--truths 12] [--population 60] [--generations 5] [--workers 2]
[--figure docs/img/calibration_sbc.png]``.

For each truth: a parameter set θ* drawn from the priors of ``calibration/targets.yaml`` (all its parameters),
the targets' statistics simulated at θ* with the file's runs, plus each target's observation noise (its SD,
Gaussian, clipped to the statistic's range), written as the observed values of a copy of the targets file; then
``flashpoint calibrate``'s algorithm on that copy at the given budget. If the whole procedure is calibrated, the
rank of θ*_j among the posterior particles is uniform and a central 90% interval covers it 90% of the time; a
too-short fit is conservative (its posterior is still close to the prior: coverage above 90%), an overconfident
one covers less. The script prints, per parameter, the coverage of the 50% and 90% intervals and the width of the
90% interval against the prior's (on the sampling scale), and draws the rank histograms. About
population × (1 + 2 × generations) evaluations per truth (0.3–0.4 s each on the 2-core machine).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import json  # noqa: E402

import numpy as np  # noqa: E402

from sim.calibration.abc import Settings, calibrate, to_values  # noqa: E402
from sim.calibration.simulator import Simulator  # noqa: E402
from sim.calibration.statistics import STATISTICS  # noqa: E402
from sim.calibration.targets import load_targets  # noqa: E402

TARGETS = ROOT / "calibration" / "targets.yaml"


def _observed(targets, truth_z: np.ndarray, seed: int) -> dict[str, float]:
    """The targets' statistics at the truth plus observation noise, kept in each statistic's range."""
    stats = Simulator(targets, checks=False)(list(to_values(targets, truth_z)), seed=seed)
    rng = np.random.default_rng(seed)
    out = {}
    for t in targets.fitted:
        spec = STATISTICS[t.statistic]
        out[t.name] = float(np.clip(stats[t.name] + rng.normal(0.0, t.sd), spec.low, spec.high))
    return out


def _copy(targets, observed: dict[str, float], directory: Path) -> Path:
    """A copy of the targets file with these observed values (as JSON, which is YAML; scenario paths absolute)."""
    data = targets.model_dump(mode="json")
    data["scenario"] = str(targets.resolve(data["scenario"]).resolve())
    for simulation in data["simulations"].values():
        simulation["scenario"] = str(targets.resolve(simulation["scenario"]).resolve())
    for target in data["targets"]:
        if target["name"] in observed:
            target["observed"] = round(observed[target["name"]], 6)
    path = directory / "targets.yaml"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    """Run the SBC study; print coverage per parameter; draw the rank histograms."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=int, default=12)
    parser.add_argument("--population", type=int, default=60)
    parser.add_argument("--generations", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--figure", type=Path, default=ROOT / "docs" / "img" / "calibration_sbc.png")
    args = parser.parse_args(argv)
    targets = load_targets(TARGETS)
    p = len(targets.parameters)
    ranks, inside50, inside90, widths = [], [], [], []
    rng = np.random.default_rng(args.seed)
    for r in range(args.truths):
        started = time.perf_counter()
        truth = rng.standard_normal(p)
        with tempfile.TemporaryDirectory(prefix="flashpoint-sbc-") as scratch:
            copy = _copy(targets, _observed(targets, truth, args.seed + r), Path(scratch))
            settings = Settings(population=args.population, generations=args.generations, workers=args.workers)
            history = calibrate(copy, Path(scratch) / "h.db", settings)
            z, _ = history.particles()
            last = history.generations[-1]
        ranks.append(np.mean(z < truth, axis=0))
        lo50, hi50 = np.quantile(z, [0.25, 0.75], axis=0)
        lo90, hi90 = np.quantile(z, [0.05, 0.95], axis=0)
        inside50.append((lo50 <= truth) & (truth <= hi50))
        inside90.append((lo90 <= truth) & (truth <= hi90))
        widths.append((hi90 - lo90) / (2 * 1.6449))  # the prior's 90% interval is ±1.645 on this scale
        print(
            f"truth {r + 1}: final epsilon {last.epsilon:.3g}, {last.distinct} distinct particles, "
            f"90% covers {int(inside90[-1].sum())} of {p}, {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    ranks, inside50, inside90, widths = map(np.array, (ranks, inside50, inside90, widths))
    print(f"{'parameter':<52} {'50% covers':>10} {'90% covers':>10} {'width/prior':>11}")
    for j, parameter in enumerate(targets.parameters):
        print(
            f"{parameter.path:<52} {inside50[:, j].mean():>10.2f} {inside90[:, j].mean():>10.2f} "
            f"{widths[:, j].mean():>11.2f}"
        )
    print(
        f"all parameters: 50% intervals cover {inside50.mean():.3f}, 90% intervals cover {inside90.mean():.3f} "
        f"({inside90.size} intervals)"
    )
    _figure(ranks, inside90, widths, targets, args)
    print(f"wrote {args.figure}")


def _figure(ranks: np.ndarray, inside90: np.ndarray, widths: np.ndarray, targets, args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8), gridspec_kw={"width_ratios": [1, 2]})
    left.hist(ranks.ravel(), bins=10, range=(0, 1), color="tab:blue", alpha=0.75)
    expected = ranks.size / 10
    left.axhline(expected, color="black", lw=1)
    band = 1.96 * math.sqrt(expected * 0.9)
    left.axhspan(expected - band, expected + band, color="0.85", zorder=0)
    left.set_xlabel("rank of the truth among the posterior particles")
    left.set_ylabel("count (all parameters and truths)")
    left.set_title("SBC ranks (uniform if calibrated)", fontsize=9)
    names = [p.path.split(".")[-1] for p in targets.parameters]
    x = np.arange(len(names))
    right.bar(x - 0.2, inside90.mean(axis=0), width=0.4, label="90% interval covers the truth")
    right.bar(x + 0.2, widths.mean(axis=0), width=0.4, label="90% width / prior's")
    right.axhline(0.9, color="black", lw=1)
    right.set_xticks(x, names, rotation=60, ha="right", fontsize=7)
    right.set_ylim(0, 1.15)
    right.legend(fontsize=7, loc="upper right")
    right.set_title(f"{args.truths} truths, population {args.population}, {args.generations} generations", fontsize=9)
    fig.tight_layout()
    args.figure.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.figure, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
