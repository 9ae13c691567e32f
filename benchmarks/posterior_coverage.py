"""Coverage of the ``--posterior`` intervals with known truths, over numbers of runs and spreads between sets.

Usage: ``python benchmarks/posterior_coverage.py [--replications 1000] [--figure docs/img/posterior_coverage.png]``.

For every case of ``tests/experiments/coverage_truths.py`` (a posterior of 1,000 parameter sets whose event
probabilities are drawn from a known Beta distribution) and every number of runs, it simulates
``--replications`` Monte Carlos as ``--posterior`` runs them (20 runs to a set, the real assignment, binomial
dice), builds the interval as the summaries do, and counts how often it covers the probability of a set drawn
from the same posterior. It prints coverage and mean widths (with and without the spread), then paired
differences under common random numbers, and draws the coverage figure of docs/experiments.md. About 6 s
per 1,000 replications and case on one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "experiments")]

from coverage_truths import TRUTHS, coverage, paired_coverage  # noqa: E402

RUNS = (200, 500, 2000, 10_000)


def main(argv: list[str] | None = None) -> None:
    """Print the coverage grid and write its figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--figure", type=Path, default=ROOT / "docs" / "img" / "posterior_coverage.png")
    args = parser.parse_args(argv)
    grid: dict[str, list[float]] = {}
    print(f"{'case':<44} {'runs':>6} {'coverage':>9} {'width':>7} {'dice only':>9}")
    for t_index, truth in enumerate(TRUTHS):
        for n_index, runs in enumerate(RUNS):
            started = time.perf_counter()
            seed = args.seed + 100 * t_index + n_index
            covered, width, dice = coverage(truth, runs, args.replications, seed)
            grid.setdefault(truth.name, []).append(covered)
            seconds = time.perf_counter() - started
            row = f"{truth.name:<44} {runs:>6} {covered:>9.3f} {width:>7.4f} {dice:>9.4f}"
            print(f"{row}  ({seconds:.0f} s)", flush=True)
    print("paired differences (common random numbers), 2,000 runs: effect N(-0.05, SD) between sets")
    for t_index, truth in enumerate(TRUTHS[:2]):
        for effect_sd in (0.03, 0.06):
            covered, width = paired_coverage(truth, effect_sd, 2000, args.replications, args.seed + 7 + t_index)
            print(f"  {truth.name:<42} effect SD {effect_sd:.2f}: coverage {covered:.3f}, width {width:.4f}")
    _figure(grid, args.figure, args.replications)
    print(f"wrote {args.figure}")


def _figure(grid: dict[str, list[float]], path: Path, replications: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for name, values in grid.items():
        ax.plot(RUNS, values, marker="o", label=name)
    ax.axhline(0.95, color="black", lw=1)
    ax.axhline(0.93, color="tab:red", lw=1, ls="--")
    ax.set_xscale("log")
    ax.set_xticks(RUNS, [f"{r:,}" for r in RUNS])
    ax.set_ylim(0.85, 1.005)
    ax.set_xlabel("runs (20 to a parameter set)")
    ax.set_ylabel("coverage of q(θ*)")
    ax.set_title(f"95% intervals with --posterior: coverage with known truths ({replications:,} replications each)")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
