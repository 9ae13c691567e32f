"""``flashpoint sweep``: a Monte Carlo at every point of a parameter design, saved as Parquet, resumable."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.cli.experiment_options import (
    add_execution_options,
    add_param_option,
    check_counts,
    clean_record,
    fail,
    print_json,
    progress_bar,
)
from sim.cli.scenario_commands import EXIT_BAD_INPUT, EXIT_OK, report
from sim.experiments.chunks_store import ResumeError
from sim.scenario.errors import ScenarioError

TABLE_COLUMNS = ("p_ge_3", "p_ge_4", "p_inadvertent")
DESIGN_KINDS = ("grid", "lhs", "sobol")  # as sim.experiments.designs.DESIGN_KINDS, without importing scipy


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
    parser.add_argument("--out", metavar="FILE", help="point table (Parquet); chunks are kept in FILE.chunks/")
    parser.add_argument("--per-run", metavar="FILE", help="also write one row per run (Parquet, a row group per chunk)")
    parser.add_argument("--trajectories", action="store_true", help="keep per-tick crisis levels in --per-run")
    parser.add_argument("--resume", action="store_true", help="finish an interrupted sweep from FILE.chunks/")
    parser.add_argument("--restart", action="store_true", help="discard FILE.chunks/ of an interrupted sweep")
    parser.add_argument("--keep-chunks", action="store_true", help="keep FILE.chunks/ after the final files")
    parser.add_argument("--figures", metavar="DIR", help="write sweep line plots (and heatmaps for a grid) here")


def run_sweep(args: argparse.Namespace) -> int:
    """Run the sweep; print the point table (or JSON)."""
    from sim.experiments.sweep import sweep

    runs = 100 if args.runs is None else args.runs
    args.runs = runs
    if not check_counts(args, points=(args.points, 1, 100_000), **{"design-seed": (args.design_seed, 0, 2**63 - 1)}):
        return EXIT_BAD_INPUT
    if (args.resume or args.restart) and not args.out:
        fail("--resume", "needs --out (the chunks of a sweep live beside its output file)")
        return EXIT_BAD_INPUT
    if args.per_run and args.out and Path(args.per_run).resolve() == Path(args.out).resolve():
        fail("--per-run", "must be a different file from --out")
        return EXIT_BAD_INPUT
    started = time.perf_counter()
    try:
        with progress_bar() as progress:
            result = sweep(
                args.scenario,
                args.params,
                design=args.design,
                points=args.points,
                runs=runs,
                seed=args.seed,
                design_seed=args.design_seed,
                overrides=args.overrides,
                out=args.out,
                per_run_out=args.per_run,
                trajectories=args.trajectories,
                chunk_size=args.chunk_size,
                workers=args.workers,
                scheduler=args.scheduler,
                resume=args.resume,
                restart=args.restart,
                keep_chunks=args.keep_chunks,
                engine=args.engine,
                progress=progress,
            )
    except ScenarioError as exc:
        report(exc.errors)
        return EXIT_BAD_INPUT
    except ResumeError as exc:
        fail("--resume", str(exc))
        return EXIT_BAD_INPUT
    except (ValueError, OSError) as exc:
        fail("--sweep", str(exc))
        return EXIT_BAD_INPUT
    elapsed = time.perf_counter() - started
    names = [p.name for p in result.design.parameters]
    figures = []
    if args.figures:
        from sim.report.experiment_figures import save_sweep_figures

        grid = result.design.kind == "grid"
        figures = save_sweep_figures(result.points, names, args.figures, grid, result.metadata["scenario"])
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
    computed = result.chunks_computed
    print(
        f"{len(result.design)} points × {runs} runs in {elapsed:.1f} s "
        f"({computed} chunks computed, {result.chunks_reused} reused from an interrupted sweep)",
        file=sys.stderr,
    )
    for path in (result.out, result.per_run_out):
        if path is not None:
            print(f"wrote {path}", file=sys.stderr)
    if figures:
        print(f"wrote {len(figures)} figures to {args.figures}", file=sys.stderr)
    return EXIT_OK


def _table(points, names: list[str], meta: dict) -> str:
    from sim.experiments.metrics import metric_label

    design = meta["design"]
    lines = [
        f"{meta['scenario']} — {design['kind']} design, {design['n_points']} points × {meta['runs']} runs, "
        f"seed {meta['seed']}, common random numbers"
    ]
    head = "".join(f"{n[-24:]:>26}" for n in names) + "".join(f"{metric_label(m):>26}" for m in TABLE_COLUMNS)
    lines.append(f"{'point':>6}{head}")
    for record in points.to_dict(orient="records"):
        cells = "".join(f"{_fmt(record[n]):>26}" for n in names)
        for m in TABLE_COLUMNS:
            p, lo, hi = record[m], record[f"{m}_lo"], record[f"{m}_hi"]
            cells += f"{f'{p:.3f} [{lo:.3f}, {hi:.3f}]':>26}"
        lines.append(f"{record['point']:>6}{cells}")
    return "\n".join(lines)


def _fmt(v: object) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)
