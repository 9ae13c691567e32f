"""``flashpoint run --precision H``: run batches until a probability's 95% half-width is at most H.

The options are added to ``flashpoint run`` by :func:`add_precision_options`; :func:`run_precision`
runs when ``--precision`` is given and prints the usual Monte Carlo table plus how many runs it took.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sim.cli.experiment_options import fail, print_json, progress_bar
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK
from sim.scenario.schema import Scenario

PROBABILITIES = (*(f"p_ge_{k}" for k in range(1, 8)), "p_inadvertent")


def add_precision_options(parser: argparse.ArgumentParser) -> None:
    """``--precision --metric --batch --max-runs --scheduler`` for ``flashpoint run``."""
    group = parser.add_argument_group("precision on demand")
    group.add_argument(
        "--precision",
        type=float,
        metavar="HALF_WIDTH",
        help="instead of --runs, run batches until the 95%% half-width of --metric is at most this, e.g. 0.005",
    )
    group.add_argument(
        "--metric", choices=PROBABILITIES, default="p_ge_3", help="probability watched by --precision (default p_ge_3)"
    )
    group.add_argument("--batch", type=int, default=1000, help="batch size with --precision (default 1000)")
    group.add_argument("--max-runs", type=int, default=1_000_000, help="cap on runs with --precision (default 1e6)")
    group.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="with --precision: run on a Dask cluster")


def run_precision(args: argparse.Namespace, scenario: Scenario, seed: int) -> int:
    """Run to the asked precision and print the summary and the number of runs it took."""
    from sim.experiments.metrics import metric_label
    from sim.experiments.precision import convergence, run_to_precision
    from sim.experiments.summary import summary_table

    if not 0 < args.precision < 0.5:
        fail("--precision", f"must be a half-width between 0 and 0.5 (got {args.precision:g})")
        return EXIT_BAD_INPUT
    for name, value in (("batch", args.batch), ("max-runs", args.max_runs), ("workers", args.workers)):
        if value < 1:
            fail(f"--{name}", f"must be at least 1 (got {value})")
            return EXIT_BAD_INPUT
    started = time.perf_counter()
    try:
        with progress_bar() as progress:
            result = run_to_precision(
                scenario,
                args.precision,
                args.metric,
                seed=seed,
                batch=args.batch,
                max_runs=args.max_runs,
                workers=args.workers,
                scheduler=args.scheduler,
                engine=getattr(args, "engine", "compiled"),
                progress=progress,
            )
    except ValueError as exc:
        fail("--precision", str(exc))
        return EXIT_BAD_INPUT
    elapsed = time.perf_counter() - started
    label = metric_label(args.metric)
    verdict = (
        f"reached ±{args.precision:g} on {label} after {result.runs} runs"
        if result.reached
        else f"NOT reached: ±{result.half_width:.4f} on {label} after the cap of {result.runs} runs"
    )
    if args.out:
        from sim.report.experiment_figures import DPI, convergence_figure

        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "precision.json").write_text(json.dumps(result.to_dict(), indent=1, allow_nan=False) + "\n")
        frame = convergence(result.values)
        figure = convergence_figure(frame, label, args.precision, scenario.metadata.name)
        figure.savefig(out / "convergence.png", dpi=DPI)
        print(f"wrote precision.json and convergence.png to {out}", file=sys.stderr)
    if args.json:
        print_json(result.to_dict())
    else:
        e = result.estimate
        print(f"{scenario.metadata.name} — precision on demand, seed {seed}: {verdict}")
        print(f"{label} = {e.p:.4f} [{e.lo:.4f}, {e.hi:.4f}] (half-width {result.half_width:.4f})")
        print(summary_table(result.summary))
    print(f"{verdict} in {elapsed:.1f} s", file=sys.stderr)
    return EXIT_OK
