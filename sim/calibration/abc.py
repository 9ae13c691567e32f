"""ABC-SMC calibration with pyabc: priors, distance, samplers, a resumable SQLite history, progress per generation,
and the posterior file that ``--posterior`` reads (docs/calibration.md).

The distance between simulated statistics s and observed values o is the weighted Euclidean norm
``sqrt(sum((s_i - o_i)^2 / (sd_i^2 + v_i)))`` over the targets (role ``target``; checks are left out): each
target counts in units of its own uncertainty *and* of the simulation noise v_i of its statistic at the
evaluation's number of runs (measured once per calibration, :func:`simulation_noise`), so that at the true
parameters each term is about one and the distance about sqrt(number of targets), whatever the runs per
evaluation. pyabc's adaptive (median) schedule lowers the tolerance from generation to generation; the run
stops at ``generations``, at ``min_epsilon`` (default ``sqrt(number of targets)``: on average every target
within one combined SD), or when the acceptance rate falls below ``min_acceptance_rate``.

Randomness: the simulations are counter-based (every evaluation's seed is a hash of the targets' seed and its
parameter values); pyabc draws its proposals from numpy's global generator, which :func:`calibrate` seeds from
the targets' seed. With one worker a calibration is reproducible; with several (processes or Dask) the order in
which evaluations finish, and so which are accepted, can differ from run to run.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
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
    "Settings",
    "calibrate",
    "posterior_draws",
    "to_values",
    "write_posterior",
]

POSTERIOR_FORMAT = "flashpoint-posterior/2"
"""``format`` of a posterior file (read by ``--posterior``, sim.experiments.posterior)."""


class CalibrationError(Exception):
    """A calibration that cannot go on (for example a history made from other targets)."""


@dataclass(frozen=True)
class Settings:
    """How to run ABC-SMC.

    Attributes:
        population: Particles per generation.
        generations: Most generations in all (a resumed run counts those already in the history).
        min_epsilon: Stop once the tolerance is at or below this (default: sqrt(number of targets)).
        min_acceptance_rate: Stop when a generation accepts fewer than this share of its evaluations.
        workers: Processes evaluating in parallel on this machine (ignored with ``scheduler``).
        scheduler: Address of a Dask scheduler (``tcp://host:port``) to evaluate on, or None.
    """

    population: int = 200
    generations: int = 8
    min_epsilon: float | None = None
    min_acceptance_rate: float = 0.005
    workers: int = 1
    scheduler: str | None = None


@dataclass(frozen=True)
class Generation:
    """One finished generation, as the progress line reports it."""

    t: int
    epsilon: float
    accepted: int
    evaluations: int
    ess: float
    seconds: float

    @property
    def acceptance(self) -> float:
        """Share of the generation's evaluations accepted."""
        return self.accepted / self.evaluations if self.evaluations else math.nan

    def line(self) -> str:
        """The progress line."""
        return (
            f"generation {self.t}: epsilon {self.epsilon:.3g}, accepted {self.accepted} of {self.evaluations} "
            f"(acceptance {self.acceptance:.3f}), effective sample size {self.ess:.0f}, {self.seconds:.0f} s"
        )


def _name(i: int) -> str:
    return f"p{i}"


class Model:
    """The pyabc model: a parameter dict in, the targets' statistics out (picklable: workers load the file).

    Args:
        targets_path: The targets file.
        threads: numba threads per evaluation.
    """

    def __init__(self, targets_path: str, threads: int | None) -> None:
        self.targets_path = targets_path
        self.threads = threads
        self._simulator: Simulator | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"targets_path": self.targets_path, "threads": self.threads, "_simulator": None}

    def __call__(self, parameters: dict[str, float]) -> dict[str, float]:
        if self._simulator is None:
            self._simulator = Simulator(load_targets(self.targets_path), self.threads, checks=False)
        sampled = [float(parameters[_name(i)]) for i in range(len(self._simulator.paths))]
        return self._simulator(list(to_values(self._simulator.targets, np.array(sampled))))


def prior(targets: Targets):
    """The pyabc prior: independent uniforms on the sampling scale (the logarithm for a log-uniform prior).

    pyabc perturbs particles with a Gaussian kernel; on the logarithm of a rate that spans decades the kernel
    and the prior agree in shape, and the importance weights stay balanced (in the rate itself, particles near
    the lower bound would carry most of the weight).
    """
    import pyabc

    rvs = {}
    for i, p in enumerate(targets.parameters):
        low, high = _sampling_bounds(p.prior)
        rvs[_name(i)] = pyabc.RV("uniform", low, high - low)
    return pyabc.Distribution(**rvs)


def _sampling_bounds(prior) -> tuple[float, float]:
    if prior.kind == "log_uniform":
        return math.log(prior.low), math.log(prior.high)
    return prior.low, prior.high


