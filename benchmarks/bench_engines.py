"""Benchmark of the two engines on the default scenario (scenarios/taiwan_strait.yaml).

Measures, in one run on this machine:

* per-replication time of the reference and the compiled engine, and their ratio;
* replications per second of the compiled engine on 1 and 2 numba threads, and on 1 and 2 worker
  processes (one thread each) through ``run_monte_carlo``;
* wall time of a 10,000-replication Monte Carlo (warm cache);
* start-to-first-result of a fresh process (a 100-run Monte Carlo), with an empty numba cache (a new
  ``NUMBA_CACHE_DIR`` in a temporary directory) and then with that cache warm;
* peak memory (max RSS) of a process running 100,000 replications, summary outcomes only.

Usage: ``python benchmarks/bench_engines.py [--quick] [--warm-only] [--json FILE]`` (``--warm-only`` skips
the empty-cache compile, minutes of CPU that ``benchmarks/bench_cold_start.py`` measures in detail).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "taiwan_strait.yaml"

FIRST_RESULT = """
import time
t0 = time.perf_counter()
from sim.scenario.loader import load_scenario
from sim.experiments.monte_carlo import run_monte_carlo
result = run_monte_carlo(load_scenario({scenario!r}), runs=100, seed=1)
print(time.perf_counter() - t0)
"""

PEAK_MEMORY = """
import resource
from sim.scenario.loader import load_scenario
from sim.engines.compiled import run_many
batch = run_many(load_scenario({scenario!r}), 1, range({runs}), trajectories=False)
assert len(batch) == {runs}
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _subprocess(code: str, cache_dir: str | None) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if cache_dir is not None:  # None: this process's cache (NUMBA_CACHE_DIR or numba's default)
        env["NUMBA_CACHE_DIR"] = cache_dir
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    wall = time.perf_counter() - started
    return float(out.stdout.strip().splitlines()[-1]), wall


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer replications (a smoke test)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--warm-only", action="store_true", help="skip the fresh process on an empty numba cache")
    args = parser.parse_args(argv)
    n_ref, n_comp, n_mem = (5, 1000, 10_000) if args.quick else (40, 10_000, 100_000)

    from sim.engines.compiled import compile_scenario, run_many
    from sim.experiments.monte_carlo import run_monte_carlo
    from sim.experiments.run import run_once
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(SCENARIO)
    compiled = compile_scenario(scenario)
    run_many(compiled, 1, range(16))  # compile or load from the cache
    figures: dict[str, float] = {}

    started = time.perf_counter()
    for run in range(n_ref):
        run_once(scenario, 1, run)
    figures["reference_ms_per_run"] = 1e3 * (time.perf_counter() - started) / n_ref

    for threads in (1, 2):
        started = time.perf_counter()
        run_many(compiled, 1, range(n_comp), threads=threads, trajectories=False)
        elapsed = time.perf_counter() - started
        figures[f"compiled_runs_per_s_{threads}_threads"] = n_comp / elapsed
        if threads == 1:
            figures["compiled_ms_per_run"] = 1e3 * elapsed / n_comp
    figures["speedup_per_run"] = figures["reference_ms_per_run"] / figures["compiled_ms_per_run"]

    for workers in (1, 2):
        started = time.perf_counter()
        run_monte_carlo(scenario, runs=n_comp, seed=1, workers=workers)
        figures[f"monte_carlo_{n_comp}_runs_s_{workers}_workers"] = time.perf_counter() - started
        figures[f"compiled_runs_per_s_{workers}_workers"] = (
            n_comp / figures[f"monte_carlo_{n_comp}_runs_s_{workers}_workers"]
        )

    with tempfile.TemporaryDirectory() as cache:
        code = FIRST_RESULT.format(scenario=str(SCENARIO))
        if args.warm_only:
            cache = os.environ.get("NUMBA_CACHE_DIR")  # this process's cache, filled above
        else:
            figures["first_result_cold_s"], figures["process_cold_wall_s"] = _subprocess(code, cache)
        figures["first_result_warm_s"], figures["process_warm_wall_s"] = _subprocess(code, cache)
        mem, _ = _subprocess(PEAK_MEMORY.format(scenario=str(SCENARIO), runs=n_mem), cache)
        figures[f"peak_memory_mib_{n_mem}_runs"] = mem

    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value:12.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n")
    return figures


if __name__ == "__main__":
    main()
