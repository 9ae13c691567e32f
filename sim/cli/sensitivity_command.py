"""``flashpoint sensitivity``: Sobol' indices over a Saltelli sweep (and a tornado), or a Morris screening."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from sim.cli.experiment_options import add_execution_options, add_param_option, check_counts, fail, print_json
from sim.cli.experiment_options import progress_bar as _progress_bar
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK, report
from sim.experiments.chunks_store import ResumeError
from sim.experiments.metrics import PROBABILITY_METRICS, metric_label
from sim.scenario.errors import ScenarioError


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
    parser.add_argument("--out", metavar="FILE", help="point table of the Saltelli sweep (Parquet), resumable")
    parser.add_argument("--resume", action="store_true", help="finish an interrupted analysis from FILE.chunks/")
    parser.add_argument("--restart", action="store_true", help="discard FILE.chunks/ of an interrupted analysis")
    parser.add_argument("--figures", metavar="DIR", help="write a tornado (or Morris) figure per output here")


def run_sensitivity(args: argparse.Namespace) -> int:
    """Run the Saltelli sweep, compute the indices, print them."""
    from sim.experiments.sensitivity import SENSITIVITY_METRICS, sensitivity

    runs = 100 if args.runs is None else args.runs
    args.runs = runs
    args.n = (10 if args.method == "morris" else 64) if args.n is None else args.n
    if not check_counts(args, n=(args.n, 2, 65_536), **{"design-seed": (args.design_seed, 0, 2**63 - 1)}):
        return EXIT_BAD_INPUT
    if (args.resume or args.restart) and not args.out:
        fail("--resume", "needs --out (the chunks live beside the output file)")
        return EXIT_BAD_INPUT
    metrics = tuple(dict.fromkeys(args.metrics or SENSITIVITY_METRICS))
    analyse = sensitivity if args.method == "sobol" else _morris
    started = time.perf_counter()
    try:
        with _progress_bar() as progress:
            result = analyse(
                args.scenario,
                args.params,
                n=args.n,
                runs=runs,
                metrics=metrics,
                seed=args.seed,
                design_seed=args.design_seed,
                overrides=args.overrides,
                out=args.out,
                chunk_size=args.chunk_size,
                workers=args.workers,
                scheduler=args.scheduler,
                resume=args.resume,
                restart=args.restart,
                engine=args.engine,
                progress=progress,
            )
    except ScenarioError as exc:
        report(exc.errors)
        return EXIT_BAD_INPUT
    except ResumeError as exc:
        fail("--resume", str(exc))
        return EXIT_BAD_INPUT
    except ValueError as exc:
        fail("--sensitivity", str(exc))
        return EXIT_BAD_INPUT
    elapsed = time.perf_counter() - started
    figures = []
    if args.figures:
        from sim.report.experiment_figures import DPI, morris_chart, tornado

        out = Path(args.figures)
        out.mkdir(parents=True, exist_ok=True)
        chart, stem = (tornado, "tornado") if args.method == "sobol" else (morris_chart, "morris")
        for metric in result.metrics:
            path = out / f"{stem}_{metric}.png"
            chart(result, metric).savefig(path, dpi=DPI)
            figures.append(path)
    if args.json:
        data = result.to_dict()
        data["provenance"] = result.sweep.metadata if result.sweep else {}
        print_json(data)
    elif args.method == "morris":
        from sim.experiments.morris import morris_table

        print(morris_table(result, runs))
    else:
        print(_table(result, runs))
    points = len(result.sweep.design) if result.sweep else 0
    print(f"{points} points × {runs} runs in {elapsed:.1f} s", file=sys.stderr)
    if figures:
        print(f"wrote {len(figures)} figures to {args.figures}", file=sys.stderr)
    return EXIT_OK


def _morris(scenario, params, *, n: int, **options):
    """Morris screening with ``n`` trajectories (the Sobol' call's arguments otherwise)."""
    from sim.experiments.morris import morris_screening

    return morris_screening(scenario, params, trajectories=n, **options)


def _fmt(v: float) -> str:
    return f"{v:6.3f}" if math.isfinite(v) else "   n/a"


def _table(result, runs: int) -> str:
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
