"""``flashpoint run --precision H``: run batches until a probability's 95% interval lies within ± H of it.

The interval is judged on its far side, ``max(p̂ − lo, hi − p̂)``: near 0 a binomial interval is lopsided
([0, 0.037] after 0 of 100 runs), and half its width would understate how little is known.

The options are added to ``flashpoint run`` by :func:`add_precision_options`; :func:`run_precision`
runs when ``--precision`` is given and prints the usual Monte Carlo table plus how many runs it took.
With ``--out DIR`` it writes what ``flashpoint run --out`` writes, plus ``precision.json`` and
``convergence.png``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.experiment_options import PROBABILITY_METRICS, check_counts, fail, json_text, print_json, progress_bar, say
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK
from sim.cli.usage import scheduler_address

if TYPE_CHECKING:
    from sim.cli.engine_notice import EngineStart
    from sim.experiments.posterior import Posterior
    from sim.scenario.schema import Scenario

PRECISION_FILES = ("precision.json", "convergence.png")
"""What ``--precision --out`` writes beside the files of ``run --out``."""


def add_precision_options(parser: argparse.ArgumentParser) -> None:
    """``--precision --metric --batch --max-runs --scheduler`` for ``flashpoint run``."""
    group = parser.add_argument_group("precision on demand")
    group.add_argument(
        "--precision",
        type=float,
        metavar="HALF_WIDTH",
        help="instead of --runs, run batches until the 95%% interval of --metric lies within ± this of the "
        "estimate (on its far side), e.g. 0.005",
    )
    group.add_argument(
        "--metric",
        choices=PROBABILITY_METRICS,
        default="p_ge_3",
        help="probability watched by --precision (default p_ge_3)",
    )
    group.add_argument("--batch", type=int, default=1000, help="batch size with --precision (default 1000)")
    group.add_argument("--max-runs", type=int, default=1_000_000, help="cap on runs with --precision (default 1e6)")
    group.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", type=scheduler_address, help="with --precision: run on a Dask cluster"
    )


def run_precision(
    args: argparse.Namespace,
    scenario: Scenario,
    seed: int,
    posterior: Posterior | None = None,
    engine: EngineStart | None = None,
) -> int:
    """Run to the asked precision; print the summary and the number of runs it took; write the outputs.

    ``engine`` is the engine being made ready (:func:`sim.cli.engine_notice.start_engine`): waited for
    before the runs are timed.
    """
    from sim.experiments.metrics import metric_label
    from sim.experiments.precision import run_to_precision
    from sim.experiments.summary import summary_table
    from sim.scenario.limits import MAX_RUNS

    if not 0 < args.precision < 0.5:
        fail("--precision", f"must be a half-width between 0 and 0.5 (got {args.precision:g})")
        return EXIT_BAD_INPUT
    if not check_counts(args, batch=(args.batch, 1, MAX_RUNS), **{"max-runs": (args.max_runs, 1, MAX_RUNS)}):
        return EXIT_BAD_INPUT
    if engine is not None:
        engine.ready()
    started = time.perf_counter()
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
            posterior=posterior,
            interval=getattr(args, "interval", "wilson"),
        )
    elapsed = time.perf_counter() - started
    label = metric_label(args.metric)
    verdict = (
        f"reached ±{args.precision:g} on {label} after {result.runs} runs"
        if result.reached
        else f"NOT reached: ±{result.half_width:.4f} on {label} after the cap of {result.runs} runs"
    )
    if args.out:
        written = _write(args, scenario, seed, result, label, posterior)
        say(f"wrote {len(written)} files to {args.out}")
    if args.json:
        print_json(result.to_dict())
    else:
        e = result.estimate
        print(f"{scenario.metadata.name} — precision on demand, seed {seed}: {verdict}")
        print(f"{label} = {e.p:.4f} [{e.lo:.4f}, {e.hi:.4f}] (within ±{result.half_width:.4f}, {result.interval})")
        print(summary_table(result.summary))
    left_out = engine.not_counted() if engine is not None else ""
    say(f"{verdict} in {elapsed:.1f} s" + (f" ({left_out})" if left_out else ""))
    return EXIT_OK


def _write(
    args: argparse.Namespace, scenario: Scenario, seed: int, result, label: str, posterior: Posterior | None
) -> list[str]:
    from sim.cli.run_command import write_run_outputs
    from sim.experiments.precision import convergence
    from sim.experiments.provenance import provenance
    from sim.report.experiment_figures import convergence_figure

    meta = provenance(scenario, seed, result.runs, getattr(args, "engine", "compiled"), args.overrides)
    if posterior is not None:
        meta["posterior"] = posterior.describe()
    extra = {
        "precision.json": json_text(result.to_dict(), indent=1) + "\n",
        "convergence.png": convergence_figure(
            convergence(result.values, interval=result.interval), label, args.precision, scenario.metadata.name
        ),
    }
    return write_run_outputs(Path(args.out), result.outcomes, result.summary, scenario, meta, extra)
