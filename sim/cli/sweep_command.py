"""``flashpoint sweep``: a Monte Carlo at every point of a parameter design, saved as Parquet, resumable.

``--out DIR`` receives ``points.parquet`` (the point table), ``runs.parquet`` with ``--per-run``, and
the figures; while the sweep runs, ``DIR/points.parquet.chunks/`` holds the finished chunks (what
``--resume`` takes up) and ``DIR/points.parquet.lock`` keeps a second sweep out.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.cli.engine_notice import start_engine
from sim.cli.experiment_options import (
    DESIGN_KINDS,
    add_execution_options,
    add_out_option,
    add_param_option,
    add_posterior_option,
    check_counts,
    check_outputs,
    clean_record,
    fail,
    print_json,
    progress_bar,
    read_posterior,
    say,
)
from sim.cli.outputs import StagedOutput, writing_to
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK

TABLE_COLUMNS = ("p_ge_3", "p_ge_4", "p_inadvertent")
POINTS_FILE = "points.parquet"
RUNS_FILE = "runs.parquet"


def configure_sweep(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint sweep``."""
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    add_param_option(parser)
    parser.add_argument("--design", choices=DESIGN_KINDS, default="grid", help="design (default grid)")
    parser.add_argument(
        "--points", type=int, default=5, help="levels per range (grid) or number of points (lhs, sobol); default 5"
    )
    parser.add_argument("--design-seed", type=int, help="seed of the LHS/Sobol' sampler (default: --seed)")
    add_execution_options(parser, "runs per design point (default 100); every point runs the same indices")
    add_posterior_option(parser)
    add_out_option(parser, f"{POINTS_FILE} (the point table), {RUNS_FILE} with --per-run, and the figures")
    parser.add_argument("--per-run", action="store_true", help=f"also write one row per run to DIR/{RUNS_FILE}")
    parser.add_argument("--trajectories", action="store_true", help="keep per-tick crisis levels in --per-run")
    parser.add_argument("--resume", action="store_true", help="finish an interrupted sweep from its finished chunks")
    parser.add_argument("--restart", action="store_true", help="discard the chunks of an interrupted sweep")
    parser.add_argument("--keep-chunks", action="store_true", help=f"keep DIR/{POINTS_FILE}.chunks/ at the end")
    parser.add_argument("--figures", metavar="DIR", help="write the figures here instead of in --out")


def run_sweep(args: argparse.Namespace) -> int:
    """Run the sweep; print the point table (or JSON); write the files."""
    from sim.experiments.sweep import sweep

    runs = 100 if args.runs is None else args.runs
    args.runs = runs
    if not check_counts(args, points=(args.points, 1, 10**9), **{"design-seed": (args.design_seed, 0, 2**63 - 1)}):
        return EXIT_BAD_INPUT
    for flag, wanted in (("--resume", args.resume), ("--restart", args.restart), ("--per-run", args.per_run)):
        if wanted and not args.out:
            fail(flag, "needs --out DIR (where the sweep keeps its files)")
            return EXIT_BAD_INPUT
    if not check_outputs(("--out", args.out, (POINTS_FILE, RUNS_FILE)), ("--figures", args.figures, ())):
        return EXIT_BAD_INPUT
    engine = start_engine(args.engine if args.scheduler is None else "remote")
    posterior = read_posterior(args)
    out = Path(args.out) if args.out else None
    engine.ready()
    started = time.perf_counter()
    with progress_bar() as progress, writing_to(out):
        result = sweep(
            args.scenario,
            args.params,
            design=args.design,
            points=args.points,
            runs=runs,
            seed=args.seed,
            design_seed=args.design_seed,
            overrides=args.overrides,
            out=out / POINTS_FILE if out else None,
            per_run_out=out / RUNS_FILE if out and args.per_run else None,
            trajectories=args.trajectories,
            chunk_size=args.chunk_size,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            restart=args.restart,
            keep_chunks=args.keep_chunks,
            engine=args.engine,
            progress=progress,
            posterior=posterior,
        )
    elapsed = time.perf_counter() - started
    names = [p.name for p in result.design.parameters]
    figures = _figures(result, names, args.figures or args.out)
    if args.json:
        print_json(
            {
                "provenance": result.metadata,
                "chunks_reused": result.chunks_reused,
                "chunks_computed": result.chunks_computed,
                "points": [clean_record(r) for r in result.points.to_dict(orient="records")],
                "files": [str(p) for p in (result.out, result.per_run_out, *figures) if p is not None],
            }
        )
    else:
        print(_table(result.points, names, result.metadata))
    say(
        f"{len(result.design)} points × {runs} runs in {elapsed:.1f} s "
        f"({result.chunks_computed} chunks computed, {result.chunks_reused} reused from an interrupted sweep)"
    )
    for path in (result.out, result.per_run_out):
        if path is not None:
            say(f"wrote {path}")
    if figures:
        say(f"wrote {len(figures)} figures to {args.figures or args.out}")
    return EXIT_OK


def _figures(result, names: list[str], directory: str | None) -> list[Path]:
    """Write the sweep's figures into ``directory`` (all at once); the paths written."""
    if directory is None:
        return []
    from sim.report.experiment_figures import save_sweep_figures

    grid = result.design.kind == "grid"
    with StagedOutput(directory) as staging:
        written = save_sweep_figures(result.points, names, staging, grid, result.metadata["scenario"])
    return [Path(directory) / path.name for path in written]


def _table(points, names: list[str], meta: dict) -> str:
    from sim.experiments.display import parameter_note
    from sim.experiments.metrics import metric_label

    design = meta["design"]
    lines = [
        f"{meta['scenario']} — {design['kind']} design, {design['n_points']} points × {meta['runs']} runs, "
        f"seed {meta['seed']}, common random numbers"
    ]
    if meta.get("posterior"):
        lines.append(parameter_note(meta["posterior"]))
    # a parameter's column is as wide as its whole name: a path cut short ("licy.hotline.reliability") misleads
    widths = [max(26, len(n) + 2) for n in names]
    head = "".join(f"{n:>{w}}" for n, w in zip(names, widths, strict=True))
    head += "".join(f"{metric_label(m):>26}" for m in TABLE_COLUMNS)
    lines.append(f"{'point':>6}{head}")
    for record in points.to_dict(orient="records"):
        cells = "".join(f"{_fmt(record[n]):>{w}}" for n, w in zip(names, widths, strict=True))
        for m in TABLE_COLUMNS:
            p, lo, hi = record[m], record[f"{m}_lo"], record[f"{m}_hi"]
            cells += f"{f'{p:.3f} [{lo:.3f}, {hi:.3f}]':>26}"
        lines.append(f"{record['point']:>6}{cells}")
    return "\n".join(lines)


def _fmt(v: object) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)