def to_values(targets: Targets, sampled: np.ndarray) -> np.ndarray:
    """Parameter values from pyabc's sampling scale (``exp`` of the log-uniform ones); rows are parameter sets."""
    values = np.array(sampled, dtype=float, copy=True)
    for j, p in enumerate(targets.parameters):
        if p.prior.kind == "log_uniform":
            values[..., j] = np.exp(values[..., j])
    return values


def distance(targets: Targets, noise: dict[str, float] | None = None):
    """Weighted Euclidean distance over the targets, each in units of sqrt(SD² + simulation noise variance)."""
    import pyabc

    noise = noise or {}
    weights = {t.name: 1.0 / math.sqrt(t.sd**2 + noise.get(t.name, 0.0)) for t in targets.fitted}
    return pyabc.PNormDistance(p=2, fixed_weights=weights)


NOISE_REPLICATES = 8
"""Evaluations (each with its own seed) that measure the simulation noise of every statistic."""


def simulation_noise(targets: Targets, threads: int | None = None) -> dict[str, float]:
    """The variance of every target's statistic between evaluations with different seeds, at the middle of the
    priors: the Monte Carlo noise one evaluation's runs leave in it (:data:`NOISE_REPLICATES` evaluations,
    seeds derived from the targets' seed)."""
    simulator = Simulator(targets, threads, checks=False)
    middle = [_prior_middle(p.prior) for p in targets.parameters]
    runs = [simulator(middle, seed=targets.seed + 7919 * (r + 1)) for r in range(NOISE_REPLICATES)]
    return {name: float(np.var([r[name] for r in runs], ddof=1)) for name in runs[0]}


def _prior_middle(prior) -> float:
    return math.sqrt(prior.low * prior.high) if prior.kind == "log_uniform" else 0.5 * (prior.low + prior.high)


KERNEL_SCALING = 2.0
"""Width of pyabc's Gaussian perturbation kernel, in multiples of Silverman's bandwidth. With nine parameters
the default (1) let a handful of particles carry all the importance weight (an effective sample size under 10
of 200, and a tolerance that stalled); twice as wide keeps it near half the population, at the cost of more
evaluations per generation."""

SAMPLING_SCHEME = (
    "flashpoint-abc/4: uniform priors on the log scale for log-uniform parameters; Gaussian kernel x2 Silverman; "
    "distance over the targets in units of sqrt(SD^2 + measured simulation noise)"
)
"""How particles map to parameters; part of a history's identity (a history of another scheme is not resumed)."""


def targets_digest(path: str | Path) -> str:
    """SHA-256 of the targets file and the sampling scheme (a history of other targets is not resumed)."""
    return hashlib.sha256(Path(path).read_bytes() + SAMPLING_SCHEME.encode()).hexdigest()


class _Progress(logging.Handler):
    """Turns pyabc's log records into one :class:`Generation` per finished generation."""

    _EPS = re.compile(r"^t: (\d+), eps: ([-+0-9.eE]+)\.")
    _ACC = re.compile(r"^Accepted: (\d+) / (\d+) = [-+0-9.eE]+, ESS: ([-+0-9.eE]+)\.")

    def __init__(self, report: Callable[[Generation], None]) -> None:
        super().__init__(logging.INFO)
        self.report = report
        self.t, self.eps, self.started = 0, math.nan, time.perf_counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if match := self._EPS.match(message):
            self.t, self.eps, self.started = int(match[1]), float(match[2]), time.perf_counter()
        elif match := self._ACC.match(message):
            seconds = time.perf_counter() - self.started
            self.report(Generation(self.t, self.eps, int(match[1]), int(match[2]), float(match[3]), seconds))


@contextmanager
def _progress_instead_of_pyabc_logs(progress: Callable[[Generation], None] | None) -> Iterator[None]:
    """pyabc's console log is replaced by one progress line per generation (restored afterwards)."""
    logger = logging.getLogger("ABC")
    own, level = list(logger.handlers), logger.level
    for h in own:
        logger.removeHandler(h)
    logger.setLevel(logging.INFO)
    handler = _Progress(progress) if progress else None
    if handler:
        logger.addHandler(handler)
    try:
        yield
    finally:
        if handler:
            logger.removeHandler(handler)
        for h in own:
            logger.addHandler(h)
        logger.setLevel(level)


def _sampler(settings: Settings, client):
    from pyabc.sampler import DaskDistributedSampler, MulticoreEvalParallelSampler, SingleCoreSampler

    if client is not None:
        return DaskDistributedSampler(client, batch_size=1)
    if settings.workers > 1:
        return MulticoreEvalParallelSampler(n_procs=settings.workers)
    return SingleCoreSampler()


