"""``flashpoint hindcast [CASES...]``: the model scored on real incidents held out of the fit (docs/validation.md).

Prints, per question, the model's probability of the event with its 95% interval, the probability it gave to
what actually happened, the baseline's, and both log scores; then the aggregate log and Brier scores over the
out-of-sample questions, and the held cases. ``--json`` prints everything as JSON; ``--out DIR`` writes
``hindcast.csv``, ``hindcast.parquet``, ``hindcast.json`` and ``reliability.png``.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.experiment_options import (
    add_engine_option,
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
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK, report

if TYPE_CHECKING:
    from sim.experiments.hindcast import Aggregate, HindcastResult, QuestionResult

DEFAULT_CASES = "hindcast/cases.yaml"
HINDCAST_FILES = ("hindcast.csv", "hindcast.parquet", "hindcast.json", "reliability.png")
"""What ``--out DIR`` receives."""


def configure_hindcast(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint hindcast``."""
    parser.add_argument("cases", nargs="*", metavar="CASE", help="case ids to run (default: every case)")
    parser.add_argument(
        "--cases", dest="index", default=DEFAULT_CASES, metavar="FILE", help=f"case index (default {DEFAULT_CASES})"
    )
    parser.add_argument("--runs", type=int, help="runs per scenario (default: the index's, 2000)")
    parser.add_argument("--seed", type=int, help="master seed (default: the index's)")
    add_workers_option(parser, "local worker processes per Monte Carlo (default 1)")
    add_engine_option(parser)
    add_posterior_option(parser)
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    add_out_option(parser, ", ".join(HINDCAST_FILES))


