"""``flashpoint run``: a Monte Carlo of one scenario, or the event log of one run."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sim.cli.precision_command import add_precision_options, run_precision
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK, add_set_option, load_or_report, report
from sim.experiments.monte_carlo import MonteCarloResult, run_monte_carlo
from sim.experiments.provenance import provenance
from sim.experiments.storage import write_outcomes_parquet, write_summary_json
from sim.experiments.summary import summary_table
from sim.scenario.errors import LocatedError
from sim.scenario.limits import MAX_RUNS


def configure_run(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint run``."""
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    parser.add_argument("--runs", type=int, help="replications (default: the scenario's monte_carlo.runs)")
    parser.add_argument("--seed", type=int, help="master seed (default: the scenario's monte_carlo.seed)")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default 1: one process runs the compiled engine on every core via Numba threads)",
    )
    add_set_option(parser)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON instead of a table")
    parser.add_argument(
        "--out", metavar="DIR", help="write per-run results (Parquet), summary (JSON) and figures (PNG)"
    )
    parser.add_argument(
        "--log", type=int, metavar="RUN", help="print the event log of run RUN instead of a Monte Carlo"
    )
    parser.add_argument(
        "--engine",
        choices=("compiled", "reference"),
        default="compiled",
        help="compiled (Numba, default) or reference (Mesa + simpy); both give the same results",
    )
    add_precision_options(parser)


def run_run(args: argparse.Namespace) -> int:
    """Run the Monte Carlo (or print one run's event log)."""
    scenario = load_or_report(args.scenario, args.overrides)
    if scenario is None:
        return EXIT_BAD_INPUT
    seed = scenario.monte_carlo.seed if args.seed is None else args.seed
    if args.log is not None:
        return _print_log(scenario, seed, args.log)
    if args.precision is not None:
        return run_precision(args, scenario, seed)
    runs = scenario.monte_carlo.runs if args.runs is None else args.runs
    problem = _check_counts(runs, args.workers, seed)
    if problem:
        report([LocatedError("--" + problem[0], 1, 1, problem[0], problem[1])])
        return EXIT_BAD_INPUT
    started = time.perf_counter()
    result = _monte_carlo(scenario, runs, seed, args.workers, args.engine)
    elapsed = time.perf_counter() - started
    meta = provenance(scenario, seed, runs, args.engine, args.overrides)
    if args.out:
        written = _write_outputs(result, Path(args.out), meta)
        print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    if args.json:
        print(json.dumps({"provenance": meta, "summary": result.summary.to_dict()}, allow_nan=False))
    else:
        print(f"{scenario.metadata.name} — {runs} runs, seed {seed}, {args.engine} engine")
        print(summary_table(result.summary))
    print(
        f"{runs} runs in {elapsed:.1f} s ({1000 * elapsed / runs:.1f} ms per run, {args.workers} workers)",
        file=sys.stderr,
    )
    return EXIT_OK


def _check_counts(runs: int, workers: int, seed: int) -> tuple[str, str] | None:
    if not 1 <= runs <= MAX_RUNS:
        return "runs", f"must be between 1 and {MAX_RUNS} (got {runs})"
    if not 1 <= workers <= 256:
        return "workers", f"must be between 1 and 256 (got {workers})"
    if not 0 <= seed < 2**63:
        return "seed", f"must be between 0 and 2**63-1 (got {seed})"
    return None


def _monte_carlo(scenario, runs: int, seed: int, workers: int, engine: str = "compiled") -> MonteCarloResult:
    """Run with a progress bar on a terminal (none when stderr is not one)."""
    from tqdm import tqdm

    with tqdm(total=runs, unit="run", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        return run_monte_carlo(scenario, runs=runs, seed=seed, workers=workers, progress=progress, engine=engine)


def _write_outputs(result: MonteCarloResult, out: Path, meta: dict) -> list[Path]:
    from sim.report.figures import save_all

    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_outcomes_parquet(result.outcomes, out / "runs.parquet", meta),
        write_summary_json(result.summary, out / "summary.json"),
    ]
    (out / "provenance.json").write_text(json.dumps(meta, indent=1) + "\n")
    (out / "scenario.resolved.json").write_text(result.scenario.model_dump_json(indent=1) + "\n")
    return [*written, out / "provenance.json", out / "scenario.resolved.json", *save_all(result.summary, out)]


def _print_log(scenario, seed: int, run: int) -> int:
    from sim.engines import run_one
    from sim.vocabulary import narrate

    if run < 0:
        report([LocatedError("--log", 1, 1, "log", f"must be a run index >= 0 (got {run})")])
        return EXIT_BAD_INPUT
    result = run_one(scenario, seed, run, engine="reference", log=True)
    outcome = result.outcome
    print(f"{scenario.metadata.name} — run {run}, seed {seed}")
    print(narrate(result.log, with_causes=True))
    print(
        f"max rung {outcome.max_rung}, root cause {outcome.root_cause}, inadvertent {outcome.inadvertent}, "
        f"engagements {outcome.engagements_true} true / {outcome.engagements_false} false"
    )
    return EXIT_OK
