"""Compare the default scenario's base rates with the historical record (docs/calibration.md).

Prints side-by-side tables:

1. how often a crisis reaches violence: International Crisis Behavior (ICB) data, version 14
   (Brecher, Wilkenfeld et al.; sites.duke.edu/icbdata), variable VIOL, against the model's
   P(max rung >= 3 / 4 / 5) over the scenario's horizon;
2. how long crises last (ICB BREXIT) against the horizon, and whether the model's crisis has
   come back down by the horizon;
3. early-warning false alarms per owner and year (docs/sources.md §2, NORAD 1979-80) against the
   model's measured rate and the share acted on;
4. contacts between adversaries (the model's encounters) against the ~90 coercive and risky PLA
   intercepts of US aircraft a year, 2021-2023 (docs/sources.md §2, DoD CMPR 2023).

The ICB figures are computed here from the CSV. The model's probabilities come from a fresh Monte
Carlo (``--runs``, compiled engine by default); the false-alarm and contact counts need each run's
event log, so they come from the first ``--detail-runs`` runs of the reference engine (same seed,
same runs). Contacts are counted by wrapping the command pipeline's contact handler inside this
script (the model itself does not record contacts that are not flagged hostile).

Usage::

    .venv/bin/python benchmarks/calibrate_icb.py [--runs 10000] [--detail-runs 1000] [--workers 2]
        [--seed S] [--engine compiled|reference] [--scenario scenarios/taiwan_strait.yaml]
        [--icb ../shared/data/icb1v14.csv]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.engines import outcome_of  # noqa: E402
from sim.engines.reference import EscalationModel  # noqa: E402
from sim.engines.reference.c2 import CommandPipeline  # noqa: E402
from sim.experiments.monte_carlo import run_monte_carlo  # noqa: E402
from sim.experiments.stats import wilson_interval  # noqa: E402
from sim.experiments.summary import summarize  # noqa: E402
from sim.scenario.loader import load_scenario  # noqa: E402
from sim.scenario.schema import Scenario, SpaceRole  # noqa: E402
from sim.vocabulary import N_RUNGS, RunOutcome  # noqa: E402

DEFAULT_ICB = ROOT.parent / "shared" / "data" / "icb1v14.csv"
"""The ICB crisis-level file beside the product brief (``../shared/data`` from the repository root)."""
DEFAULT_SCENARIO = ROOT / "scenarios" / "taiwan_strait.yaml"

VIOL_LABELS = {1: "no violence", 2: "minor clashes", 3: "serious clashes", 4: "full-scale war"}
US_PRC_CRISES = (132, 133, 140, 146, 166, 415)
"""ICB crises with the USA and the PRC both crisis actors, and the PRC-Taiwan crisis of 1995-96 (docs/sources.md §1)."""

INTERCEPTS_PER_YEAR = 90.0
"""PLA coercive/risky intercepts of US aircraft: >180 from fall 2021 to fall 2023 (docs/sources.md §2, VERIFIED)."""
NORAD_SERIOUS_PER_YEAR = 4 / 1.5
"""Early-warning false alarms prompting force-survival actions: 4 in 18 months to mid-1980 (docs/sources.md §2)."""
NORAD_ALL_PER_YEAR = 147 / 1.5
"""All early-warning false alarms: 147 in 18 months to mid-1980 (docs/sources.md §2, VERIFIED-2nd)."""


# --------------------------------------------------------------------------- ICB


def load_icb(path: Path) -> pd.DataFrame:
    """The coded crises of the ICB crisis-level file (the empty row, crisis 474, is dropped)."""
    frame = pd.read_csv(path)
    frame = frame[frame["viol"].notna() & frame["yrtrig"].notna()].copy()
    frame["viol"] = frame["viol"].astype(int)
    frame["yrtrig"] = frame["yrtrig"].astype(int)
    return frame


def share(count: int, n: int) -> str:
    lo, hi = wilson_interval(count, n)
    return f"{count / n:6.3f} [{lo:.3f}, {hi:.3f}]"


def violence_rows(icb: pd.DataFrame) -> dict[str, tuple[int, int, int, int]]:
    """Per period: (n, any violence, serious clashes or war, war)."""
    periods = {
        "ICB 1918-2017": icb,
        "ICB 1945-2017": icb[icb["yrtrig"] >= 1945],
        "ICB 1990-2017": icb[icb["yrtrig"] >= 1990],
        "ICB US-PRC crises": icb[icb["crisno"].isin(US_PRC_CRISES)],
    }
    return {
        name: (len(f), int((f["viol"] >= 2).sum()), int((f["viol"] >= 3).sum()), int((f["viol"] == 4).sum()))
        for name, f in periods.items()
    }


# --------------------------------------------------------------------------- model


def _count_contacts() -> None:
    """Wrap the contact handler once per process so each model counts its contacts by (owner, target owner)."""
    if getattr(CommandPipeline, "_calibration_wrapped", False):
        return
    original = CommandPipeline._contact

    def counting(self, asset, other, incsea):
        counter = self.model.__dict__.setdefault("calibration_contacts", Counter())
        counter[(asset.owner.key, other.owner.key)] += 1
        return original(self, asset, other, incsea)

    CommandPipeline._contact = counting
    CommandPipeline._calibration_wrapped = True


def run_chunk(scenario: Scenario, seed: int, runs: range) -> list[tuple[RunOutcome, dict, int, int, int]]:
    """Run replications; return each outcome with its contact counts and early-warning false alarms."""
    _count_contacts()
    out = []
    for run in runs:
        model = EscalationModel(scenario, seed=seed, run=run).run()
        alarms = {e.id for e in model.log if e.kind == "false_alarm"}
        caught = sum(1 for e in model.log if e.kind == "c2" and e.cause_chain and e.cause_chain[0] in alarms)
        acted = len({c.cause.chain[0] for c in model.rung_changes if c.cause.root == "false_alarm"} & alarms)
        contacts = dict(model.__dict__.get("calibration_contacts", {}))
        out.append((outcome_of(model), contacts, len(alarms), caught, acted))
    return out


def run_model(scenario: Scenario, runs: int, seed: int, workers: int):
    chunk = max(1, -(-runs // (4 * workers)))
    chunks = [range(s, min(s + chunk, runs)) for s in range(0, runs, chunk)]
    if workers == 1:
        parts = [run_chunk(scenario, seed, c) for c in chunks]
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(run_chunk, [scenario] * len(chunks), [seed] * len(chunks), chunks))
    rows = [row for part in parts for row in part]
    rows.sort(key=lambda r: r[0].run)
    return rows


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--icb", type=Path, default=DEFAULT_ICB, help="ICB crisis-level CSV (icb1v14.csv)")
    parser.add_argument("--runs", type=int, default=10_000, help="Monte Carlo runs for the probabilities")
    parser.add_argument(
        "--detail-runs", type=int, default=1000, help="reference-engine runs for false alarms and contacts"
    )
    parser.add_argument("--engine", choices=("compiled", "reference"), default="compiled")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=None, help="default: the scenario's monte_carlo.seed")
    args = parser.parse_args(argv)

    icb = load_icb(args.icb)
    scenario = load_scenario(args.scenario)
    seed = scenario.monte_carlo.seed if args.seed is None else args.seed
    horizon_h = scenario.time.horizon_hours
    horizon_d = horizon_h / 24.0
    started = time.perf_counter()
    result = run_monte_carlo(scenario, runs=args.runs, seed=seed, workers=args.workers, engine=args.engine)
    mc_seconds = time.perf_counter() - started
    outcomes = list(result.outcomes)
    summary = result.summary
    n = len(outcomes)
    started = time.perf_counter()
    rows = run_model(scenario, args.detail_runs, seed, args.workers)
    detail_seconds = time.perf_counter() - started
    detail = summarize([r[0] for r in rows], horizon_h, scenario.time.tick_hours)
    n_detail = len(rows)

    print(f"Calibration of '{scenario.metadata.name}' against the historical record")
    print(
        f"model: {n} runs ({args.engine} engine, {mc_seconds:.0f} s) and, for sections 3-4, the event logs of "
        f"runs 0-{n_detail - 1} ({detail_seconds:.0f} s); seed {seed}, horizon {horizon_h:g} h ({horizon_d:g} days)"
    )
    print(f"ICB: {args.icb.name}, {len(icb)} coded crises, trigger years {icb['yrtrig'].min()}-{icb['yrtrig'].max()}")
    print("shares with 95% Wilson intervals\n")

    # 1. violence
    print(f"1. How far crises go (ICB: whole crisis; model: first {horizon_d:g} days)")
    print(f"  {'':<24} {'n':>5}  {'any violence (VIOL>=2)':<24} {'serious clashes+ (>=3)':<24} {'war (VIOL=4)':<24}")
    for name, (total, v2, v3, v4) in violence_rows(icb).items():
        print(f"  {name:<24} {total:>5}  {share(v2, total):<24} {share(v3, total):<24} {share(v4, total):<24}")
    counts = [int(sum(o.max_rung >= k for o in outcomes)) for k in range(N_RUNGS)]
    print(
        f"  {'model, max rung >= 3/4/5':<24} {n:>5}  {share(counts[3], n):<24} {share(counts[4], n):<24} "
        f"{share(counts[5], n):<24}"
    )
    print(
        f"  model: P(max rung >= 2) {share(counts[2], n)}; P(>= 6) {share(counts[6], n)}; "
        f"P(inadvertent escalation to >= 3) {share(summary.inadvertent.count, n)}"
    )
    ratio_model = counts[4] / counts[3] if counts[3] else math.nan
    full = violence_rows(icb)["ICB 1918-2017"]
    print(
        f"  conditional step: model P(>=4 | >=3) = {ratio_model:.3f}; "
        f"ICB P(serious clashes+ | any violence) = {full[2] / full[1]:.3f}, "
        f"P(war | any violence) = {full[3] / full[1]:.3f}"
    )
    us_prc = icb[icb["crisno"].isin(US_PRC_CRISES)].sort_values("crisno")
    print("  ICB crises with the USA and the PRC as crisis actors (and PRC-Taiwan 1995-96):")
    for _, c in us_prc.iterrows():
        label = VIOL_LABELS[c["viol"]]
        print(f"    {c['crisno']:>4} {c['crisname']:<20} {c['yrtrig']}  {label:<16} {c['brexit']:>5.0f} days")

    # 2. duration
    days = icb["brexit"].dropna().astype(float)
    print(f"\n2. How long crises last (ICB BREXIT, days; n = {len(days)})")
    q = np.percentile(days, [10, 25, 50, 75, 90])
    print(
        f"  ICB: p10 {q[0]:.0f}  p25 {q[1]:.0f}  median {q[2]:.0f}  p75 {q[3]:.0f}  p90 {q[4]:.0f}  "
        f"mean {days.mean():.1f}"
    )
    for limit in (horizon_d, 30.0, 90.0, 365.0):
        k = int((days <= limit).sum())
        print(f"  ICB crises over within {limit:g} days: {share(k, len(days))}")
    for v, label in VIOL_LABELS.items():
        sub = icb.loc[icb["viol"] == v, "brexit"].dropna()
        within = int((sub <= horizon_d).sum())
        print(
            f"    VIOL {v} {label:<16} median {sub.median():6.1f} days; over within {horizon_d:g} days "
            f"{share(within, len(sub))}"
        )
    initial = max(a.initial_rung for a in scenario.actors.values())
    end = np.array([int(o.crisis_level[-1]) for o in outcomes])
    back = int((end <= initial).sum())
    print(f"  model: the crisis runs the whole horizon ({horizon_d:g} days) by construction;")
    print(f"    crisis level back at or below its start (rung {initial}) at the horizon: {share(back, n)}")
    spread = np.bincount(end, minlength=N_RUNGS).tolist()
    print(f"    crisis level at the horizon: mean {end.mean():.2f}; runs at rung 0..7: {spread}")
    for k in (3, 4):
        curve = summary.time_to_rung[k]
        print(
            f"    time to rung >= {k} (Kaplan-Meier): 10% by {curve.quantile(0.1) / 24:.1f} d, "
            f"25% by {curve.quantile(0.25) / 24:.1f} d, 50% "
            + (f"by {curve.median / 24:.1f} d" if math.isfinite(curve.median) else "not reached")
        )

    # 3. early warning false alarms
    owners = [
        key
        for key in scenario.actors
        if any(
            a.kind == "space_asset" and a.role == SpaceRole.EARLY_WARNING and a.owner == key
            for a in scenario.assets.values()
        )
    ]
    alarms = sum(r[2] for r in rows)
    caught = sum(r[3] for r in rows)
    acted = sum(r[4] for r in rows)
    owner_years = len(owners) * n_detail * horizon_d / 365.0
    rate = alarms / owner_years if owner_years else math.nan
    print(f"\n3. Early-warning false alarms (owners with warning satellites: {', '.join(owners) or 'none'})")
    print(
        f"  history: NORAD, 18 months to mid-1980: all {NORAD_ALL_PER_YEAR:.0f}/yr, "
        f"serious {NORAD_SERIOUS_PER_YEAR:.1f}/yr"
    )
    print(
        f"  model parameter: {scenario.parameters.space.early_warning_false_alarms_per_year:g} per owner-year "
        f"(serious alarms only)"
    )
    print(f"  model measured: {alarms} alarms in {owner_years:.1f} owner-years = {rate:.2f} per owner-year")
    if alarms:
        print(
            f"    recognised before leaders act: {share(caught, alarms)}; root of a rung change: {share(acted, alarms)}"
        )
    print("  history: none of the documented serious alarms (NORAD 1979, 1980 x2; Oko 1983) led to a response")

    # 4. contacts vs intercepts
    pairs: Counter = Counter()
    for r in rows:
        pairs.update(r[1])
    scale = 365.0 / horizon_d / n_detail
    per_year = {pair: count * scale for pair, count in pairs.items()}
    print("\n4. Contacts between adversaries (model encounters) vs intercepts")
    print(
        f"  history: PLA coercive/risky intercepts of US aircraft, 2021-2023: about {INTERCEPTS_PER_YEAR:.0f}/yr "
        f"({INTERCEPTS_PER_YEAR * horizon_d / 365:.1f} per {horizon_d:g} days)"
    )
    if pairs:
        for pair in (("PRC", "USA"), ("USA", "PRC")):
            count = pairs.get(pair, 0)
            print(
                f"  model {pair[0]} assets -> {pair[1]} assets: {count / n_detail:.2f} per run ({horizon_d:g} days), "
                f"{per_year.get(pair, 0.0):.0f}/yr equivalent"
            )
        total = sum(pairs.values())
        print(
            f"  model, all adversary pairs: {total / n_detail:.2f} contacts per run, {total * scale:.0f}/yr equivalent"
        )
        top = sorted(per_year.items(), key=lambda kv: -kv[1])[:6]
        print("  busiest pairs (/yr equivalent): " + ", ".join(f"{a}->{b} {v:.0f}" for (a, b), v in top))
    else:
        print("  model: contacts not counted (the contact handler could not be wrapped)")
    engaged = detail.engagements_true.mean + detail.engagements_false.mean
    print(
        f"  model engagements per run (runs 0-{n_detail - 1}): {engaged:.2f} "
        f"(false-positive share {detail.false_positive_share[0]:.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
