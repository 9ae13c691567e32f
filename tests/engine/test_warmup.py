"""The engine's warm-up compiles what every scenario uses; the stamp says whether this machine compiled the
current engine; the notice and the wait a command shows around it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim import engines
from sim.engines import warmup

ROOT = Path(__file__).resolve().parents[2]


NEW_SIGNATURES = r"""
import importlib, json, pkgutil, sys
from numba.core.dispatcher import Dispatcher
import sim.engines.compiled, sim.kernels
from sim import engines
from sim.scenario.loader import load_scenario

modules = [importlib.import_module(m.name) for p in (sim.engines.compiled, sim.kernels)
           for m in pkgutil.iter_modules(p.__path__, p.__name__ + ".")]
dispatchers = {id(o): o for m in modules for o in vars(m).values() if isinstance(o, Dispatcher)}

def signatures():
    return {f"{d.py_func.__module__}.{d.py_func.__qualname__}": len(d.overloads) for d in dispatchers.values()}

from sim.engines.reference.model import EscalationModel

engines.warm_up()
before = signatures()
for path in sys.argv[1:]:
    scenario = load_scenario(path)
    engines.run_many(scenario, 3, range(4), engine="compiled")
    engines.run_one(scenario, 3, 1, engine="compiled", log=True)
    paused = EscalationModel(scenario, seed=3, run=2)
    for _ in range(12):
        paused.step()
    engines.continue_from(engines.snapshot(paused), 2)
after = signatures()
print(json.dumps({name: [before[name], n] for name, n in after.items() if n != before[name]}))
"""


def test_the_warm_up_compiles_every_signature_the_shipped_scenarios_use():
    """Batches, logged runs and forks of every shipped scenario need nothing the warm-up did not compile
    (a fork left out of it stalled the app's first odds request for minutes)."""
    paths = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    done = subprocess.run(
        [sys.executable, "-c", NEW_SIGNATURES, *paths], capture_output=True, text=True, cwd=ROOT, timeout=1200
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {}  # no function needed a signature the warm-up lacked


def test_the_stamp_says_whether_this_machine_compiled_this_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "cache"))
    assert warmup.cache_directory() == tmp_path / "cache"
    assert not warmup.engine_ready() and not warmup.engine_ready(("batch",))
    assert warmup.expected_compile() == (warmup.DEFAULT_COMPILE_SECONDS, warmup.DEFAULT_FUNCTIONS)
    everything = sum(s for s, _ in warmup.DEFAULT_COMPILE.values()), sum(n for _, n in warmup.DEFAULT_COMPILE.values())
    assert warmup.expected_compile(warmup.ENTRY_POINTS) == everything
    warmup._write_stamp(warmup.WarmUp(seconds=123.4, compiled=150, entry_points=("batch",)))
    assert warmup.engine_ready(("batch",)) and not warmup.engine_ready()  # the command line's part only
    assert warmup.expected_compile(("batch",)) == (123.4, 150)
    rest = ("log", "fork", "reference")
    assert warmup.expected_compile(warmup.ENTRY_POINTS) == (
        sum(warmup.DEFAULT_COMPILE[e][0] for e in rest),
        sum(warmup.DEFAULT_COMPILE[e][1] for e in rest),
    )  # only what is left to compile
    warmup._write_stamp(warmup.WarmUp(seconds=61.0, compiled=36, entry_points=warmup.ENTRY_POINTS))
    assert warmup.engine_ready() and warmup.engine_ready(("fork",))
    stamp = tmp_path / "cache" / warmup.STAMP_NAME
    data = json.loads(stamp.read_text())
    assert data["compiles"] == {"batch": [123.4, 150], "log+fork+reference": [61.0, 36]}
    stamp.write_text(json.dumps({**data, "key": "another engine"}))
    assert not warmup.engine_ready(("batch",))  # the sources, numba or the machine changed
    assert warmup.expected_compile(("batch",)) == (123.4, 150)  # what a compile takes here is still known
    with pytest.raises(ValueError, match="unknown entry points"):
        warmup.engine_ready(("bacth",))


def test_a_stamp_from_before_entry_points_means_the_batch(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    (tmp_path / warmup.STAMP_NAME).write_text(json.dumps({"key": warmup.engine_key(), "compile_seconds": 185.0}))
    assert warmup.engine_ready(("batch",)) and not warmup.engine_ready()


def test_a_sibling_cache_tells_how_long_a_compile_takes(tmp_path, monkeypatch):
    old, new = tmp_path / "abc123", tmp_path / "def456"  # the Makefile keeps a directory per version
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(old))
    warmup._write_stamp(warmup.WarmUp(seconds=95.0, compiled=140, entry_points=("batch",)))
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(new))
    assert not warmup.engine_ready(("batch",)) and warmup.expected_compile() == (95.0, 140)


def test_the_notice_says_first_use_and_about_how_long():
    assert warmup.compile_notice(180) == "compiling the engine for this machine (first use only, about 3 min)"
    assert warmup.about_seconds(42) == "about 40 s" and warmup.about_seconds(3) == "about 10 s"


def test_a_preparation_in_the_background_reports_what_it_did():
    prep = engines.EnginePreparation().start()
    result = prep.wait(timeout=600)
    assert result is not None and result.compiled == 0 and prep.done and result.seconds > 0
