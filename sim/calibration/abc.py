"""ABC-SMC with MCMC moves: tolerances, evaluations on processes or Dask, a resumable SQLite history, progress per
generation, and the posterior file that ``--posterior`` reads (docs/calibration.md §3).

**Why not importance weights.** The classic ABC-SMC (Toni et al. 2009; Beaumont et al. 2009; pyabc's ``ABCSMC``)
proposes each generation from a kernel density of the last one and corrects with importance weights
π(θ)/q(θ). With the twenty-one parameters of calibration/targets.yaml those weights collapse within two
generations whatever the kernel (an effective sample size of 1–3 of 60 measured with pyabc 0.13, on bounded,
logistic and normal sampling scales): the kernel density of a few hundred particles cannot follow the
posterior in twenty dimensions. The shipped nine-parameter fit of Calibration 1 already ended at 72 of 200.

**The algorithm** (Del Moral, Doucet & Jasra 2012, "An adaptive sequential Monte Carlo method for approximate
Bayesian computation"; Drovandi & Pettitt 2011 for the adaptive number of moves). Particles are equally
weighted throughout, on the sampling scale z of :func:`to_values` (every parameter as a standard normal
variable, its prior exactly):

1. generation 0: N particles from the prior, each simulated once;
2. each next generation lowers the tolerance to ε_t = max(min_epsilon, the ``ALIVE`` quantile of the current
   distances) — half the particles stay *alive* (distance ≤ ε_t): that share of N is the generation's
   effective sample size — and resamples N particles from the alive ones;
3. then moves every particle by Metropolis–Hastings steps that leave the ABC posterior at ε_t invariant:
   propose z′ = z + N(0, (2.38² / P) Σ̂) (Σ̂ the alive particles' covariance), simulate it, and accept if its
   distance is at most ε_t and u < π(z′)/π(z); steps repeat until nine particles in ten have moved at least
   once (R = ⌈log 0.1 / log(1 − a)⌉ steps at the acceptance rate a of the first, at most :data:`MAX_MOVES`);
4. it stops after the generation whose tolerance reached ``min_epsilon``, after ``generations``, or when a
   generation's moves accept fewer than ``min_acceptance_rate`` of their proposals (the report says which).

The posterior is the last generation's N particles, equally weighted; its report counts the distinct ones.

**The distance** between simulated statistics s and observed values o is ``sqrt(Σ (s_i − o_i)² / (sd_i² + v_i))``
over the targets (role ``target``; checks are left out): each target counts in units of its own uncertainty
*and* of the simulation noise v_i of its statistic at the evaluation's number of runs (measured once per
calibration by :func:`simulation_noise`, stored in the history), so that at the true parameters each term is
about one and the distance about √(number of targets) whatever the runs per evaluation. ``min_epsilon``
defaults to that √(number of targets): on average every target within one combined SD.

**Randomness and resuming.** Every evaluation's seed is a hash of the targets' seed and its parameter values;
the proposals and resampling of generation t come from ``numpy.random.default_rng((seed, t, step))``. A
calibration is therefore the same on one worker, several, or a Dask cluster. Each finished generation is
written to the SQLite history in one transaction; the same command resumes after the last one (a generation
killed midway is computed again, identically).
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from sim.calibration.simulator import Simulator
from sim.calibration.targets import Targets, load_targets
from sim.scenario import load_scenario
from sim.scenario.fingerprint import model_fingerprint

__all__ = [
    "POSTERIOR_FORMAT",
    "CalibrationError",
    "Generation",
    "History",
    "Settings",
    "calibrate",
    "posterior_draws",
    "simulation_noise",
    "to_values",
    "write_posterior",
]

POSTERIOR_FORMAT = "flashpoint-posterior/2"
"""``format`` of a posterior file (read by ``--posterior``, sim.experiments.posterior)."""

ALIVE = 0.5
"""Share of the particles kept alive when a generation lowers the tolerance (its effective sample size)."""

MOVED = 0.9
"""Share of the particles the MCMC moves of a generation aim to have moved at least once."""

MAX_MOVES = 12
"""Most MCMC steps per particle and generation."""

NOISE_REPLICATES = 8
"""Evaluations (each with its own seed) that measure the simulation noise of every statistic."""

SCHEME = (
    "flashpoint-abc/6: ABC-SMC with MCMC moves (Del Moral et al. 2012), every parameter as a standard normal z; "
    "alive share 0.5; distance over the targets in units of sqrt(SD^2 + measured simulation noise)"
)
"""The algorithm; part of a history's identity (a history of another scheme is not resumed)."""


