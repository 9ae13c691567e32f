"""``flashpoint run``: a Monte Carlo of one scenario, or the event log of one run.

``--out DIR`` receives the same files whether the run count was given (``--runs``) or reached
(``--precision``, which adds ``precision.json`` and ``convergence.png``); with ``--log RUN`` it
receives the event log as JSON and as text. ``--json`` prints the same JSON the files hold.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.cli.engine_notice import EngineStart, start_engine
from sim.cli.experiment_options import (
    MAX_SEED,
    add_engine_option,
    add_interval_option,
    add_out_option,
    add_posterior_option,
    add_workers_option,
    check_counts,
    check_outputs,
    fail,
    json_text,
    print_json,
    progress_bar,
    read_posterior,
    say,
)
from sim.cli.outputs import StagedOutput
from sim.cli.precision_command import PRECISION_FILES, add_precision_options, run_precision
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK, add_set_option, load_or_report

if TYPE_CHECKING:
    from sim.experiments.posterior import Posterior
    from sim.scenario.schema import Scenario
    from sim.vocabulary import RunOutcome

RUN_FILES = ("runs.parquet", "summary.json", "provenance.json", "scenario.resolved.json")
LOG_FILES = ("event_log.json", "event_log.txt", "provenance.json", "scenario.resolved.json")


def configure_run(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint run``."""
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    parser.add_argument("--runs", type=int, help="replications (default: the scenario's monte_carlo.runs)")
    parser.add_argument("--seed", type=int, help="master seed (default: the scenario's monte_carlo.seed)")
    add_workers_option(
        parser,
        "worker processes (default 1: one process runs the compiled engine on every core via Numba threads; "
        "at most the CPU cores available)",
    )
    add_set_option(parser)
    parser.add_argument("--json", action="store_true", help="print the results (or the event log) as JSON")
    add_out_option(
        parser,
        "per-run results (Parquet), summary, provenance, resolved scenario and figures; with --log the event log",
    )
    parser.add_argument(
        "--log", type=int, metavar="RUN", help="print the event log of run RUN instead of a Monte Carlo"
    )
    add_engine_option(parser)
    add_interval_option(parser, "every probability (and of --precision)")
    add_posterior_option(parser)
    add_precision_options(parser)


def run_run(args: argparse.Namespace) -> int:
    """Run the Monte Carlo (or print one run's event log)."""
    from sim.scenario.limits import MAX_RUNS

    if not check_counts(args, log=(args.log, 0, MAX_RUNS - 1)):
        return EXIT_BAD_INPUT
    files = LOG_FILES if args.log is not None else RUN_FILES + (PRECISION_FILES if args.precision else ())
    if not check_outputs(("--out", args.out, files)):
        return EXIT_BAD_INPUT
    # the compiled engine compiles (first use) or loads while the scenario is read and validated
    engine = start_engine(args.engine if args.log is None else "reference")
    scenario = load_or_report(args.scenario, args.overrides)
    if scenario is None:
        return EXIT_BAD_INPUT
    seed = scenario.monte_carlo.seed if args.seed is None else args.seed
    if not 0 <= seed <= MAX_SEED:
        fail("--seed", f"must be between 0 and {MAX_SEED} (got {seed})")
        return EXIT_BAD_INPUT
    posterior = read_posterior(args)
    if args.log is not None:
        return _event_log(args, scenario, seed, posterior)
    if args.precision is not None:
        return run_precision(args, scenario, seed, posterior, engine)
    return _monte_carlo(args, scenario, seed, posterior, engine)


def _monte_carlo(
    args: argparse.Namespace, scenario: Scenario, seed: int, posterior: Posterior | None, engine: EngineStart
) -> int:
    from sim.experiments.monte_carlo import run_monte_carlo
    from sim.experiments.provenance import provenance
    from sim.experiments.summary import summary_table

    runs = scenario.monte_carlo.runs if args.runs is None else args.runs
    if not check_counts(argparse.Namespace(runs=runs, workers=args.workers)):
        return EXIT_BAD_INPUT
    engine.ready()
    started = time.perf_counter()
    with progress_bar() as progress:
        result = run_monte_carlo(
            scenario,
            runs=runs,
            seed=seed,
            workers=args.workers,
            progress=progress,
            engine=args.engine,
            posterior=posterior,
            interval=args.interval,
        )
    elapsed = time.perf_counter() - started
    meta = provenance(scenario, seed, runs, args.engine, args.overrides)
    if posterior is not None:
        meta["posterior"] = posterior.describe()
    if args.out:
        written = write_run_outputs(Path(args.out), result.outcomes, result.summary, scenario, meta)
        say(f"wrote {len(written)} files to {args.out}")
    if args.json:
        print(json.dumps({"provenance": meta, "summary": result.summary.to_dict()}, allow_nan=False))
    else:
        print(f"{scenario.metadata.name} — {runs} runs, seed {seed}, {args.engine} engine")
        print(summary_table(result.summary))
    say(run_timing(runs, elapsed, args.workers, engine))
    return EXIT_OK


