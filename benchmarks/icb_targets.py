"""The ICB targets of calibration/targets.yaml, recomputed from the ICB crisis-level file, and their sensitivity
to which crises are kept (docs/calibration.md §1).

Usage: ``python benchmarks/icb_targets.py [--icb ../shared/data/icb1v14.csv] [--write]``. It prints the mapping of
ICB's violence codes onto rungs with the kept crises under each code, the targets of the kept crises, and the
same targets under every selection of :data:`sim.calibration.icb.SELECTIONS`. With ``--write`` the 88 crises kept
(US or USSR/Russia a crisis actor) are written to ``calibration/icb_us_ussr_crises.csv`` and every coded crisis
(the columns used) to ``calibration/icb_crises.csv``, from which tests/calibration checks the observed values
and SDs in the targets file and the selections' shares quoted in docs/calibration.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.calibration.icb import (  # noqa: E402
    NUCLEAR_ALERTS,
    RUNG_OF_VIOLENCE,
    SELECTIONS,
    icb_crises,
    icb_subset,
    icb_targets,
)

SUBSET = ROOT / "calibration" / "icb_us_ussr_crises.csv"
EVERY = ROOT / "calibration" / "icb_crises.csv"
VIOLENCE_NAMES = {1: "no violence", 2: "minor clashes", 3: "serious clashes", 4: "full-scale war"}


def _mapping(crises) -> None:
    print("ICB viol -> highest rung, the kept crises under each code:")
    for code, rung in RUNG_OF_VIOLENCE.items():
        part = crises[crises["viol"] == code]
        names = ", ".join(f"{r.crisname.title()} ({r.yrtrig})" for r in part.itertuples())
        print(f"  {code} {VIOLENCE_NAMES[code]:<16} -> rung {rung:<4} {len(part):>3}: {names}")
    print("nuclear alerts (rung 6), from HINDCAST-SOURCES.md, not an ICB variable:")
    for crisno, about in NUCLEAR_ALERTS.items():
        row = crises[crises["crisno"] == crisno]
        kept = "kept" if len(row) else "NOT among the kept crises"
        print(f"  ICB {crisno} ({kept}): {about}")


def _sensitivity(path: Path) -> None:
    every = icb_crises(path)
    names = list(icb_targets(every.head(1)))
    print("the targets under each selection of crises:")
    print(f"  {'selection':<42} {'n':>4}  " + " ".join(f"{n.removeprefix('icb_')[:11]:>11}" for n in names))
    for label, keep in SELECTIONS.items():
        part = every[keep(every)]
        values = icb_targets(part)
        print(f"  {label:<42} {len(part):>4}  " + " ".join(f"{values[n][0]:>11.3f}" for n in names))


def main(argv: list[str] | None = None) -> None:
    """Print the mapping, the targets and their sensitivity; write the subset with --write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icb", type=Path, default=ROOT.parent / "shared" / "data" / "icb1v14.csv")
    parser.add_argument("--write", action="store_true", help=f"write {SUBSET.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    crises = icb_subset(args.icb)
    span = f"{crises.yrtrig.min()}-{crises.yrtrig.max()}"
    print(f"kept: {len(crises)} crises with the US or USSR/Russia as crisis actor, {span}")
    _mapping(crises)
    print("targets of the kept crises:")
    for name, (p, sd, count, n) in icb_targets(crises).items():
        print(f"  {name:<24} {count:>3} of {n}: observed {p:.3f}, sd {sd:.4f}")
    _sensitivity(args.icb)
    if args.write:
        crises.to_csv(SUBSET, index=False)
        icb_crises(args.icb).to_csv(EVERY, index=False)
        print(f"wrote {SUBSET} and {EVERY}")


if __name__ == "__main__":
    main()