class CalibrationError(Exception):
    """A calibration that cannot go on (for example a history made from other targets)."""


@dataclass(frozen=True)
class Settings:
    """How to run ABC-SMC.

    Attributes:
        population: Particles per generation (N).
        generations: Most generations in all, generation 0 included (a resumed run counts those already done).
        min_epsilon: The tolerance to reach (default: sqrt(number of targets)).
        min_acceptance_rate: Stop when a generation's moves accept fewer than this share of their proposals.
        workers: Processes evaluating in parallel on this machine (ignored with ``scheduler``).
        scheduler: Address of a Dask scheduler (``tcp://host:port``) to evaluate on, or None.
    """

    population: int = 200
    generations: int = 8
    min_epsilon: float | None = None
    min_acceptance_rate: float = 0.01
    workers: int = 1
    scheduler: str | None = None


@dataclass(frozen=True)
class Generation:
    """One finished generation, as the progress line reports it.

    Attributes:
        t: Its index (0: the prior).
        epsilon: Its tolerance.
        ess: Particles alive when the tolerance was lowered (equal weights: the effective sample size).
        distinct: Distinct particles after the moves.
        accepted: MCMC proposals accepted (generation 0: particles).
        evaluations: Simulations run.
        moves: MCMC steps per particle.
        seconds: Wall time.
    """

    t: int
    epsilon: float
    ess: float
    distinct: int
    accepted: int
    evaluations: int
    moves: int
    seconds: float

    @property
    def acceptance(self) -> float:
        """Share of the generation's evaluations accepted."""
        return self.accepted / self.evaluations if self.evaluations else math.nan

    def line(self) -> str:
        """The progress line."""
        return (
            f"generation {self.t}: epsilon {self.epsilon:.3g}, effective sample size {self.ess:.0f}, "
            f"{self.moves} moves accepted {self.accepted} of {self.evaluations} (acceptance {self.acceptance:.3f}), "
            f"{self.distinct} distinct particles, {self.seconds:.0f} s"
        )


# --------------------------------------------------------------------------- the sampling scale


def _sampling_bounds(prior) -> tuple[float, float]:
    if prior.kind == "log_uniform":
        return math.log(prior.low), math.log(prior.high)
    return prior.low, prior.high


def to_values(targets: Targets, sampled: np.ndarray) -> np.ndarray:
    """Parameter values from the sampling scale: ``a + (b − a) Φ(z)`` (then ``exp`` for a log-uniform prior).

    A parameter whose prior is uniform on [a, b] (on the logarithm for a log-uniform prior) is a standard normal
    z on this scale: nothing is lost at a bound when a particle moves, and the prior is smooth everywhere.
    """
    from scipy.special import ndtr

    z = np.asarray(sampled, dtype=float)
    values = np.empty_like(z)
    for j, p in enumerate(targets.parameters):
        low, high = _sampling_bounds(p.prior)
        scaled = low + (high - low) * ndtr(z[..., j])
        values[..., j] = np.exp(scaled) if p.prior.kind == "log_uniform" else scaled
        values[..., j] = np.clip(values[..., j], p.prior.low, p.prior.high)  # exp(log(x)) may pass x by a bit
    return values


# --------------------------------------------------------------------------- distance and noise


def simulation_noise(targets: Targets, threads: int | None = None) -> dict[str, float]:
    """The variance of every target's statistic between evaluations with different seeds, at the middle of the
    priors: the Monte Carlo noise one evaluation's runs leave in it (:data:`NOISE_REPLICATES` evaluations,
    seeds derived from the targets' seed)."""
    simulator = Simulator(targets, threads, checks=False)
    middle = list(to_values(targets, np.zeros(len(targets.parameters))))
    runs = [simulator(middle, seed=targets.seed + 7919 * (r + 1)) for r in range(NOISE_REPLICATES)]
    return {name: float(np.var([r[name] for r in runs], ddof=1)) for name in runs[0]}


def distance(targets: Targets, noise: dict[str, float], stats: dict[str, float]) -> float:
    """``sqrt(Σ (s_i − o_i)² / (sd_i² + v_i))`` over the targets (NaN statistics count as infinitely far)."""
    total = 0.0
    for t in targets.fitted:
        s = stats[t.name]
        if not math.isfinite(s):
            return math.inf
        total += (s - t.observed) ** 2 / (t.sd**2 + noise.get(t.name, 0.0))
    return math.sqrt(total)


