"""The compiled engine's first use on a machine: numba compiles it once, then loads it from its cache.

Compiling takes minutes (about 150 functions; ``benchmarks/bench_cold_start.py`` measures where the time
goes), loading from the cache a second. This module lets an interface say which of the two is coming and
show it happening:

- :func:`engine_ready` says, without importing numba, whether this machine has compiled the current
  engine's entry points into its cache (a stamp file written next to numba's cache after a successful compile, keyed by
  the engine's sources, numba's and Python's versions and the machine);
- :func:`warm_up` compiles (or loads) what the compiled engine's entry points use (a Monte Carlo batch
  for the command line; also a run with its event log, a fork into futures and the reference engine's
  kernels for the app: :data:`ENTRY_POINTS`), by running a small built-in scenario through each, and
  reports each function numba compiles;
- :class:`EnginePreparation` runs :func:`warm_up` in a background thread, so the engine compiles while
  the scenario is read and validated; the caller waits for it before timing its runs.

Compiled code never depends on a scenario's values, only on the types of its tables, which are the
same for every scenario (tested), so what the small scenario compiles is what every scenario uses.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "COMMAND_ENTRY_POINTS",
    "DEFAULT_COMPILE_SECONDS",
    "ENTRY_POINTS",
    "EnginePreparation",
    "WarmUp",
    "about_seconds",
    "cache_directory",
    "compile_notice",
    "engine_key",
    "engine_ready",
    "expected_compile",
    "warm_up",
]

STAMP_NAME = "flashpoint-engine.json"
"""The stamp file, in the numba cache directory."""

ENTRY_POINTS = ("batch", "log", "fork", "reference")
"""What :func:`warm_up` can prepare: ``batch``, the Monte Carlo batches every command runs; ``log``, one run
with its event log (the app's search for games with decisions); ``fork``, a paused reference model forked
into compiled futures (the app's odds from here); ``reference``, the jitted kernels the reference engine
calls from Python (the app's live game)."""

COMMAND_ENTRY_POINTS = ("batch",)
"""What the command line's ``run``, ``compare``, ``sweep`` and ``sensitivity`` need (their ``--log`` runs
use the reference engine): a first use compiles no more than that."""

DEFAULT_COMPILE = {"batch": (110.0, 143), "log": (1.0, 0), "fork": (16.0, 6), "reference": (1.0, 0)}
"""``(seconds, functions)`` a first compile of each entry point takes, measured with :func:`warm_up` on
the 2-core development machine (CPU seconds, each after the ones before it in :data:`ENTRY_POINTS`: the
reference engine's kernels are compiled by then; docs/engines.md): the estimate until this machine has
measured its own."""

DEFAULT_COMPILE_SECONDS = DEFAULT_COMPILE["batch"][0]
"""What a first compile of the command line's entry point takes (see :data:`DEFAULT_COMPILE`)."""

DEFAULT_FUNCTIONS = DEFAULT_COMPILE["batch"][1]
"""Functions numba compiles on a first use of the batch entry point; the progress bar's total until measured."""

_SIM = Path(__file__).resolve().parents[1]
_JITTED = ("kernels/*.py", "engines/compiled/*.py", "engines/shared/*.py", "vocabulary.py")
"""The sources compiled code is made of (as the Makefile's cache key)."""

WARM_UP_SCENARIO: dict[str, Any] = {
    "metadata": {"name": "engine warm-up"},
    "time": {"horizon_hours": 48, "tick_hours": 1},
    "zones": {
        "sea": {"kind": "theater"},
        "geo": {"kind": "orbit", "regime": "GEO", "tracked_objects": 1000},
    },
    "actors": {
        "BLU": {"adversaries": ["RED"], "ai": {"source": "frontier", "capability": 0.8}, "initial_rung": 1},
        "RED": {"ai": {"source": "frontier", "capability": 0.8}, "initial_rung": 1},
    },
    "assets": {
        "blu_ships": {"kind": "naval_group", "owner": "BLU", "zone": "sea", "ships": 4},
        "red_swarm": {"kind": "drone_swarm", "owner": "RED", "zone": "sea", "size": 100},
        "blu_ew": {"kind": "space_asset", "owner": "BLU", "zone": "geo", "role": "early_warning"},
        "red_asat": {"kind": "space_asset", "owner": "RED", "zone": "geo", "role": "co_orbital_asat"},
    },
    "technology": {"proliferation": {"level": 0.5, "recipients": ["RED"], "source_actor": "BLU"}},
}
"""A small scenario that calls every jitted function with the types every scenario uses (two actors, one
asset of each kind, a proliferation recipient); tests/engine/test_warmup.py checks it against the shipped ones."""


def cache_directory() -> Path:
    """Where numba keeps the compiled engine: ``NUMBA_CACHE_DIR`` if set, else beside the sources.

    Without ``NUMBA_CACHE_DIR`` numba writes a ``__pycache__`` next to each source file when it can, else
    a per-user directory; the stamp then goes to the engine's ``__pycache__`` or ``~/.cache/flashpoint``.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    beside = _SIM / "engines" / "compiled"
    if os.access(beside, os.W_OK):
        return beside / "__pycache__"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "flashpoint"


def engine_key() -> str:
    """A digest of what compiled code depends on: the jitted sources, numba, Python and the machine."""
    digest = hashlib.sha256()
    for part in (importlib.metadata.version("numba"), sys.version, platform.machine(), platform.processor()):
        digest.update(part.encode() + b"\0")
    for pattern in _JITTED:
        for path in sorted(_SIM.glob(pattern)):
            digest.update(path.relative_to(_SIM).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _read_stamp(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _ready_entry_points(stamp: dict[str, Any]) -> set[str]:
    """The entry points a stamp says are compiled (a stamp from before entry points were recorded: a batch)."""
    if stamp.get("key") != engine_key():
        return set()
    recorded = stamp.get("entry_points", ["batch"])
    return {e for e in recorded if e in ENTRY_POINTS} if isinstance(recorded, list) else set()


def engine_ready(entry_points: tuple[str, ...] = ENTRY_POINTS) -> bool:
    """Whether this machine's cache holds the current engine's ``entry_points`` (no numba import; milliseconds)."""
    return set(_check(entry_points)) <= _ready_entry_points(_read_stamp(cache_directory() / STAMP_NAME))


def _check(entry_points: tuple[str, ...]) -> tuple[str, ...]:
    unknown = sorted(set(entry_points) - set(ENTRY_POINTS))
    if unknown or not entry_points:
        raise ValueError(f"unknown entry points {unknown} (expected some of {', '.join(ENTRY_POINTS)})")
    return tuple(e for e in ENTRY_POINTS if e in entry_points)


def _compile_name(entry_points: tuple[str, ...] | list[str]) -> str:
    return "+".join(e for e in ENTRY_POINTS if e in entry_points)


def expected_compile(entry_points: tuple[str, ...] = COMMAND_ENTRY_POINTS) -> tuple[float, int]:
    """``(seconds, functions)`` compiling ``entry_points`` should take here (those not compiled yet).

    The last compile of the same entry points measured in this cache directory or its siblings (the
    Makefile keeps one directory per version of the sources), the most recent first; else the sum of
    :data:`DEFAULT_COMPILE`'s figures.
    """
    here = cache_directory()
    stamps = [here / STAMP_NAME]
    with contextlib.suppress(OSError):
        stamps += sorted(here.parent.glob(f"*/{STAMP_NAME}"), key=lambda p: p.stat().st_mtime, reverse=True)
    ready = _ready_entry_points(_read_stamp(stamps[0]))
    needed = tuple(e for e in _check(entry_points) if e not in ready) or _check(entry_points)
    name = _compile_name(needed)
    for path in stamps:
        measured = _read_stamp(path).get("compiles", {})
        figures = measured.get(name) if isinstance(measured, dict) else None
        if isinstance(figures, list) and len(figures) == 2:
            seconds, functions = figures
            if isinstance(seconds, int | float) and isinstance(functions, int) and seconds > 0 and functions > 0:
                return float(seconds), functions
    return sum(DEFAULT_COMPILE[e][0] for e in needed), sum(DEFAULT_COMPILE[e][1] for e in needed)


def about_seconds(seconds: float) -> str:
    """``about 40 s``, ``about 3 min``: a duration as a person says it."""
    if seconds < 90:
        return f"about {max(10, round(seconds / 10) * 10)} s"
    return f"about {round(seconds / 60)} min"


def compile_notice(seconds: float | None = None) -> str:
    """The line an interface shows while the engine compiles."""
    seconds = expected_compile()[0] if seconds is None else seconds
    return f"compiling the engine for this machine (first use only, {about_seconds(seconds)})"


@dataclass(frozen=True)
class WarmUp:
    """What :func:`warm_up` did.

    Attributes:
        seconds: How long it took (compiling, or loading from the cache).
        compiled: Functions numba compiled (0: everything came from the cache).
        entry_points: The entry points it prepared.
    """

    seconds: float
    compiled: int
    entry_points: tuple[str, ...] = COMMAND_ENTRY_POINTS


class _CompileCounter:
    """Counts the functions numba compiles while it is registered (numba's ``numba:compile`` events)."""

    def __init__(self, on_compiled: Callable[[int], None] | None = None) -> None:
        self.count = 0
        self.started = 0
        self._on_compiled = on_compiled
        self._lock = threading.Lock()

    def listener(self) -> Any:
        from numba.core import event

        counter = self

        class Listener(event.Listener):
            def on_start(self, event: Any) -> None:
                with counter._lock:
                    counter.started += 1

            def on_end(self, event: Any) -> None:
                with counter._lock:
                    counter.count += 1
                    count = counter.count
                if counter._on_compiled is not None:
                    counter._on_compiled(count)

        return Listener()


def warm_up(on_compiled: Callable[[int], None] | None = None, entry_points: tuple[str, ...] = ENTRY_POINTS) -> WarmUp:
    """Compile, or load from the cache, what the compiled engine's ``entry_points`` run.

    Runs :data:`WARM_UP_SCENARIO` once through each (see :data:`ENTRY_POINTS`). After a compile, writes the
    stamp :func:`engine_ready` reads, with the entry points, the time and the number of functions.

    Args:
        on_compiled: Called (from the compiling thread) with the number of functions compiled so far,
            each time numba finishes one.
        entry_points: Some of :data:`ENTRY_POINTS` (default: all; the command line needs only a batch).

    Returns:
        How long it took and how many functions numba compiled.

    Raises:
        ValueError: For an unknown entry point.
    """
    from numba.core import event

    entry_points = _check(entry_points)
    counter = _CompileCounter(on_compiled)
    listener = counter.listener()
    started = time.perf_counter()
    event.register("numba:compile", listener)
    try:
        _exercise(entry_points)
    finally:
        event.unregister("numba:compile", listener)
    result = WarmUp(time.perf_counter() - started, counter.count, entry_points)
    if result.compiled or not engine_ready(entry_points):
        _write_stamp(result)
    return result


_REFERENCE_RUNS = 4
"""Reference runs of the warm-up scenario: enough that the perception kernels it calls from Python run."""


def _exercise(entry_points: tuple[str, ...]) -> None:
    """One call of each of ``entry_points`` on :data:`WARM_UP_SCENARIO`."""
    from sim.engines.compiled.api import run_compiled, run_many
    from sim.engines.compiled.fork import continue_from, snapshot
    from sim.engines.compiled.tables import compile_scenario
    from sim.engines.reference.model import EscalationModel
    from sim.scenario.loader import load_scenario_data

    scenario = load_scenario_data(WARM_UP_SCENARIO)
    compiled = compile_scenario(scenario)
    if "batch" in entry_points:
        run_many(compiled, 0, [0])
    if "log" in entry_points:
        run_compiled(compiled, 0, 0, log=True)
    if "fork" in entry_points:
        paused = EscalationModel(scenario, seed=0, run=0)
        for _ in range(6):
            paused.step()
        continue_from(snapshot(paused), 1)
    if "reference" in entry_points:
        for run in range(_REFERENCE_RUNS):
            EscalationModel(scenario, seed=0, run=run).run()


def _write_stamp(result: WarmUp) -> None:
    """Record that these entry points are compiled here, and what compiling them took (best effort: an
    unwritable cache only loses the notice)."""
    path = cache_directory() / STAMP_NAME
    previous = _read_stamp(path)
    ready = _ready_entry_points(previous)
    compiles = previous.get("compiles") if previous.get("key") == engine_key() else None
    compiles = dict(compiles) if isinstance(compiles, dict) else {}
    newly = tuple(e for e in result.entry_points if e not in ready)
    if result.compiled and newly:
        compiles[_compile_name(newly)] = [round(result.seconds, 1), result.compiled]
    stamp = {
        "key": engine_key(),
        "entry_points": [e for e in ENTRY_POINTS if e in ready or e in result.entry_points],
        "compiles": compiles,
        "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{STAMP_NAME}.{os.getpid()}")
        partial.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
        partial.replace(path)


class EnginePreparation:
    """:func:`warm_up` in a background thread: the engine compiles while the caller does other work.

    Args:
        entry_points: What to prepare (:data:`ENTRY_POINTS`; default all, as the app needs).

    Attributes:
        cached: Whether the stamp said these entry points were compiled here already (known at once).
        expected_seconds: What compiling them should take here (:func:`expected_compile`).
        expected_functions: How many functions it should compile.
    """

    def __init__(self, entry_points: tuple[str, ...] = ENTRY_POINTS) -> None:
        self.entry_points = _check(entry_points)
        self.cached = engine_ready(self.entry_points)
        self.expected_seconds, self.expected_functions = expected_compile(self.entry_points)
        self.compiled = 0
        self.result: WarmUp | None = None
        self.error: BaseException | None = None
        self.started = time.perf_counter()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="flashpoint-engine-warm-up", daemon=True)

    def start(self) -> EnginePreparation:
        """Start the background thread; returns self."""
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.result = warm_up(self._count, self.entry_points)
        except BaseException as exc:  # handed to the waiting thread by wait()
            self.error = exc
        finally:
            self._done.set()

    def _count(self, compiled: int) -> None:
        self.compiled = compiled

    @property
    def done(self) -> bool:
        """Whether the warm-up has finished (successfully or not)."""
        return self._done.is_set()

    @property
    def compiling(self) -> bool:
        """Whether numba is compiling (the stamp said so, or a function was compiled)."""
        return not self.cached or self.compiled > 0

    @property
    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.started

    def wait(self, timeout: float | None = None) -> WarmUp | None:
        """Wait for the warm-up (in short steps, so Ctrl-C is honoured at once).

        Returns:
            What it did, or None if ``timeout`` passed first.

        Raises:
            Exception: Whatever the warm-up raised.
        """
        deadline = None if timeout is None else time.perf_counter() + timeout
        while not self._done.wait(0.1):
            if deadline is not None and time.perf_counter() >= deadline:
                return None
        if self.error is not None:
            raise self.error
        return self.result