def run_hindcast_command(args: argparse.Namespace) -> int:
    """Load and check the cases, run them, print and write the results."""
    from sim.experiments.hindcast import run_hindcast, select_cases
    from sim.experiments.hindcast_cases import load_cases
    from sim.scenario import ScenarioError

    if not check_counts(args) or not check_outputs(("--out", args.out, HINDCAST_FILES)):
        return EXIT_BAD_INPUT
    if not Path(args.index).is_file():
        fail("--cases", f"no case index at {args.index} (run from the repository, or name it with --cases FILE)")
        return EXIT_BAD_INPUT
    try:
        index = load_cases(args.index)
    except ScenarioError as exc:
        report(exc.errors)
        return EXIT_BAD_INPUT
    try:
        select_cases(index, args.cases)
    except KeyError as exc:
        from sim.scenario.hints import did_you_mean

        wrong, known = exc.args[0], ", ".join(index.cases)
        fail("CASE", f"no case '{wrong}' in {args.index}{did_you_mean(wrong, index.cases)} (cases: {known})")
        return EXIT_BAD_INPUT
    # every case is another scenario than the one the posterior was fitted on: the hindcast scores that transfer
    args.posterior_any_scenario = True
    posterior = read_posterior(args)
    started = time.perf_counter()
    with progress_bar("scenario") as progress:
        result = run_hindcast(
            index,
            args.cases,
            runs=args.runs,
            seed=args.seed,
            workers=args.workers,
            engine=args.engine,
            posterior=posterior,
            progress=lambda done, total, _: progress(done, total),
        )
    if args.out:
        _write(Path(args.out), result)
        say(f"wrote {len(HINDCAST_FILES)} files to {args.out}")
    if args.json:
        print_json(result.to_dict())
    else:
        print(hindcast_table(result))
    say(f"hindcast: {len(result.questions)} questions in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _write(out: Path, result: HindcastResult) -> None:
    from sim.cli.outputs import StagedOutput
    from sim.report.hindcast_figures import reliability_figure
    from sim.report.style import DPI

    frame = result.frame()
    with StagedOutput(out) as staging:
        frame.to_csv(staging / "hindcast.csv", index=False)
        frame.to_parquet(staging / "hindcast.parquet", index=False)
        (staging / "hindcast.json").write_text(json_text(result.to_dict(), indent=1) + "\n", encoding="utf-8")
        reliability_figure(result).savefig(staging / "reliability.png", dpi=DPI)


# --------------------------------------------------------------------------- the table


def hindcast_table(result: HindcastResult) -> str:
    """The results as text: one block per question, then the aggregate and the held cases."""
    s = result.settings
    about = f"{s['runs']} runs per scenario, seed {s['seed']}, {s['engine']} engine"
    if s.get("posterior"):
        about += f", posterior {s['posterior'].get('file', '')}"
    lines = [f"Hindcast: {len(result.questions)} questions ({about})", ""]
    header = f"{'question':<34} {'sample':<6} {'happened':<9} {'model P(event) [95%]':<34} {'P(what happened)':>17}"
    header += f" {'baseline':>9} {'log score':>10} {'baseline':>9}"
    lines += [header, "-" * len(header)]
    for q in result.questions:
        lines.append(_row(q))
    lines += ["", *_aggregate_lines("out of sample (the score)", result.out_of_sample)]
    lines += _aggregate_lines("all cases, in sample included", result.all_cases)
    shares = [q for q in result.questions if q.kind == "share"]
    for q in shares:
        lines += ["", *_share_lines(q)]
    if result.held:
        lines += ["", "Held (the model cannot represent them yet):"]
        lines += [f"  {h['case']}: {h['title']} — needs {'; '.join(h['needs'])}" for h in result.held]
    return "\n".join(lines)


def _p(value: float, digits: int = 3) -> str:
    return "—" if math.isnan(value) else f"{value:.{digits}f}"


def _row(q: QuestionResult) -> str:
    e = q.model.estimate
    happened = f"{q.observed_count}/{q.observed_of}" if q.kind == "share" else ("yes" if q.happened else "no")
    counted = f", n={int(e.trials)}" if e.method == "wilson" and e.trials < q.runs else ""
    estimate = f"{_p(e.p)} [{_p(e.lo)}, {_p(e.hi)}]{counted}"
    return (
        f"{q.key:<34} {'in' if q.in_sample else 'out':<6} {happened:<9} {estimate:<34} "
        f"{_p(q.model.p_happened, 4):>17} {_p(q.baseline.p_happened, 4):>9} "
        f"{_p(q.model.log_score, 2):>10} {_p(q.baseline.log_score, 2):>9}"
    )


def _range(bounds: tuple[float, float], digits: int = 3) -> str:
    return f"[{_p(bounds[0], digits)}, {_p(bounds[1], digits)}]"


def _aggregate_lines(label: str, a: Aggregate) -> list[str]:
    skipped = f" ({a.skipped} skipped: no run met the condition)" if a.skipped else ""
    return [
        f"{label}: {a.questions} questions{skipped}",
        f"  log score   model {_p(a.model_log_score)} {_range(a.model_log_score_range)}   "
        f"baseline {_p(a.baseline_log_score)} {_range(a.baseline_log_score_range)}   (higher is better)",
        f"  Brier score model {_p(a.model_brier)} {_range(a.model_brier_range)}   "
        f"baseline {_p(a.baseline_brier)} {_range(a.baseline_brier_range)}   (lower is better); "
        f"skill {_p(a.brier_skill, 2)} {_range(a.brier_skill_range, 2)}",
        "  [ ]: every question at the end of its own 95% interval worst / best for the score",
    ]


def _share_lines(q: QuestionResult) -> list[str]:
    e = q.model.estimate
    inside = q.inside_predictive
    verdict = "contains" if inside else "does not contain"
    long_run = "contains" if e.lo <= q.observed <= e.hi else "does not contain"
    return [
        f"{q.key}: observed {q.observed_count}/{q.observed_of} = {q.observed:.3f}",
        f"  model's share {_p(e.p)} [{_p(e.lo)}, {_p(e.hi)}] (95%, Monte Carlo): {long_run} the observed share",
        f"  95% predictive interval of a share of {q.observed_of}: [{_p(q.predictive_lo)}, {_p(q.predictive_hi)}]:"
        f" {verdict} it; P(exactly {q.observed_count} of {q.observed_of}) = {_p(q.model.p_happened, 4)}",
    ]