# --------------------------------------------------------------------------- evaluating


_SIMULATORS: dict[tuple[str, int | None], Simulator] = {}


def evaluate(targets_path: str, threads: int | None, values: Sequence[float]) -> dict[str, float]:
    """The targets' statistics at ``values`` (module level, so processes and Dask workers can run it; each
    keeps its simulator, compiled once)."""
    key = (targets_path, threads)
    if key not in _SIMULATORS:
        _SIMULATORS[key] = Simulator(load_targets(targets_path), threads, checks=False)
    return _SIMULATORS[key](list(values))


@contextmanager
def _evaluator(targets_path: str, settings: Settings) -> Iterator[Callable[[np.ndarray], list[dict[str, float]]]]:
    """A function from parameter sets (rows) to their statistics, on this process, local processes or Dask."""
    if settings.scheduler:
        from distributed import Client

        with Client(settings.scheduler) as client:

            def on_dask(rows: np.ndarray) -> list[dict[str, float]]:
                futures = client.map(evaluate, [targets_path] * len(rows), [1] * len(rows), rows.tolist(), pure=False)
                return client.gather(futures)

            yield on_dask
    elif settings.workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")  # no fork after the compiled engine's OpenMP threads
        with ProcessPoolExecutor(settings.workers, mp_context=context) as pool:

            def on_pool(rows: np.ndarray) -> list[dict[str, float]]:
                chunk = max(1, len(rows) // (4 * settings.workers))
                return list(
                    pool.map(evaluate, [targets_path] * len(rows), [1] * len(rows), rows.tolist(), chunksize=chunk)
                )

            yield on_pool
    else:

        def here(rows: np.ndarray) -> list[dict[str, float]]:
            return [evaluate(targets_path, None, row) for row in rows.tolist()]

        yield here


# --------------------------------------------------------------------------- the history


def targets_digest(path: str | Path) -> str:
    """SHA-256 of the targets file and the algorithm (a history of other targets is not resumed)."""
    return hashlib.sha256(Path(path).read_bytes() + SCHEME.encode()).hexdigest()


class History:
    """The SQLite history of a calibration: its meta information, every generation and its particles.

    Attributes:
        path: The database file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with self._connect() as db:
            db.executescript(
                """
                create table if not exists meta (key text primary key, value text not null);
                create table if not exists generations (
                    t integer primary key, epsilon real, ess real, distinct_particles integer, accepted integer,
                    evaluations integer, moves integer, seconds real);
                create table if not exists particles (
                    t integer, i integer, z text, distance real, primary key (t, i));
                """
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=60)

    def meta(self) -> dict[str, str]:
        """The meta information (``targets_sha256``, ``targets``, ``noise``, ``scheme``)."""
        with self._connect() as db:
            return dict(db.execute("select key, value from meta").fetchall())

    def start(self, meta: dict[str, str]) -> None:
        """Record the meta information of a new calibration."""
        with self._connect() as db:
            db.executemany("insert or replace into meta values (?, ?)", list(meta.items()))

    def add(self, generation: Generation, z: np.ndarray, distances: np.ndarray) -> None:
        """Record a finished generation and its particles, in one transaction."""
        with self._connect() as db:
            db.execute(
                "insert or replace into generations values (?, ?, ?, ?, ?, ?, ?, ?)",
                (generation.t, generation.epsilon, generation.ess, generation.distinct, generation.accepted,
                 generation.evaluations, generation.moves, generation.seconds),
            )  # fmt: skip
            db.executemany(
                "insert or replace into particles values (?, ?, ?, ?)",
                [
                    (generation.t, i, json.dumps(row), float(d))
                    for i, (row, d) in enumerate(zip(z.tolist(), distances, strict=True))
                ],
            )

    @property
    def generations(self) -> list[Generation]:
        """Every finished generation, in order."""
        with self._connect() as db:
            rows = db.execute("select * from generations order by t").fetchall()
        return [Generation(int(r[0]), r[1], r[2], int(r[3]), int(r[4]), int(r[5]), int(r[6]), r[7]) for r in rows]

    @property
    def max_t(self) -> int:
        """The last finished generation (−1: none)."""
        gens = self.generations
        return gens[-1].t if gens else -1

    def particles(self, t: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Generation ``t``'s particles on the sampling scale (N × P) and their distances (default: the last)."""
        t = self.max_t if t is None else t
        with self._connect() as db:
            rows = db.execute("select z, distance from particles where t = ? order by i", (t,)).fetchall()
        return np.array([json.loads(r[0]) for r in rows], dtype=float), np.array([r[1] for r in rows], dtype=float)


# --------------------------------------------------------------------------- the run


def calibrate(
    targets_path: str | Path,
    db_path: str | Path,
    settings: Settings = Settings(),
    progress: Callable[[Generation], None] | None = None,
) -> History:
    """Run (or resume) ABC-SMC with MCMC moves; returns the history.

    Args:
        targets_path: The targets file.
        db_path: The SQLite history. If it holds a calibration of the same targets, it is resumed: the
            generations already there count towards ``settings.generations``.
        settings: Population, stopping rules and where evaluations run.
        progress: Called once per finished generation.

    Raises:
        CalibrationError: The history was made from a different targets file or algorithm.
    """
    targets = load_targets(targets_path)
    targets_path = str(Path(targets_path).resolve())
    history = History(db_path)
    digest = targets_digest(targets_path)
    meta = history.meta()
    if meta and meta.get("targets_sha256") != digest:
        raise CalibrationError(
            f"{db_path} holds a calibration of other targets (or another version of them): use another --out"
        )
    if not meta:
        noise = simulation_noise(targets, 1 if settings.workers > 1 or settings.scheduler else None)
        meta = {"targets_sha256": digest, "targets": targets_path, "noise": json.dumps(noise), "scheme": SCHEME}
        meta["population"] = str(settings.population)
        history.start(meta)
    noise = json.loads(meta["noise"])
    population = int(meta["population"])
    min_epsilon = settings.min_epsilon if settings.min_epsilon is not None else math.sqrt(len(targets.fitted))
    with _evaluator(targets_path, settings) as run:
        sampler = _Sampler(targets, noise, run, population, settings)
        while history.max_t + 1 < settings.generations and not _finished(history, min_epsilon, settings):
            t = history.max_t + 1
            started = time.perf_counter()
            if t == 0:
                z, d, generation = sampler.first()
            else:
                previous_z, previous_d = history.particles()
                z, d, generation = sampler.next(t, previous_z, previous_d, min_epsilon)
            generation = Generation(**{**generation.__dict__, "seconds": time.perf_counter() - started})
            history.add(generation, z, d)
            if progress:
                progress(generation)
    return history


def _finished(history: History, min_epsilon: float, settings: Settings) -> bool:
    gens = history.generations
    if not gens or gens[-1].t == 0:
        return False
    last = gens[-1]
    return last.epsilon <= min_epsilon or last.acceptance < settings.min_acceptance_rate


def stop_reason(history: History, min_epsilon: float, settings: Settings) -> str:
    """Why the calibration stopped: the tolerance reached, the moves' acceptance, or the generations."""
    last = history.generations[-1]
    if last.t > 0 and last.epsilon <= min_epsilon:
        return f"the tolerance reached --min-epsilon {min_epsilon:.3g}"
    if last.t > 0 and last.acceptance < settings.min_acceptance_rate:
        return f"the moves accepted {last.acceptance:.3f} of their proposals, below {settings.min_acceptance_rate:g}"
    return f"--generations {settings.generations} ran out"


class _Sampler:
    """The steps of the algorithm (module docstring) for one calibration."""

    def __init__(self, targets: Targets, noise: dict[str, float], run, population: int, settings: Settings) -> None:
        self.targets, self.noise, self.run = targets, noise, run
        self.n, self.dims = population, len(targets.parameters)
        self.seed = targets.seed

    def _distances(self, z: np.ndarray) -> np.ndarray:
        stats = self.run(to_values(self.targets, z))
        return np.array([distance(self.targets, self.noise, s) for s in stats])

    def first(self) -> tuple[np.ndarray, np.ndarray, Generation]:
        """Generation 0: the prior."""
        z = np.random.default_rng((self.seed, 0)).standard_normal((self.n, self.dims))
        d = self._distances(z)
        epsilon = float(np.max(d[np.isfinite(d)])) if np.any(np.isfinite(d)) else math.inf
        return z, d, Generation(0, epsilon, float(self.n), self.n, self.n, self.n, 0, 0.0)

    def next(
        self, t: int, z: np.ndarray, d: np.ndarray, min_epsilon: float
    ) -> tuple[np.ndarray, np.ndarray, Generation]:
        """Lower the tolerance, resample the alive particles, move them."""
        epsilon = max(min_epsilon, float(np.quantile(d, ALIVE)))
        alive = np.flatnonzero(d <= epsilon)
        rng = np.random.default_rng((self.seed, t, 0))
        chosen = alive[np.minimum((rng.random() + np.arange(self.n)) * len(alive) / self.n, len(alive) - 1).astype(int)]
        z, d = z[chosen].copy(), d[chosen].copy()
        cov = np.atleast_2d(np.cov(z, rowvar=False)) if len(alive) > 1 else np.eye(self.dims)
        cov = (2.38**2 / self.dims) * (cov + 1e-9 * np.eye(self.dims))
        moved = np.zeros(self.n, dtype=bool)
        accepted = evaluations = steps = 0
        planned = MAX_MOVES
        while steps < planned:
            steps += 1
            step_rng = np.random.default_rng((self.seed, t, steps))
            proposal = z + step_rng.multivariate_normal(np.zeros(self.dims), cov, size=self.n, method="cholesky")
            log_ratio = -0.5 * (np.sum(proposal**2, axis=1) - np.sum(z**2, axis=1))
            prior_ok = np.log(step_rng.random(self.n)) < log_ratio
            candidates = np.flatnonzero(prior_ok)  # a proposal the prior refuses needs no simulation
            new_d = np.full(self.n, np.inf)
            if candidates.size:
                new_d[candidates] = self._distances(proposal[candidates])
            evaluations += int(candidates.size)
            ok = prior_ok & (new_d <= epsilon)
            z[ok], d[ok] = proposal[ok], new_d[ok]
            moved |= ok
            accepted += int(ok.sum())
            if steps == 1:
                rate = ok.mean()
                planned = (
                    MAX_MOVES
                    if rate <= 0
                    else min(MAX_MOVES, max(1, math.ceil(math.log(1 - MOVED) / math.log(1 - min(rate, 0.999)))))
                )
        distinct = int(np.unique(z, axis=0).shape[0])
        return z, d, Generation(t, epsilon, float(len(alive)), distinct, accepted, max(evaluations, 1), steps, 0.0)


# --------------------------------------------------------------------------- the posterior


def posterior_draws(history: History, targets: Targets, k: int, seed: int) -> np.ndarray:
    """``k`` equally weighted draws from the last generation (systematic resampling of its equal-weight particles).

    Returns:
        An array ``k x parameters`` of parameter values, columns in the order of the targets file.
    """
    z, _ = history.particles()
    u = (np.random.default_rng(seed).random() + np.arange(k)) / k
    index = np.minimum((u * len(z)).astype(int), len(z) - 1)
    return to_values(targets, z[index])


def effective_sample_size(history: History) -> float:
    """The last generation's effective sample size (its alive particles; equal weights)."""
    return history.generations[-1].ess


def write_posterior(path: str | Path, targets: Targets, draws: np.ndarray, source: dict[str, Any]) -> Path:
    """Write the posterior file (``format`` :data:`POSTERIOR_FORMAT`) that ``--posterior`` reads.

    It is bound to the targets' scenario (its name and :func:`~sim.scenario.fingerprint.model_fingerprint`
    without the fitted fields) and records each parameter's prior; the draws are written to six significant
    digits, kept inside their priors.
    """
    path = Path(path)
    fitted = [p.path for p in targets.parameters]
    scenario = load_scenario(targets.resolve(targets.scenario))
    rows = []
    for row in draws:
        rows.append(
            [
                min(max(float(f"{v:.6g}"), p.prior.low), p.prior.high)
                for v, p in zip(row, targets.parameters, strict=True)
            ]
        )
    document = {
        "format": POSTERIOR_FORMAT,
        "scenario": {"name": Path(targets.scenario).stem, "sha256": model_fingerprint(scenario, fitted)},
        "parameters": fitted,
        "priors": [{"kind": p.prior.kind, "low": p.prior.low, "high": p.prior.high} for p in targets.parameters],
        "draws": rows,
        "source": {**source, "written": datetime.now(UTC).isoformat(timespec="seconds")},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return path
