"""``flashpoint compare``: policy options side by side on common random numbers, with paired intervals."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.cli.engine_notice import start_engine
from sim.cli.experiment_options import (
    PROBABILITY_METRICS,
    add_execution_options,
    add_interval_option,
    add_out_option,
    add_posterior_option,
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
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK, load_or_report

COMPARE_FILES = ("runs.parquet", "comparison.json", "comparison.png")


def configure_compare(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint compare``."""
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    parser.add_argument(
        "--arm",
        dest="arms",
        action="append",
        default=[],
        required=True,
        metavar="NAME[:PATH=VALUE[,PATH=VALUE]]",
        help="an option to compare, e.g. baseline or no_hotline:policy.hotline.enabled=false; the first arm is "
        "the baseline every other arm is compared with (repeatable, at least two)",
    )
    add_execution_options(parser, "runs per arm (default: the scenario's monte_carlo.runs)")
    parser.add_argument(
        "--precision",
        type=float,
        metavar="HALF_WIDTH",
        help="run batches until the paired 95%% interval of every difference in --metric lies within ± this of "
        "the difference (on its far side)",
    )
    parser.add_argument(
        "--metric",
        choices=PROBABILITY_METRICS,
        default="p_ge_3",
        help="probability watched by --precision (default p_ge_3)",
    )
    parser.add_argument("--batch", type=int, default=200, help="batch size with --precision (default 200)")
    parser.add_argument("--max-runs", type=int, default=100_000, help="cap on runs per arm with --precision")
    add_interval_option(parser, "each arm's own probabilities (the differences keep their paired score intervals)")
    add_posterior_option(parser)
    add_out_option(parser, ", ".join(COMPARE_FILES) + " (per-run rows, the comparison, a forest plot)")


def run_compare(args: argparse.Namespace) -> int:
    """Run the comparison and print it."""
    from sim.experiments.compare import compare, comparison_table
    from sim.experiments.limits import LimitError
    from sim.experiments.metrics import COMPARE_METRICS
    from sim.scenario.errors import ScenarioError
    from sim.scenario.limits import MAX_RUNS

    if not check_counts(args, batch=(args.batch, 1, MAX_RUNS), **{"max-runs": (args.max_runs, 1, MAX_RUNS)}):
        return EXIT_BAD_INPUT
    if args.precision is not None and not 0 < args.precision < 1:
        fail("--precision", f"must be a half-width between 0 and 1 (got {args.precision:g})")
        return EXIT_BAD_INPUT
    if not check_outputs(("--out", args.out, COMPARE_FILES)):
        return EXIT_BAD_INPUT
    engine = start_engine(args.engine if args.scheduler is None else "remote")  # compiles while the inputs load
    scenario = load_or_report(args.scenario, args.overrides)
    if scenario is None:
        return EXIT_BAD_INPUT
    posterior = read_posterior(args)  # drawn on top of the scenario and --set, under each arm's values
    engine.ready()
    started = time.perf_counter()
    try:
        with progress_bar() as progress:
            result = compare(
                scenario,
                args.arms,
                runs=args.runs,
                seed=args.seed,
                metrics=COMPARE_METRICS,
                precision=args.precision,
                precision_metric=args.metric,
                batch=args.batch,
                max_runs=args.max_runs,
                workers=args.workers,
                scheduler=args.scheduler,
                chunk_size=args.chunk_size,
                engine=args.engine,
                progress=progress,
                posterior=posterior,
                interval=args.interval,
            )
    except (ScenarioError, LimitError):
        raise  # located errors, reported by sim.cli.exits
    except ValueError as exc:
        fail("--compare", str(exc))
        return EXIT_BAD_INPUT
    elapsed = time.perf_counter() - started
    if args.out:
        _write(result, Path(args.out))
        say(f"wrote {', '.join(COMPARE_FILES)} to {args.out}")
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"{scenario.metadata.name} — arms: {', '.join(a.name for a in result.arms)}")
        print(comparison_table(result))
    say(f"{len(result.arms)} arms × {result.runs} runs in {elapsed:.1f} s")
    return EXIT_OK


def _write(result, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.experiments.storage import METADATA_KEY, _dumps
    from sim.report.experiment_figures import DPI, comparison_forest

    arms = [a.name for a in result.arms]
    tables = []
    for i, table in enumerate(result.rows):
        table = table.drop_columns(["crisis_level"]) if "crisis_level" in table.column_names else table
        tables.append(table.append_column("arm", pa.array([arms[i]] * table.num_rows)))
    rows = pa.concat_tables(tables)
    rows = rows.replace_schema_metadata({METADATA_KEY: _dumps(result.metadata).encode("utf-8")})
    with StagedOutput(out) as staging:
        pq.write_table(rows, staging / "runs.parquet", compression="zstd")
        (staging / "comparison.json").write_text(json_text(result.to_dict(), indent=1) + "\n", encoding="utf-8")
        comparison_forest(result).savefig(staging / "comparison.png", dpi=DPI)
