"""``flashpoint sensitivity``: Sobol' indices over a Saltelli sweep (and a tornado), or a Morris screening.

``--out DIR`` receives ``points.parquet`` (the design's point table, resumable as a sweep's),
``sensitivity.json`` (what ``--json`` prints) and a tornado (or Morris) figure per metric.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from sim.cli.engine_notice import start_engine
from sim.cli.experiment_options import (
    PROBABILITY_METRICS,
    add_execution_options,
    add_out_option,
    add_param_option,
    check_counts,
    check_outputs,
    fail,
    json_text,
    print_json,
    progress_bar,
    say,
)
from sim.cli.outputs import StagedOutput, writing_to
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK
from sim.cli.sweep_command import POINTS_FILE

RESULT_FILE = "sensitivity.json"


def configure_sensitivity(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint sensitivity``."""
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    add_param_option(parser)
    parser.add_argument(
        "--method",
        choices=("sobol", "morris"),
        default="sobol",
        help="sobol: Sobol' indices with intervals (n·(d+2) points); morris: a cheaper screening of many "
        "parameters by elementary effects (n·(d+1) points) (default sobol)",
    )
    parser.add_argument(
        "--n",
        type=int,
        help="sobol: base sample size, rounded up to a power of 2 (default 64); morris: trajectories (default 10)",
    )
    add_execution_options(parser, "runs per design point (default 100)")
    parser.add_argument(
        "--metric",
        dest="metrics",
        action="append",
        choices=PROBABILITY_METRICS,
        help="output to analyse (repeatable; default p_ge_3 and p_inadvertent)",
    )
    parser.add_argument("--design-seed", type=int, help="seed of the Sobol' sequence (default: --seed)")
    add_out_option(parser, f"{POINTS_FILE} (the design's sweep, resumable), {RESULT_FILE} and a figure per output")
    parser.add_argument("--resume", action="store_true", help="finish an interrupted analysis from its chunks")
    parser.add_argument("--restart", action="store_true", help="discard the chunks of an interrupted analysis")
    parser.add_argument("--figures", metavar="DIR", help="write the tornado (or Morris) figures here, not in --out")


def run_sensitivity(args: argparse.Namespace) -> int:
    """Run the Saltelli sweep, compute the indices, print them; write the files."""
    from sim.experiments.sensitivity import SENSITIVITY_METRICS, sensitivity

    runs = 100 if args.runs is None else args.runs
    args.runs = runs
    args.n = (10 if args.method == "morris" else 64) if args.n is None else args.n
    if not check_counts(args, n=(args.n, 2, 65_536), **{"design-seed": (args.design_seed, 0, 2**63 - 1)}):
        return EXIT_BAD_INPUT
    for flag, wanted in (("--resume", args.resume), ("--restart", args.restart)):
        if wanted and not args.out:
            fail(flag, "needs --out DIR (where the analysis keeps its chunks)")
            return EXIT_BAD_INPUT
    if not check_outputs(("--out", args.out, (POINTS_FILE, RESULT_FILE)), ("--figures", args.figures, ())):
        return EXIT_BAD_INPUT
    metrics = tuple(dict.fromkeys(args.metrics or SENSITIVITY_METRICS))
    analyse = sensitivity if args.method == "sobol" else _morris
    start_engine(args.engine if args.scheduler is None else "remote").ready()
    started = time.perf_counter()
    with progress_bar() as progress, writing_to(args.out):
        result = analyse(
            args.scenario,
            args.params,
            n=args.n,
            runs=runs,
            metrics=metrics,
            seed=args.seed,
            design_seed=args.design_seed,
            overrides=args.overrides,
            out=Path(args.out) / POINTS_FILE if args.out else None,
            chunk_size=args.chunk_size,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            restart=args.restart,
            engine=args.engine,
            progress=progress,
        )
    elapsed = time.perf_counter() - started
    data = result.to_dict()
    data["provenance"] = result.sweep.metadata if result.sweep else {}
    if args.out:
        with StagedOutput(args.out) as staging:
            (staging / RESULT_FILE).write_text(json_text(data, indent=1) + "\n", encoding="utf-8")
            if not args.figures:
                _charts(result, args.method, staging)
        say(f"wrote {POINTS_FILE} and {RESULT_FILE} to {args.out}")
    if args.figures:
        with StagedOutput(args.figures) as staging:
            _charts(result, args.method, staging)
    if args.figures or args.out:
        say(f"wrote {len(result.metrics)} figures to {args.figures or args.out}")
    if args.json:
        print_json(data)
    elif args.method == "morris":
        from sim.experiments.morris import morris_table

        print(morris_table(result, runs))
    else:
        print(_table(result, runs))
    points = len(result.sweep.design) if result.sweep else 0
    say(f"{points} points × {runs} runs in {elapsed:.1f} s")
    return EXIT_OK


def _charts(result, method: str, directory: Path) -> None:
    """A tornado (Sobol') or Morris chart per metric, ``tornado_<metric>.png`` or ``morris_<metric>.png``."""
    from sim.report.experiment_figures import DPI, morris_chart, tornado

    chart, stem = (tornado, "tornado") if method == "sobol" else (morris_chart, "morris")
    for metric in result.metrics:
        chart(result, metric).savefig(directory / f"{stem}_{metric}.png", dpi=DPI)


def _morris(scenario, params, *, n: int, **options):
    """Morris screening with ``n`` trajectories (the Sobol' call's arguments otherwise)."""
    from sim.experiments.morris import morris_screening

    return morris_screening(scenario, params, trajectories=n, **options)


def _fmt(v: float) -> str:
    return f"{v:6.3f}" if math.isfinite(v) else "   n/a"


def _table(result, runs: int) -> str:
    from sim.experiments.metrics import metric_label

    lines = [f"Sobol' indices (n = {result.n}, {runs} runs per point), 95% bootstrap intervals"]
    width = max(len(p) for p in result.parameters) + 2
    for m, metric in enumerate(result.metrics):
        noise, var = result.noise_variance[m], result.output_variance[m]
        lines.append(f"{metric_label(metric)}: output variance {var:.4g}, Monte Carlo noise variance {noise:.4g}")
        if not var > 0:
            lines.append("  the output did not vary over the design: no indices")
            continue
        lines.append(f"  {'parameter':<{width}} {'S1':>6}  {'95%':<17} {'ST':>6}  95%")
        for j in sorted(range(len(result.parameters)), key=lambda j: -result.total[m, j]):
            lines.append(
                f"  {result.parameters[j]:<{width}} {_fmt(result.first[m, j])}  "
                f"[{_fmt(result.first_lo[m, j])},{_fmt(result.first_hi[m, j])}] "
                f"{_fmt(result.total[m, j])}  [{_fmt(result.total_lo[m, j])},{_fmt(result.total_hi[m, j])}]"
            )
        if noise > 0.2 * var:
            lines.append("  warning: Monte Carlo noise is a large share of the output variance; use more --runs")
    return "\n".join(lines)
