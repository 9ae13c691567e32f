"""Preparing the engine in the background when the app starts: never a silent stall.

The compiled engine and the model's kernels are numba functions: on a fresh install (or after the model
changed) they are compiled, which takes minutes; afterwards they load from numba's cache in seconds.
The app prepares them as soon as the server runs its first page:

1. a separate Python process compiles them into the cache (or finds them there) — another core, so
   the server stays responsive and the first page is drawn at once;
2. the server process then loads them from the cache in a background thread.

Meanwhile every page that needs the engine shows "preparing the engine" with the phase, the time it has
taken and an estimate of what is left (the durations of the last preparation on this machine, kept in
a small JSON file, or defaults), and work asked for meanwhile is queued behind it, never lost.

``python -m sim.app.engine_prep`` is step 1 on its own (what the background process runs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_SECONDS", "EnginePreparation", "EngineStatus", "cache_looks_warm", "warm_up"]

DEFAULT_SECONDS = {"compiling": 240.0, "loading": 20.0}
"""Estimates before this machine has prepared the engine once: a cold compile, a load from the cache."""
ROOT = Path(__file__).resolve().parents[2]
WARM_SCENARIO = ROOT / "scenarios" / "taiwan_strait.yaml"


def cache_looks_warm() -> bool:
    """Whether numba's cache seems to hold the compiled engine (so preparing it is a load, not a compile)."""
    folder = os.environ.get("NUMBA_CACHE_DIR")
    roots = [Path(folder)] if folder else [ROOT / "sim" / "engines" / "compiled" / "__pycache__"]
    return any(any(root.rglob("loop.run_ticks-*.nbi")) for root in roots if root.is_dir())


def warm_up() -> None:
    """Compile (or load) every numba function the app uses: Monte Carlo, a game's kernels, odds forks."""
    from sim import engines
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(WARM_SCENARIO)
    engines.run_many(scenario, 1, range(4))
    engines.run_one(scenario, 1, 0, log=True)
    game = engines.Wargame(scenario, 1, 0)
    game.step_hours(2)
    engines.continue_from(engines.snapshot(game.model), 2, seed=1, first_run=1 << 40)


@dataclass(frozen=True)
class EngineStatus:
    """Where the preparation stands.

    Attributes:
        phase: ``compiling`` (in a background process), ``loading`` (into the server), ``ready`` or ``failed``.
        elapsed: Seconds since it started (its total once ready).
        estimate: Seconds the whole preparation is expected to take.
        error: Why it failed (the app then prepares the engine on first use, as without this).
    """

    phase: str
    elapsed: float
    estimate: float
    error: str = ""

    @property
    def ready(self) -> bool:
        """Whether work can run now without waiting for the engine."""
        return self.phase in ("ready", "failed")

    @property
    def remaining(self) -> float:
        """Seconds left by the estimate (0 once over it)."""
        return max(0.0, self.estimate - self.elapsed)

    @property
    def fraction(self) -> float:
        """Share of the estimate done (never 1 before it is ready)."""
        return 1.0 if self.ready else min(0.99, self.elapsed / self.estimate if self.estimate else 0.0)

    def text(self) -> str:
        """One sentence for the page."""
        if self.phase == "ready":
            return f"The engine is ready (prepared in {_duration(self.elapsed)})."
        if self.phase == "failed":
            return f"Preparing the engine in the background failed ({self.error}); it is prepared on first use."
        what = (
            "compiling the engine (the first start after an install or a model change)"
            if self.phase == "compiling"
            else "loading the compiled engine"
        )
        if self.elapsed <= self.estimate:
            left = f"about {_duration(self.remaining)} left"
        else:
            left = f"taking longer than the {_duration(self.estimate)} expected"
        return f"Preparing the engine: {what} — {_duration(self.elapsed)} so far, {left}."


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


class EnginePreparation:
    """The engine's preparation for one server process.

    Args:
        estimates_file: Where the durations of the last preparation are kept (None: defaults only).
        background: Prepare in a background process and thread (False: the engine is prepared on first use,
            as in tests that run the pages inline; it is reported ready at once).
    """

    def __init__(self, estimates_file: Path | None = None, background: bool = True) -> None:
        self.estimates_file = estimates_file
        self.background = background
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._phase = "compiling"
        self._error = ""
        self._started = time.monotonic()
        self._finished: float | None = None
        self._estimate = DEFAULT_SECONDS["compiling"] + DEFAULT_SECONDS["loading"]
        self._thread: threading.Thread | None = None

    def start(self) -> EnginePreparation:
        """Begin preparing (once)."""
        if not self.background:
            self._finish("ready")
            return self
        with self._lock:
            if self._thread is not None:
                return self
            cold = not cache_looks_warm()
            known = self._estimates()
            self._phase = "compiling" if cold else "loading"
            first = known.get(self._phase, DEFAULT_SECONDS[self._phase])
            self._estimate = first + known.get("in_server", DEFAULT_SECONDS["loading"] / 2)
            self._started = time.monotonic()
            self._thread = threading.Thread(target=self._run, args=(cold,), name="flashpoint-engine", daemon=True)
            self._thread.start()
        return self

    def status(self) -> EngineStatus:
        """The phase, elapsed time and estimate now."""
        with self._lock:
            end = self._finished if self._finished is not None else time.monotonic()
            return EngineStatus(self._phase, end - self._started, self._estimate, self._error)

    @property
    def ready(self) -> bool:
        """Whether the engine is prepared (or its preparation failed and it will be prepared on first use)."""
        return self._ready.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the preparation ends; returns whether it has."""
        return self._ready.wait(timeout)

    # ------------------------------------------------------------------ the work

    def _run(self, cold: bool) -> None:
        try:
            t0 = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "sim.app.engine_prep"],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])},
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError((done.stderr.strip().splitlines() or ["no message"])[-1])
            first = time.monotonic() - t0
            with self._lock:
                self._phase = "loading"
            t1 = time.monotonic()
            warm_up()
            self._save({"compiling" if cold else "loading": first, "in_server": time.monotonic() - t1})
            self._finish("ready")
        except Exception as exc:  # the app still works: the engine is then prepared on first use
            with self._lock:
                self._error = f"{type(exc).__name__}: {exc}"
            self._finish("failed")

    def _finish(self, phase: str) -> None:
        with self._lock:
            self._phase = phase
            self._finished = time.monotonic()
        self._ready.set()

    def _estimates(self) -> dict[str, float]:
        if self.estimates_file is None:
            return {}
        try:
            data = json.loads(self.estimates_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: float(v) for k, v in data.items() if k in ("compiling", "loading", "in_server")}

    def _save(self, seconds: dict[str, float]) -> None:
        if self.estimates_file is None:
            return
        try:
            known = {**self._estimates(), **{k: round(v, 1) for k, v in seconds.items()}}
            self.estimates_file.parent.mkdir(parents=True, exist_ok=True)
            self.estimates_file.write_text(json.dumps(known), encoding="utf-8")
        except OSError:
            pass  # an estimate is a convenience: never a reason to fail


if __name__ == "__main__":
    warm_up()
