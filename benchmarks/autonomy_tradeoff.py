"""The autonomy trade-off: more autonomy stops more attacks and errs more (docs/model.md, figure).

Runs the default scenario with every actor and every asset set to each autonomy level in turn, on
common random numbers (the same seed and run indices for every level), and reports per level the
mean hostile strikes per run (attacks not stopped in time) and P(inadvertent escalation to rung 3),
each with its 95% interval, and the paired difference against in the loop. Writes
docs/img/autonomy_tradeoff.png.

Usage: ``python benchmarks/autonomy_tradeoff.py [--runs N] [--scenario FILE] [--out PNG]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sim.experiments.compare import compare  # noqa: E402
from sim.scenario.loader import load_scenario  # noqa: E402

LEVELS = ("in_the_loop", "on_the_loop", "out_of_the_loop")
METRICS = ("hostile_strikes", "p_inadvertent")


def arm(scenario, level: str) -> str:
    """The comparison arm that puts every actor and asset at ``level``."""
    sets = [f"actors.{a}.autonomy={level}" for a in scenario.actors]
    sets += [f"assets.{a}.autonomy={level}" for a in scenario.assets]
    return f"{level}:{','.join(sets)}"


def main(argv: list[str] | None = None) -> None:
    """Run the comparison, print the table and write the figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "taiwan_strait.yaml")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "autonomy_tradeoff.png")
    args = parser.parse_args(argv)
    scenario = load_scenario(args.scenario)
    result = compare(
        scenario, [arm(scenario, level) for level in LEVELS], runs=args.runs, seed=args.seed, metrics=METRICS
    )
    print(f"{scenario.metadata.name}: every actor and asset at each autonomy level, {args.runs} paired runs")
    print(f"{'level':>16}  {'hostile strikes per run':>30}  {'P(inadvertent)':>26}")
    for level in LEVELS:
        s, p = result.estimates[level]["hostile_strikes"], result.estimates[level]["p_inadvertent"]
        print(f"{level:>16}  {s.mean:>8.3f} [{s.lo:.3f}, {s.hi:.3f}]{'':>6}  {p.p:>8.3f} [{p.lo:.3f}, {p.hi:.3f}]")
    for level in LEVELS[1:]:
        s = result.difference(level, "hostile_strikes").paired
        p = result.difference(level, "p_inadvertent").paired
        print(
            f"{level} − in_the_loop: strikes {s.diff:+.3f} [{s.lo:+.3f}, {s.hi:+.3f}], "
            f"P(inadvertent) {p.diff:+.3f} [{p.lo:+.3f}, {p.hi:+.3f}]"
        )
    _figure(result, scenario.metadata.name, args.runs, args.out)
    print(f"wrote {args.out}")


def _figure(result, name: str, runs: int, out: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.6), constrained_layout=True)
    x = range(len(LEVELS))
    labels = [level.replace("_", " ") for level in LEVELS]
    for ax, metric, title, color in (
        (axes[0], "hostile_strikes", "hostile strikes per run\n(attacks not stopped in time)", "tab:blue"),
        (axes[1], "p_inadvertent", "P(inadvertent escalation to rung 3)", "tab:red"),
    ):
        est = [result.estimates[level][metric] for level in LEVELS]
        mid = [e.mean if metric == "hostile_strikes" else e.p for e in est]
        lo = [m - e.lo for m, e in zip(mid, est, strict=True)]
        hi = [e.hi - m for m, e in zip(mid, est, strict=True)]
        ax.errorbar(x, mid, yerr=[lo, hi], fmt="o-", color=color, capsize=4)
        ax.set_xticks(list(x), labels)
        ax.set_title(title, fontsize=10)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{name}: autonomy cuts both ways ({runs} paired runs, 95% intervals)", fontsize=10)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