def run_timing(runs: int, elapsed: float, workers: int, engine: EngineStart) -> str:
    """``100 runs in 0.12 s (1.2 ms per run, 1 worker; not counting 174 s compiling the engine)``.

    The time covers the runs and their summary, never the compilation or loading of the engine.
    """
    plural = "s" if workers != 1 else ""
    left_out = engine.not_counted()
    tail = f"; {left_out}" if left_out else ""
    return f"{runs} runs in {elapsed:.2f} s ({1000 * elapsed / runs:.3g} ms per run, {workers} worker{plural}{tail})"


def write_run_outputs(
    out: Path,
    outcomes: tuple[RunOutcome, ...],
    summary: Any,
    scenario: Scenario,
    meta: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> list[str]:
    """Write what ``run --out`` writes (and ``extra`` files: name → text or figure), all at once.

    Returns:
        The names of the files written.
    """
    from sim.experiments.storage import write_outcomes_parquet, write_summary_json
    from sim.report.figures import DPI, save_all

    with StagedOutput(out) as staging:
        write_outcomes_parquet(outcomes, staging / "runs.parquet", meta)
        write_summary_json(summary, staging / "summary.json")
        (staging / "provenance.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        (staging / "scenario.resolved.json").write_text(scenario.model_dump_json(indent=1) + "\n", encoding="utf-8")
        save_all(summary, staging)
        for name, content in (extra or {}).items():
            if isinstance(content, str):
                (staging / name).write_text(content, encoding="utf-8")
            else:
                content.savefig(staging / name, dpi=DPI)
        return sorted(p.name for p in staging.iterdir())


def _event_log(args: argparse.Namespace, scenario: Scenario, seed: int, posterior: Posterior | None) -> int:
    """The event log of one run (reference engine): text, or JSON with ``--json``; both files with ``--out``.

    With ``--posterior`` the run uses the parameter set its index draws, as it does in a Monte Carlo.
    """
    from sim.engines import run_one
    from sim.experiments.provenance import provenance
    from sim.vocabulary import narrate

    meta = {**provenance(scenario, seed, 1, "reference", args.overrides), "run": args.log}
    head = [f"{scenario.metadata.name} — run {args.log}, seed {seed}"]
    if posterior is not None:
        posterior.check(scenario)
        draw = posterior.index(seed, args.log)
        scenario = posterior.scenario_of(scenario, draw)
        meta["posterior"] = {**posterior.describe(), "draw": draw}
        head.append(
            f"parameter uncertainty: run {args.log} uses posterior parameter set {draw} of {posterior.size:,} "
            f"from {posterior.name}: "
            + ", ".join(f"{p}={v:g}" for p, v in zip(posterior.parameters, posterior.draws[draw], strict=True))
        )
    result = run_one(scenario, seed, args.log, engine="reference", log=True)
    outcome = result.outcome
    record = {"provenance": meta, "outcome": _outcome_dict(outcome), "events": [_entry_dict(e) for e in result.log]}
    text = "\n".join(
        [
            *head,
            narrate(result.log, with_causes=True),
            f"max rung {outcome.max_rung}, root cause {outcome.root_cause}, inadvertent {outcome.inadvertent}, "
            f"engagements {outcome.engagements_true} true / {outcome.engagements_false} false",
        ]
    )
    if args.out:
        with StagedOutput(Path(args.out)) as staging:
            (staging / "event_log.json").write_text(json_text(record, indent=1) + "\n", encoding="utf-8")
            (staging / "event_log.txt").write_text(text + "\n", encoding="utf-8")
            (staging / "provenance.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
            resolved = scenario.model_dump_json(indent=1) + "\n"
            (staging / "scenario.resolved.json").write_text(resolved, encoding="utf-8")
        say(f"wrote {len(LOG_FILES)} files to {args.out}")
    if args.json:
        print_json(record)
    else:
        print(text)
    return EXIT_OK


def _outcome_dict(outcome: RunOutcome) -> dict[str, Any]:
    import math

    return {
        "run": outcome.run,
        "seed": outcome.seed,
        "max_rung": outcome.max_rung,
        "first_hours": [h if math.isfinite(h) else None for h in outcome.first_hours],
        "inadvertent": bool(outcome.inadvertent),
        "root_cause": outcome.root_cause,
        "engagements_true": outcome.engagements_true,
        "engagements_false": outcome.engagements_false,
        "drones_lost": outcome.drones_lost,
        "ships_lost": outcome.ships_lost,
        "satellites_lost": outcome.satellites_lost,
        "debris": outcome.debris,
        "severity": outcome.severity,
        "crisis_level": [int(level) for level in outcome.crisis_level],
    }


def _entry_dict(entry: Any) -> dict[str, Any]:
    from sim.vocabulary import clock

    return {
        "id": entry.id,
        "hours": entry.hours,
        "clock": clock(entry.hours),
        "kind": entry.kind,
        "text": entry.text,
        "causes": list(entry.cause_chain),
    }
