"""Memory and throughput of a sweep: 200 design points × R runs of the Taiwan Strait scenario.

Each configuration runs ``flashpoint sweep`` in a fresh child process (so peak memory is its own) and
records wall time, runs per second, the peak resident memory of the coordinating process and of the
largest worker, and the size of the files written. Results go to stdout (a table) and, with
``--json FILE``, to a JSON file.

Usage::

    python benchmarks/bench_sweep.py                      # reference 200 × 20 and compiled 200 × 1000
    python benchmarks/bench_sweep.py --only compiled --runs 1000 --workers 2 --json out/bench_sweep.json

The design is a 200-point Latin hypercube over export-control strength, distillation fidelity, the
drone-swarm encounter rate and the US rules-of-engagement threshold, plus the hotline on or off.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "taiwan_strait.yaml"
PARAMS = (
    "technology.export_control_strength=0.1:0.9",
    "technology.distillation.fidelity=0.6:0.95",
    "parameters.encounters.rate_per_day.drone_swarm=0.05:0.5",
    "actors.USA.roe_threshold=0.5:0.95",
    "policy.hotline.enabled=true,false",
)


def child(args: argparse.Namespace) -> None:
    """Run one sweep in this process and print its measurements as JSON."""
    from sim.experiments.sweep import sweep

    out = Path(args.dir) / "points.parquet"
    per_run = Path(args.dir) / "runs.parquet"
    started = time.perf_counter()
    result = sweep(
        SCENARIO,
        list(PARAMS),
        design="lhs",
        points=args.points,
        runs=args.runs,
        seed=1,
        out=out,
        per_run_out=per_run,
        workers=args.workers,
        engine=args.engine,
        chunk_size=args.chunk_size,
    )
    elapsed = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    runs = args.points * args.runs
    print(
        json.dumps(
            {
                "engine": args.engine,
                "points": args.points,
                "runs_per_point": args.runs,
                "runs": runs,
                "workers": args.workers,
                "chunk_size": result.metadata["chunk_size"],
                "chunks": result.chunks_computed,
                "wall_seconds": round(elapsed, 2),
                "runs_per_second": round(runs / elapsed, 1),
                "cpu_seconds_main": round(me.ru_utime + me.ru_stime, 1),
                "cpu_seconds_workers": round(workers.ru_utime + workers.ru_stime, 1),
                "peak_rss_main_mb": round(me.ru_maxrss / 1024, 1),
                "peak_rss_largest_worker_mb": round(workers.ru_maxrss / 1024, 1),
                "point_table_kb": round(out.stat().st_size / 1024, 1),
                "run_table_mb": round(per_run.stat().st_size / 2**20, 2),
                "run_table_row_groups": result.chunks_computed,
                "p_ge_3_range": [
                    round(float(result.points.p_ge_3.min()), 3),
                    round(float(result.points.p_ge_3.max()), 3),
                ],
            }
        )
    )


def measure(engine: str, points: int, runs: int, workers: int, chunk_size: int | None) -> dict:
    """Run one configuration in a child process and return its measurements."""
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        cmd = [sys.executable, __file__, "--child", "--dir", tmp, "--engine", engine]
        cmd += ["--points", str(points), "--runs", str(runs), "--workers", str(workers)]
        if chunk_size:
            cmd += ["--chunk-size", str(chunk_size)]
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        env.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Parse arguments; run the configurations; print and save the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="compiled")
    parser.add_argument("--only", choices=("reference", "compiled"), help="run only this engine's configuration")
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--runs", type=int, help="runs per point (default: 20 reference, 1000 compiled)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int)
    parser.add_argument("--json", metavar="FILE", help="also write the measurements here")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    configs = [("reference", 20), ("compiled", 1000)]
    if args.only:
        configs = [(e, r) for e, r in configs if e == args.only]
    rows = []
    for engine, default_runs in configs:
        runs = args.runs or default_runs
        print(f"measuring {engine}: {args.points} points × {runs} runs, {args.workers} workers ...", file=sys.stderr)
        rows.append(measure(engine, args.points, runs, args.workers, args.chunk_size))
        print(json.dumps(rows[-1]), file=sys.stderr)
    keys = list(rows[0])
    width = max(len(k) for k in keys)
    for k in keys:
        print(f"{k:<{width}}  " + "  ".join(f"{json.dumps(r[k]):>22}" for r in rows))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
