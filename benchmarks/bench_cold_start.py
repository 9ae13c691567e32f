"""Cold start: the first ``flashpoint run`` on a machine with an empty numba cache, and where its compile time goes.

    python benchmarks/bench_cold_start.py                 # cold run, warm run, per-function breakdown
    python benchmarks/bench_cold_start.py --no-breakdown  # the two runs only (one compile instead of two)

1. **Cold run**: ``flashpoint run SCENARIO --runs 100`` with ``NUMBA_CACHE_DIR`` set to a new, empty
   directory, as on a fresh clone. Measured: seconds until the compile notice appears on standard
   error, seconds until the command ends, its CPU time and peak memory.
2. **Warm run**: the same command again on the cache the cold run filled.
3. **Breakdown** (a second cold compile, in another empty cache directory): the engine's warm-up
   (:func:`sim.engines.warm_up`, what ``run`` compiles) with a listener on numba's ``numba:compile`` and
   ``numba:llvm_lock`` events. For each jitted function: how many signatures it was compiled for, its
   own compile time (excluding the functions it compiled in turn) and the part of it LLVM took.

Heavy (two compiles of minutes each): run it under the shared lock,
``flock /work/notes/heavy.lock .venv/bin/python benchmarks/bench_cold_start.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLASHPOINT = [sys.executable, "-m", "sim"]


def timed_command(args: list[str], cache: Path) -> dict:
    """Run ``flashpoint ARGS`` with ``cache`` as the numba cache; time its first stderr lines and its end."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*FLASHPOINT, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: list[tuple[float, str]] = []

    def read_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append((time.perf_counter() - started, line.rstrip("\n")))

    reader = threading.Thread(target=read_stderr)
    reader.start()
    assert proc.stdout is not None
    proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"flashpoint {' '.join(args)} failed ({proc.returncode}):\n" + "\n".join(t for _, t in lines))
    notice = next((t for t, text in lines if text.startswith("compiling the engine")), None)
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "notice_s": notice,
        "stderr": [text for _, text in lines],
    }


BREAKDOWN = r"""
import json, sys, time
from numba.core import event

stack, records, llvm_starts = [], [], []

class Compiles(event.Listener):
    def on_start(self, ev):
        d = ev.data["dispatcher"]
        stack.append([f"{d.py_func.__module__}.{d.py_func.__qualname__}", time.perf_counter(), 0.0, 0.0])

    def on_end(self, ev):
        name, t0, children, llvm_s = stack.pop()
        total = time.perf_counter() - t0
        records.append({"name": name, "total": total, "own": total - children, "llvm": llvm_s, "depth": len(stack)})
        if stack:
            stack[-1][2] += total

class Llvm(event.Listener):  # the LLVM lock is re-entrant: only the outermost hold is counted
    def on_start(self, ev):
        llvm_starts.append(time.perf_counter())

    def on_end(self, ev):
        t0 = llvm_starts.pop()
        if not llvm_starts and stack:
            stack[-1][3] += time.perf_counter() - t0

event.register("numba:compile", Compiles())
event.register("numba:llvm_lock", Llvm())
from sim.engines import warm_up
result = warm_up()
json.dump({"seconds": result.seconds, "compiled": result.compiled, "records": records}, sys.stdout)
"""


def breakdown(cache: Path) -> dict:
    """Compile the engine's warm-up in ``cache`` (empty) with listeners; the per-function records."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", BREAKDOWN], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def report_breakdown(data: dict, top: int = 25) -> None:
    own, llvm, count = defaultdict(float), defaultdict(float), defaultdict(int)
    for r in data["records"]:
        own[r["name"]] += r["own"]
        llvm[r["name"]] += r["llvm"]
        count[r["name"]] += 1
    total_own = sum(own.values())
    total_llvm = sum(llvm.values())
    engine = {n: s for n, s in own.items() if n.startswith("sim.")}
    print(
        f"\nbreakdown: warm-up compiled {data['compiled']} functions in {data['seconds']:.1f} s "
        f"(listener total {total_own:.1f} s, of which LLVM {total_llvm:.1f} s = {100 * total_llvm / total_own:.0f}%)"
    )
    print(
        f"  {len(engine)} of Flashpoint's functions: {sum(engine.values()):.1f} s; numba's own helpers (np.empty, "
        f"min, max, ...): {total_own - sum(engine.values()):.1f} s"
    )
    print(f"  {'own s':>7} {'LLVM s':>7} {'sigs':>5}  function")
    for name, seconds in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {seconds:7.2f} {llvm[name]:7.2f} {count[name]:>5}  {name}")
    several = sorted(((n, c, own[n]) for n, c in count.items() if c > 1 and n.startswith("sim.")), key=lambda t: -t[2])
    wasted = sum(s * (c - 1) / c for _, c, s in several)
    print(f"  compiled under several signatures: {len(several)} functions, {wasted:.1f} s beyond one signature each")
    for name, c, seconds in several:
        print(f"    {c} signatures, {seconds:6.2f} s  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/taiwan_strait.yaml")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--no-breakdown", action="store_true", help="skip the per-function breakdown")
    args = parser.parse_args()
    command = ["run", args.scenario, "--runs", str(args.runs)]
    with tempfile.TemporaryDirectory(prefix="flashpoint-cold-") as scratch:
        cache = Path(scratch) / "numba"
        print(f"cold start: flashpoint {' '.join(command)} with an empty numba cache ({cache})")
        cold = timed_command(command, cache)
        warm = timed_command(command, cache)
        timing = next((line for line in cold["stderr"] if re.match(r"\d+ runs in ", line)), "")
        notice = f"{cold['notice_s']:.2f} s" if cold["notice_s"] is not None else "never"
        print(
            f"  cold: notice after {notice}, done in {cold['wall_s']:.1f} s "
            f"({cold['cpu_s']:.1f} s CPU, peak {cold['peak_mb']:.0f} MB)"
        )
        print(f"        its own timing line: {timing}")
        print(f"  warm: done in {warm['wall_s']:.2f} s ({warm['cpu_s']:.1f} s CPU, peak {warm['peak_mb']:.0f} MB)")
        if os.getloadavg()[0] > 1.5:
            print(f"  (load average {os.getloadavg()[0]:.1f} during the run: other work shared the cores)")
        if not args.no_breakdown:
            report_breakdown(breakdown(Path(scratch) / "numba-breakdown"))


if __name__ == "__main__":
    main()
