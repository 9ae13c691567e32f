"""``flashpoint calibrate TARGETS.yaml``: ABC-SMC of the model against the historical record (docs/calibration.md).

``--out DIR`` receives ``history.db`` (the SQLite history: rerunning the same command resumes it),
``posterior.json`` (what ``--posterior`` reads), ``ppc.png``, ``pairs.png`` and ``sensitivity.png`` (posterior
predictive check, pairwise posterior, which target each parameter moves), ``report.md`` and ``summary.json``.
A progress line per generation goes to standard error.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from sim.cli.experiment_options import check_counts, fail, print_json, say
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK, report
from sim.cli.usage import scheduler_address

HISTORY_FILE = "history.db"
POSTERIOR_FILE = "posterior.json"
MAX_POPULATION = 100_000
MAX_GENERATIONS = 100
MAX_DRAWS = 100_000


def configure_calibrate(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint calibrate``."""
    parser.add_argument("targets", metavar="TARGETS", help="targets file (YAML), e.g. calibration/targets.yaml")
    parser.add_argument(
        "--out", default="out/calibration", metavar="DIR", help="history, posterior, figures (default out/calibration)"
    )
    parser.add_argument("--population", type=int, default=200, help="particles per generation (default 200)")
    parser.add_argument("--generations", type=int, default=8, help="most generations in all (default 8)")
    parser.add_argument("--min-epsilon", type=float, help="stop at this tolerance (default sqrt(number of targets))")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes evaluating in parallel (default 1; at most the CPU cores)"
    )
    parser.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", type=scheduler_address, help="evaluate on a Dask cluster"
    )
    parser.add_argument("--draws", type=int, default=1000, help="equally weighted draws in the posterior file")
    parser.add_argument(
        "--check", type=int, default=100, help="posterior draws simulated for the predictive check (0: none)"
    )
    parser.add_argument("--posterior", metavar="FILE", help="also write the posterior file here")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _check_counts(args: argparse.Namespace) -> bool:
    if not check_counts(argparse.Namespace(workers=args.workers, scheduler=args.scheduler)):
        return False  # --workers: 1 to the CPU cores here, as for run and sweep
    counts = {
        "--population": (args.population, 2, MAX_POPULATION),
        "--generations": (args.generations, 1, MAX_GENERATIONS),
        "--draws": (args.draws, 1, MAX_DRAWS),
        "--check": (args.check, 0, 10_000),
    }
    for option, (value, low, high) in counts.items():
        if not low <= value <= high:
            fail(option, f"must be between {low} and {high} (got {value})")
            return False
    if args.min_epsilon is not None and not args.min_epsilon >= 0:
        fail("--min-epsilon", f"must be a tolerance >= 0 (got {args.min_epsilon})")
        return False
    return True


def run_calibrate(args: argparse.Namespace) -> int:
    """Calibrate (or resume); write the posterior, the checks and the report."""
    import math

    from sim.calibration.abc import (
        CalibrationError,
        Settings,
        calibrate,
        posterior_draws,
        stop_reason,
        write_posterior,
    )
    from sim.calibration.report import fit_warnings
    from sim.calibration.targets import load_targets
    from sim.scenario import ScenarioError

    if not _check_counts(args):
        return EXIT_BAD_INPUT
    try:
        targets = load_targets(args.targets)
    except ScenarioError as exc:
        report(exc.errors)
        return EXIT_BAD_INPUT
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        args.population, args.generations, args.min_epsilon, workers=args.workers, scheduler=args.scheduler
    )
    started = time.perf_counter()
    try:
        history = calibrate(args.targets, out / HISTORY_FILE, settings, progress=lambda g: say(g.line()))
    except CalibrationError as exc:
        fail("--out", str(exc))
        return EXIT_BAD_INPUT
    generations = history.generations
    last = generations[-1]
    min_epsilon = args.min_epsilon if args.min_epsilon is not None else math.sqrt(len(targets.fitted))
    population = len(history.particles()[0])
    facts = {
        "targets": str(args.targets),
        "generations": len(generations),
        "final epsilon": float(f"{last.epsilon:.3g}"),
        "min epsilon": float(f"{min_epsilon:.3g}"),
        "stopped because": stop_reason(history, min_epsilon, settings),
        "effective sample size": round(last.ess, 1),
        "distinct particles": last.distinct,
        "evaluations": int(sum(g.evaluations for g in generations)),
        "population": population,
    }
    warnings = fit_warnings(last.epsilon, min_epsilon, min(last.ess, last.distinct), population)
    draws = posterior_draws(history, targets, args.draws, targets.seed)
    posterior = write_posterior(out / POSTERIOR_FILE, targets, draws, {**facts, "history": str(out / HISTORY_FILE)})
    if args.posterior:
        shutil.copyfile(posterior, args.posterior)
    summary = _checks(targets, draws, out, args.check, facts, warnings)
    if args.json:
        print_json(summary)
    else:
        print((out / "report.md").read_text(encoding="utf-8"))
    say(f"calibration: {facts['generations']} generations in {time.perf_counter() - started:.0f} s")
    say(f"wrote {posterior}" + (f" and {args.posterior}" if args.posterior else ""))
    return EXIT_OK


def _checks(targets, draws, out: Path, n: int, facts: dict, warnings: list[str]) -> dict:
    """Predictive check, local sensitivity, identifiability, figures and report; the summary as plain data."""
    import numpy as np

    from sim.calibration.report import (
        CHECK_RUNS_FACTOR,
        identifiability,
        local_sensitivity,
        pairs_figure,
        predictive_check,
        predictive_figure,
        report_markdown,
        sensitivity_figure,
        unmoved_targets,
    )
    from sim.calibration.simulator import Simulator

    effects = None
    if n:
        centre = np.median(draws, axis=0).tolist()
        effects = local_sensitivity(Simulator(targets), centre, targets.seed + 1)
        sensitivity_figure(targets, effects, out / "sensitivity.png")
        if unmoved := unmoved_targets(targets, effects):
            warnings.append(
                f"no fitted parameter moves {', '.join(unmoved)} by half an SD across its prior: in the distance "
                "it only adds noise; make it a check (role: check)"
            )
    fits = identifiability(targets, draws, effects)
    rows = predictive_check(Simulator(targets, runs_factor=CHECK_RUNS_FACTOR), draws, n, targets.seed) if n else []
    if rows:
        predictive_figure(rows, out / "ppc.png")
    pairs_figure(targets, draws, out / "pairs.png")
    sensitivity = (targets, effects) if effects is not None else None
    (out / "report.md").write_text(report_markdown(rows, fits, facts, warnings, sensitivity), encoding="utf-8")
    summary = {
        "facts": facts,
        "warnings": warnings,
        "targets": [{**asdict(r), "inside": r.inside} for r in rows],
        "parameters": [{**asdict(f), "verdict": f.verdict} for f in fits],
        "sensitivity": effects.tolist() if effects is not None else None,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary
