"""The ICB targets of calibration/targets.yaml, recomputed from the ICB crisis-level file (and the whole-file shares
of docs/sources.md §1).

Usage: ``python benchmarks/icb_targets.py [--icb ../shared/data/icb1v14.csv] [--write]``. With ``--write`` the 88
crises kept (US or USSR/Russia a crisis actor) are written to ``calibration/icb_us_ussr_crises.csv``, from which
tests/calibration checks the observed values and SDs in the targets file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.calibration.icb import icb_subset, icb_targets  # noqa: E402

SUBSET = ROOT / "calibration" / "icb_us_ussr_crises.csv"


def _whole_file(path: Path) -> None:
    """The VIOL shares and BREXIT quantiles of all coded crises, after 1945 and after 1990 (docs/sources.md §1)."""
    import pandas as pd

    frame = pd.read_csv(path, encoding="utf-8-sig")
    frame = frame[frame["crisno"].notna() & frame["viol"].notna()]
    for label, part in (
        ("all", frame),
        ("1945 on", frame[frame.yrtrig >= 1945]),
        ("1990 on", frame[frame.yrtrig >= 1990]),
    ):
        shares = part["viol"].value_counts(normalize=True).sort_index()
        cells = " / ".join(f"{100 * shares.get(k, 0.0):.1f}" for k in (1, 2, 3, 4))
        days = part["brexit"].dropna()
        print(
            f"{label} ({len(part)}): VIOL {cells} %; BREXIT median {days.median():.0f} d, "
            f"p10 {days.quantile(0.1):.0f}, p90 {days.quantile(0.9):.0f}"
        )


def main(argv: list[str] | None = None) -> None:
    """Print the targets; write the subset with --write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icb", type=Path, default=ROOT.parent / "shared" / "data" / "icb1v14.csv")
    parser.add_argument("--write", action="store_true", help=f"write {SUBSET.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    _whole_file(args.icb)
    crises = icb_subset(args.icb)
    print("crises with the US or USSR/Russia as crisis actor:")
    for name, (p, sd, count, n) in icb_targets(crises).items():
        print(f"{name:<22} {count:>3} of {n}: observed {p:.3f}, sd {sd:.3f}")
    if args.write:
        crises.to_csv(SUBSET, index=False)
        print(f"wrote {SUBSET}")


if __name__ == "__main__":
    main()