def calibrate(
    targets_path: str | Path,
    db_path: str | Path,
    settings: Settings = Settings(),
    progress: Callable[[Generation], None] | None = None,
):
    """Run (or resume) ABC-SMC; returns pyabc's ``History``.

    Args:
        targets_path: The targets file.
        db_path: The SQLite history. If it holds a calibration of the same targets, it is resumed: the
            generations already there count towards ``settings.generations``.
        settings: Population, stopping rules and where evaluations run.
        progress: Called once per finished generation.

    Raises:
        CalibrationError: The history was made from a different targets file, or ``workers > 1`` in a process
            whose compiled kernels already started OpenMP threads (pyabc's process sampler forks).
    """
    import pyabc

    targets = load_targets(targets_path)
    if settings.workers > 1 and not settings.scheduler:
        _refuse_fork_after_openmp()
    db_path = Path(db_path).resolve()
    threads = 1 if settings.workers > 1 or settings.scheduler else None
    model = Model(str(Path(targets_path).resolve()), threads)
    np.random.seed(targets.seed % 2**32)  # pyabc proposes from numpy's global generator (see module docstring)
    with ExitStack() as stack:
        stack.enter_context(_progress_instead_of_pyabc_logs(progress))
        client = None
        if settings.scheduler:
            from distributed import Client

            client = stack.enter_context(Client(settings.scheduler))
        noise = _stored_noise(db_path) or simulation_noise(targets, threads)
        abc = pyabc.ABCSMC(
            model,
            prior(targets),
            distance(targets, noise),
            population_size=settings.population,
            transitions=pyabc.MultivariateNormalTransition(scaling=KERNEL_SCALING),
            sampler=_sampler(settings, client),
        )
        return _run(abc, targets, targets_path, db_path, settings, noise)


def _refuse_fork_after_openmp() -> None:
    """pyabc's process sampler forks; a process whose compiled kernels already started GNU OpenMP threads cannot.

    Raises:
        CalibrationError: This process already ran the compiled engine on the OpenMP threading layer.
    """
    import numba

    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel kernel has run in this process: forking is safe
        return
    if layer == "omp":
        raise CalibrationError(
            "this process already ran the compiled engine on GNU OpenMP threads, which cannot fork; calibrate with "
            "workers=1, on a Dask scheduler, or in a process that has not run simulations yet"
        )


def _run(abc, targets: Targets, targets_path, db_path: Path, settings: Settings, noise: dict[str, float]):
    """Start or resume the history, then run the generations that remain."""
    db_url = f"sqlite:///{db_path}"
    digest = targets_digest(targets_path)
    done = _resume(abc, db_url, db_path, digest)
    if done is None:
        observed = {t.name: t.observed for t in targets.fitted}
        meta = {"targets_sha256": digest, "targets": str(targets_path), "noise": json.dumps(noise)}
        abc.new(db_url, observed, meta_info=meta)
        done = 0
    remaining = settings.generations - done
    min_epsilon = settings.min_epsilon if settings.min_epsilon is not None else math.sqrt(len(targets.fitted))
    if remaining > 0:
        abc.run(
            minimum_epsilon=min_epsilon,
            max_nr_populations=remaining,
            min_acceptance_rate=settings.min_acceptance_rate,
        )
    return abc.history


def _stored_noise(db_path: Path) -> dict[str, float] | None:
    """The simulation noise a history was started with (so a resumed calibration keeps its distance)."""
    meta = _meta(db_path)
    return json.loads(meta["noise"]) if meta and "noise" in meta else None


def _meta(db_path: Path) -> dict[str, Any] | None:
    """The meta information of the latest calibration in a history, if any."""
    import pyabc

    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    history = pyabc.History(f"sqlite:///{db_path}")
    runs = history.all_runs()
    if not runs:
        return None
    history.id = max(r.id for r in runs)
    stored = history.get_abc().json_parameters
    return ast.literal_eval(stored) if stored else None


def _resume(abc, db_url: str, db_path: Path, digest: str) -> int | None:
    """Load the latest calibration in the history, if any: the number of generations it has."""
    import pyabc

    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    history = pyabc.History(db_url)
    runs = history.all_runs()
    if not runs:
        return None
    run_id = max(r.id for r in runs)
    history.id = run_id
    meta = history.get_abc().json_parameters  # pyabc stores the meta_info dict as its repr
    stored = ast.literal_eval(meta).get("targets_sha256") if meta else None
    if stored != digest:
        raise CalibrationError(
            f"{db_path} holds a calibration of other targets (or another version of them): use another --out"
        )
    if history.max_t < 0:
        return None
    abc.load(db_url, run_id)
    return history.max_t + 1


def posterior_draws(history, targets: Targets, k: int, seed: int) -> np.ndarray:
    """``k`` equally weighted draws from the last generation (systematic resampling of its weighted particles).

    Returns:
        An array ``k x parameters`` of parameter values, columns in the order of the targets file.
    """
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    columns = sorted(frame.columns, key=lambda c: int(str(c)[1:]))
    values = frame[columns].to_numpy(dtype=float)
    w = np.asarray(weights, dtype=float)
    cumulative = np.cumsum(w / w.sum())
    u = (np.random.default_rng(seed).random() + np.arange(k)) / k
    index = np.minimum(np.searchsorted(cumulative, u, side="right"), len(values) - 1)
    return to_values(targets, values[index])


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
