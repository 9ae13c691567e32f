"""Parameter uncertainty: every run draws one parameter set from a posterior sample.

A posterior file (``flashpoint-posterior/2``, written by ``flashpoint calibrate``) holds K equally
weighted parameter sets ("draws", or particles) over P scenario paths, the priors they were fitted under,
and the scenario they were fitted on::

    {
      "format": "flashpoint-posterior/2",
      "scenario": {"name": "taiwan_strait", "sha256": "9c1f…"},
      "parameters": ["parameters.response.deliberate_escalation_per_day", "parameters.ending.end_per_day"],
      "priors": [{"kind": "log_uniform", "low": 0.002, "high": 0.1},
                 {"kind": "log_uniform", "low": 0.003, "high": 0.1}],
      "draws": [[0.012, 0.03], [0.018, 0.021], ...],
      "source": {...}
    }

``scenario.sha256`` is :func:`~sim.scenario.fingerprint.model_fingerprint` of the scenario without the drawn
fields: a posterior is refused on a scenario with another fingerprint (:meth:`Posterior.check_scenario`)
unless it is marked for any scenario (``--posterior-any-scenario``, :meth:`Posterior.for_any_scenario`).
Every draw must lie inside its prior, and a file whose draws are mostly one parameter set is refused.
Files of format ``flashpoint-posterior/1`` (no binding, no priors) are read only for any scenario.

Run ``r`` of seed ``s`` uses draw :func:`draw_index` ``(s, r, K)``: a counter-based uniform
(:func:`sim.kernels.rng.uniform_py` at entity 0, purpose :data:`POSTERIOR_DRAW`, counter 0) of the run's
group ``r // RUNS_PER_DRAW`` mapped to an index as :func:`sim.kernels.rng.choice_index` does: the runs of
a group share a parameter set, so that summaries can measure the spread between sets
(:mod:`sim.experiments.parameter_spread`). The draw therefore depends on the seed and the run index only,
like the engine's own dice: run ``r`` of every arm of a comparison and every point of
a sweep uses the same parameter set *and* the same dice, and a result does not depend on the executor,
the number of workers or how the runs were chunked.

The draw's values are applied to the scenario with the ``--set`` machinery
(:mod:`sim.scenario.overrides`), on top of the scenario as given (``--set`` included); an arm's own
overrides and a sweep's design values are applied on top of the draw (a path they set keeps their value).
:func:`run_posterior` groups runs by draw, builds each draw's scenario once and runs each group on
either engine; :func:`run_draws` is the same thing as a unit of work a worker receives with
the chunk's :class:`ParticleDraws` (the few parameter sets that chunk uses, not the whole sample).

Files are read strictly (:func:`load_posterior`): every problem is a located error
``FILE:LINE:COL: path: message`` (:class:`~sim.scenario.errors.ScenarioError`), before anything runs.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from sim import engines
from sim.experiments.designs import _about_path
from sim.experiments.limits import MAX_POSTERIOR_BYTES, MAX_POSTERIOR_DRAWS, MAX_POSTERIOR_PARAMETERS
from sim.kernels.rng import uniform_py
from sim.scenario.errors import LocatedError, Path, ScenarioError, format_path, show
from sim.scenario.fingerprint import model_fingerprint
from sim.scenario.hints import did_you_mean
from sim.scenario.loader import load_scenario_data
from sim.scenario.overrides import SOURCE as SET_SOURCE
from sim.scenario.overrides import Override, OverrideError, parse_path, schema_type
from sim.scenario.schema import Scenario
from sim.vocabulary import RunOutcome

__all__ = [
    "FORMAT",
    "POSTERIOR_DRAW",
    "RUNS_PER_DRAW",
    "UNBOUND_FORMAT",
    "DrawError",
    "ParameterPrior",
    "ParticleDraws",
    "Posterior",
    "PosteriorRuns",
    "as_posterior",
    "draw_index",
    "load_posterior",
    "override_paths",
    "run_draws",
    "run_posterior",
]

FORMAT = "flashpoint-posterior/2"
"""The ``format`` string of a posterior file (as written today)."""

UNBOUND_FORMAT = "flashpoint-posterior/1"
"""The earlier format: no scenario binding and no priors (read only with ``any_scenario``)."""

PRIOR_KINDS = ("uniform", "log_uniform")
"""Shapes of a prior (as in a targets file)."""

PRIOR_TOLERANCE = 1e-9
"""Relative slack of the prior check (a log-uniform draw is exp(log(x)): its last bit may differ)."""

MOST_OF_ONE = 0.5
"""A file whose most repeated parameter set makes up more than this share of K > 1 draws is refused."""

POSTERIOR_DRAW = 41
"""Purpose code of the draw that picks a run's parameter set (entity 0, counter 0).

The engines' purpose codes are ``sim.engines.shared.purposes.Purpose`` (1..40, 42, 43); 41 is reserved here
for the experiments layer and must never be used by an engine, so the choice of parameter set never
shares a stream with a draw of the model (tests/experiments/test_posterior.py checks it).
"""

TOP_KEYS = ("format", "scenario", "parameters", "priors", "draws", "source")
"""Keys of a posterior file (``format``, ``parameters`` and ``draws`` are required)."""

MAX_REPORTED = 20
"""Problems reported at most from one file (the first ones, in file order)."""

SMALL_GROUP = 32
"""Runs of one draw below which the compiled engine runs them on one thread (no thread start-up per draw)."""


RUNS_PER_DRAW = 20
"""Consecutive runs that share one parameter set: runs ``20 g .. 20 g + 19`` form group g.

Groups let the summaries see how much an answer varies between parameter sets (the spread a single run
per set hides; :mod:`sim.experiments.parameter_spread`). It is fixed, not chosen from the number of runs,
so a run's set never depends on how many runs there are (``--precision`` and extended Monte Carlos add
runs to the same groups). 20 keeps the intervals' coverage at or above about 93% from 200 to 10,000 runs
in the measured grid (docs/experiments.md).
"""


def draw_index(seed: int, run: int, k: int, runs_per_draw: int = RUNS_PER_DRAW) -> int:
    """The posterior draw run ``run`` of seed ``seed`` uses, out of ``k``.

    ``min(floor(u · k), k − 1)`` with ``u = uniform_py(seed, g, 0, POSTERIOR_DRAW, 0)`` and
    ``g = run // runs_per_draw`` the run's group: a function of (seed, run, k) only, the same for the
    runs of one group.
    """
    if k < 1:
        raise ValueError(f"a posterior needs at least one draw (got {k})")
    if runs_per_draw < 1:
        raise ValueError(f"runs_per_draw must be at least 1 (got {runs_per_draw})")
    u = uniform_py(int(seed), int(run) // int(runs_per_draw), 0, POSTERIOR_DRAW, 0)
    return min(int(u * k), k - 1)


# --------------------------------------------------------------------------- the posterior


@dataclass(frozen=True)
class ParameterPrior:
    """The prior a parameter was fitted under: uniform, or uniform in the logarithm, on [low, high]."""

    kind: str
    low: float
    high: float

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Whether each value lies in [low, high] (up to :data:`PRIOR_TOLERANCE`, relative)."""
        slack = PRIOR_TOLERANCE * max(abs(self.low), abs(self.high))
        return (values >= self.low - slack) & (values <= self.high + slack)

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "low", "high"}``."""
        return {"kind": self.kind, "low": self.low, "high": self.high}

    def text(self) -> str:
        """``log-uniform [0.002, 0.1]``."""
        return f"{self.kind.replace('_', '-')} [{self.low:g}, {self.high:g}]"


@dataclass(frozen=True, eq=False)
class Posterior:
    """K equally weighted parameter sets over P scenario paths.

    Attributes:
        parameters: The paths, as ``--set`` takes them (``parameters.ending.end_per_day``).
        draws: K × P float array (read-only), one row per parameter set.
        scenario: The name of the scenario the sample was fitted on.
        source: Free-form provenance from the file.
        file: The file it was read from ("" if built in Python); errors are located in it.
        scenario_sha256: :func:`~sim.scenario.fingerprint.model_fingerprint` of the scenario it was fitted
            on, without the drawn fields ("": not bound, as a posterior built in Python may be).
        priors: Each parameter's prior, if known (draws outside it are refused when a file is read).
        any_scenario: Use it on any scenario (``--posterior-any-scenario``): the binding is not checked.
    """

    parameters: tuple[str, ...]
    draws: np.ndarray = field(repr=False)
    scenario: str = ""
    source: Mapping[str, Any] = field(default_factory=dict, repr=False)
    file: str = ""
    scenario_sha256: str = ""
    priors: tuple[ParameterPrior, ...] | None = None
    any_scenario: bool = False
    paths: tuple[Path, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        draws = np.array(self.draws, dtype=np.float64, copy=True)
        if draws.ndim != 2 or draws.shape[1] != len(self.parameters) or draws.shape[0] < 1:
            raise ValueError(f"draws must be K × {len(self.parameters)} with K >= 1, got shape {draws.shape}")
        draws.setflags(write=False)
        object.__setattr__(self, "parameters", tuple(self.parameters))
        object.__setattr__(self, "draws", draws)
        object.__setattr__(self, "paths", tuple(parse_path(p) for p in self.parameters))

    @property
    def size(self) -> int:
        """K, the number of parameter sets."""
        return int(self.draws.shape[0])

    @property
    def name(self) -> str:
        """How results name it: the file as given, or ``<posterior>``."""
        return self.file or "<posterior>"

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the parameters and the draws (what identifies the sample in a sweep's manifest)."""
        digest = hashlib.sha256(json.dumps(list(self.parameters)).encode("utf-8"))
        digest.update(np.ascontiguousarray(self.draws, dtype="<f8").tobytes())
        return digest.hexdigest()

    @cached_property
    def distinct(self) -> int:
        """How many different parameter sets the K draws hold."""
        return int(np.unique(self.draws, axis=0).shape[0])

    def describe(self) -> dict[str, Any]:
        """What results record: file, K, parameters, the scenario it was fitted on, hash and source."""
        out = {
            "file": self.name,
            "draws": self.size,
            "distinct": self.distinct,
            "parameters": list(self.parameters),
            "fitted_on": self.scenario,
            "fitted_on_sha256": self.scenario_sha256 or None,
            "any_scenario": self.any_scenario,
            "runs_per_draw": RUNS_PER_DRAW,
            "sha256": self.sha256,
            "source": dict(self.source),
        }
        if self.priors is not None:
            out["priors"] = [p.to_dict() for p in self.priors]
        return out

    def for_any_scenario(self) -> Posterior:
        """The same posterior, usable on any scenario (its binding is not checked)."""
        return replace(self, any_scenario=True)

    def check_scenario(self, scenario: Scenario) -> None:
        """Refuse a scenario other than the one the posterior was fitted on (unless ``any_scenario``).

        The scenario is compared by :func:`~sim.scenario.fingerprint.model_fingerprint` without the drawn
        fields; a posterior without a binding (built in Python) is not checked.

        Raises:
            ScenarioError: Located at the file's ``scenario`` entry.
        """
        if self.any_scenario or not self.scenario_sha256:
            return
        if model_fingerprint(scenario, self.parameters) == self.scenario_sha256:
            return
        fitted = self.scenario or "another scenario"
        message = (
            f"fitted on {fitted}, not on '{scenario.metadata.name}' (their models differ beyond the drawn "
            "parameters): its draws mean nothing there; pass --posterior-any-scenario (Python: "
            "posterior.for_any_scenario()) to use them anyway"
        )
        where = self._positions()(("scenario",))
        raise ScenarioError([_error(self.name, where, "scenario", message)])

    def index(self, seed: int, run: int) -> int:
        """The draw run ``run`` of seed ``seed`` uses (:func:`draw_index`)."""
        return draw_index(seed, run, self.size)

    def draws_of_runs(self, seed: int, runs: Iterable[int]) -> np.ndarray:
        """The draw each run uses (:func:`draw_index`), computed once per group of runs."""
        runs = np.asarray(list(runs) if not isinstance(runs, np.ndarray) else runs, dtype=np.int64)
        groups, where = np.unique(runs // RUNS_PER_DRAW, return_inverse=True)
        per_group = np.array([draw_index(seed, int(g) * RUNS_PER_DRAW, self.size) for g in groups], dtype=np.int64)
        return per_group[where.ravel()]

    def overrides(self, draw: int) -> list[tuple[Path, float]]:
        """The ``(path, value)`` overrides of one parameter set."""
        return [(p, float(v)) for p, v in zip(self.paths, self.draws[draw], strict=True)]

    def scenario_of(self, scenario: Scenario, draw: int) -> Scenario:
        """``scenario`` with parameter set ``draw`` applied (validated)."""
        try:
            return load_scenario_data(scenario.model_dump(mode="json"), self.overrides(draw))
        except ScenarioError as exc:
            raise ScenarioError(self._row_errors(draw, exc.errors, self._positions())) from None

    def draws_for(self, seed: int, runs: Iterable[int]) -> ParticleDraws:
        """Which parameter set each run uses, with the values of those sets only (for one chunk)."""
        runs = tuple(int(r) for r in runs)
        particles = tuple(int(k) for k in self.draws_of_runs(seed, runs))
        values = {k: tuple(float(v) for v in self.draws[k]) for k in sorted(set(particles))}
        return ParticleDraws(self.paths, runs, particles, values)

    def conflicts(self, overrides: Sequence[Override], source: str = SET_SOURCE) -> list[LocatedError]:
        """``--set`` overrides of a path the posterior draws: its draws would replace them, so they are refused."""
        errors = []
        for index, override in enumerate(overrides, start=1):
            try:
                path = _override_path(override)
            except OverrideError:
                continue  # reported by the scenario loader
            if any(_covers(path, p) for p in self.paths):
                message = (
                    f"drawn from the posterior {self.name}, whose draws would replace this value: "
                    "sweep it with --param or compare it in an --arm instead"
                )
                errors.append(LocatedError(source, index, 1, format_path(path), message))
        return errors

    # ----------------------------------------------------------------- checks against a scenario

    def check(self, scenario: Scenario) -> None:
        """Check the posterior against the scenario it is applied to, before anything runs.

        Every path must lead to a number field of the scenario, the first parameter set and every set
        holding a parameter's smallest or largest value must give a valid scenario, and integer fields
        must get whole numbers. (The sets the runs use are checked too, by :class:`PosteriorRuns`.)

        Raises:
            ScenarioError: Located in the posterior file (``FILE:LINE:COL``).
        """
        document = scenario.model_dump(mode="json")
        where = self._positions()
        errors: list[LocatedError] = []
        integers = []
        unknown = set()  # paths the scenario does not have: their errors are about the path
        for i, path in enumerate(self.paths):
            tp = schema_type(document, path)
            if tp is None or not _exists(document, path):
                unknown.add(i)
            if tp is None:
                continue
            if tp is bool or tp not in (int, float):
                kind = getattr(tp, "__name__", str(tp))
                message = f"{format_path(path)}: not a number in the scenario (it holds {_kind(kind)})"
                errors.append(_error(self.name, where(("parameters", i)), f"parameters[{i}]", message))
            elif tp is int:
                integers.append(i)
        if errors:
            raise ScenarioError(errors)
        for i in integers:
            column = self.draws[:, i]
            bad = np.flatnonzero(column != np.floor(column))
            if bad.size:
                k = int(bad[0])
                message = f"{format_path(self.paths[i])}: expected a whole number, got {float(column[k])!r}"
                errors.append(_error(self.name, where(("draws", k, i)), f"draws[{k}][{i}]", message))
        if errors:
            raise ScenarioError(errors)
        rows = [0, *np.argmin(self.draws, axis=0).tolist(), *np.argmax(self.draws, axis=0).tolist()]
        for k in dict.fromkeys(int(r) for r in rows):
            try:
                load_scenario_data(document, self.overrides(k))
            except ScenarioError as exc:
                errors.extend(self._row_errors(k, exc.errors, where, unknown))
                if k == 0:
                    break  # a bad path fails every row: say it once
        if errors:
            raise ScenarioError(list(dict.fromkeys(errors))[:MAX_REPORTED])

    def check_rows(self, document: Mapping[str, Any], rows: Iterable[int]) -> None:
        """Validate ``document`` with each parameter set in ``rows``.

        Raises:
            ScenarioError: Located at the first bad set in the posterior file.
        """
        for k in rows:
            try:
                load_scenario_data(document, self.overrides(k))
            except ScenarioError as exc:
                raise ScenarioError(self._row_errors(k, exc.errors, self._positions())) from None

    def draw_error(self, error: DrawError, what: str) -> ScenarioError:
        """A :class:`DrawError` from a worker as a located error (``what``: ``arm 'x'``, ``design point 3``)."""
        where = self._positions()
        located = [
            _error(self.name, where(("draws", error.draw)), f"draws[{error.draw}]", f"with {what}: {path}: {message}")
            for path, message in error.problems
        ]
        return ScenarioError(located or [_error(self.name, (1, 1), f"draws[{error.draw}]", f"invalid with {what}")])

    def _row_errors(
        self,
        k: int,
        errors: Sequence[LocatedError],
        where: Callable[[tuple[Any, ...]], tuple[int, int]],
        unknown: set[int] | frozenset[int] = frozenset(),
    ) -> list[LocatedError]:
        out = []
        for e in errors:
            if e.file == SET_SOURCE and 1 <= e.line <= len(self.paths):
                i, text = e.line - 1, f"{e.path}: {e.message}"
                if i in unknown or _about_path(e.message):
                    out.append(_error(self.name, where(("parameters", i)), f"parameters[{i}]", text))
                else:
                    out.append(_error(self.name, where(("draws", k, i)), f"draws[{k}][{i}]", text))
            else:
                text = f"{e.path}: {e.message}" if e.path else e.message
                out.append(_error(self.name, where(("draws", k)), f"draws[{k}]", text))
        return out

    def _positions(self) -> Callable[[tuple[Any, ...]], tuple[int, int]]:
        """Line and column of a node of the file (1, 1 when there is no file to read).

        The file is read again only when an error is located, and then once.
        """
        found: list[_JsonPositions | None] = []

        def line_col(path: tuple[Any, ...]) -> tuple[int, int]:
            if not found:
                try:
                    found.append(_JsonPositions(_read_text(self.file)) if self.file else None)
                except (ScenarioError, OSError):
                    found.append(None)
            return found[0].line_col(path) if found[0] is not None else (1, 1)

        return line_col


def _exists(document: Any, path: Path) -> bool:
    """Whether ``path`` leads to a node of ``document`` (a dumped scenario has every field, defaults included)."""
    node = document
    for segment in path:
        if isinstance(node, dict) and str(segment) in node:
            node = node[str(segment)]
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            node = node[segment]
        else:
            return False
    return True


def _kind(name: str) -> str:
    return {"str": "text", "bool": "true or false", "dict": "a mapping", "list": "a list"}.get(name, name)


def override_paths(overrides: Iterable[Override]) -> list[Path]:
    """The paths of ``PATH=VALUE`` texts or ``(path, value)`` pairs (those that parse)."""
    paths = []
    for override in overrides:
        try:
            paths.append(_override_path(override))
        except OverrideError:
            continue
    return paths


def _override_path(override: Override) -> Path:
    if isinstance(override, str):
        path_text, equals, _ = override.partition("=")
        if not equals:
            raise OverrideError("expected PATH=VALUE")
        return parse_path(path_text.strip())
    path = override[0]
    return parse_path(path.strip()) if isinstance(path, str) else tuple(path)


def _covers(outer: Path, inner: Path) -> bool:
    """Whether setting ``outer`` sets ``inner`` (the same path, or one of its ancestors)."""
    return len(outer) <= len(inner) and all(str(a) == str(b) for a, b in zip(outer, inner, strict=False))


def _error(file: str, where: tuple[int, int], path: str, message: str) -> LocatedError:
    return LocatedError(file, where[0], where[1], path, message)


# --------------------------------------------------------------------------- what a chunk carries


@dataclass(frozen=True)
class ParticleDraws:
    """The parameter sets one chunk of runs uses: what travels to a worker with the chunk.

    Attributes:
        paths: The posterior's paths.
        runs: Run indices, in the chunk's order.
        particles: The parameter set of each run (same order).
        values: The values of each set used, by its index in the posterior.
    """

    paths: tuple[Path, ...]
    runs: tuple[int, ...]
    particles: tuple[int, ...]
    values: dict[int, tuple[float, ...]]

    def groups(self) -> list[tuple[int, list[int]]]:
        """``(set, runs)`` pairs, sets in increasing order, runs in the chunk's order."""
        groups: dict[int, list[int]] = {k: [] for k in sorted(self.values)}
        for run, k in zip(self.runs, self.particles, strict=True):
            groups[k].append(run)
        return list(groups.items())

    def overrides(self, particle: int, fixed_paths: Sequence[Path] = ()) -> list[tuple[Path, float]]:
        """The set's ``(path, value)`` overrides, leaving out the paths ``fixed_paths`` set (an arm's, a point's)."""
        return [
            (p, v)
            for p, v in zip(self.paths, self.values[particle], strict=True)
            if not any(_covers(q, p) for q in fixed_paths)
        ]


class DrawError(ValueError):
    """A parameter set that does not fit a design point or an arm (raised in a worker, picklable).

    Attributes:
        draw: Index of the parameter set.
        point: The design point or arm (its position).
        problems: ``(path, message)`` pairs.
    """

    def __init__(self, draw: int, point: int, problems: tuple[tuple[str, str], ...]) -> None:
        super().__init__(draw, point, problems)
        self.draw = draw
        self.point = point
        self.problems = problems

    def __str__(self) -> str:
        text = "; ".join(f"{p}: {m}" for p, m in self.problems)
        return f"posterior draw {self.draw} at point {self.point}: {text}"


def run_draws(
    scenario: Scenario,
    seed: int,
    draws: ParticleDraws,
    engine: str = "compiled",
    threads: int | None = None,
    fixed_paths: Sequence[Path] = (),
    point: int = 0,
) -> list[RunOutcome]:
    """Run a chunk whose runs each use their own parameter set (the unit of work sent to a worker).

    Args:
        scenario: The validated scenario of the point or arm (without the draws).
        seed: Master seed.
        draws: The chunk's runs and their parameter sets.
        engine: "compiled" or "reference".
        threads: numba threads for groups of many runs (small groups use one).
        fixed_paths: Paths the point or arm sets: they keep their value.
        point: The point or arm, for error messages.

    Returns:
        One outcome per run, in the order of ``draws.runs``.

    Raises:
        DrawError: If a parameter set gives an invalid scenario at this point.
    """
    engines.check_engine(engine)
    document = scenario.model_dump(mode="json")
    outcomes: dict[int, RunOutcome] = {}
    for particle, runs in draws.groups():
        try:
            built = load_scenario_data(document, draws.overrides(particle, fixed_paths))
        except ScenarioError as exc:
            raise DrawError(particle, point, tuple((e.path, e.message) for e in exc.errors)) from None
        use = threads if len(runs) >= SMALL_GROUP else 1
        for outcome in engines.run_many(built, seed, runs, engine=engine, threads=use):
            outcomes[outcome.run] = outcome
    return [outcomes[r] for r in draws.runs]


class PosteriorRuns:
    """A posterior applied to one base scenario and seed: each run's parameter set, each set checked once.

    Checks the posterior against the scenario at once (:meth:`Posterior.check`); :meth:`draws` then
    gives a chunk's :class:`ParticleDraws` after validating, on this side, the sets it uses that were
    not validated yet, so a bad set is refused before its runs are sent anywhere.
    """

    def __init__(self, posterior: Posterior, scenario: Scenario, seed: int) -> None:
        posterior.check(scenario)
        self.posterior = posterior
        self.seed = int(seed)
        self._document = scenario.model_dump(mode="json")
        self._checked: set[int] = set()

    def draws(self, runs: Iterable[int]) -> ParticleDraws:
        """The chunk's parameter sets (the new ones validated against the base scenario)."""
        chunk = self.posterior.draws_for(self.seed, runs)
        new = [k for k in chunk.values if k not in self._checked]
        self.posterior.check_rows(self._document, new)
        self._checked.update(new)
        return chunk


def run_posterior(
    scenario: Scenario,
    posterior: Posterior,
    seed: int,
    runs: Sequence[int],
    engine: str = "compiled",
    threads: int | None = None,
) -> list[RunOutcome]:
    """Run ``runs`` of ``scenario``, each with its own parameter set from ``posterior``, in this process.

    Runs are grouped by parameter set; each set's scenario is built once and its runs go to the
    engine together (compiled by default, ``engine="reference"`` for the Mesa model).

    Returns:
        One outcome per run, in the order of ``runs``.

    Raises:
        ScenarioError: If the posterior does not fit the scenario (located in the posterior file).
    """
    plan = PosteriorRuns(posterior, scenario, seed)
    return run_draws(scenario, seed, plan.draws(runs), engine, threads)


def as_posterior(posterior: Posterior | str | os.PathLike[str] | None) -> Posterior | None:
    """A posterior, or the one in the named file (:func:`load_posterior`), or None."""
    if posterior is None or isinstance(posterior, Posterior):
        return posterior
    return load_posterior(posterior)


# --------------------------------------------------------------------------- reading a file


def load_posterior(
    path: str | os.PathLike[str], scenario: Scenario | None = None, any_scenario: bool = False
) -> Posterior:
    """Read a posterior file, strictly.

    The file must be a regular file of at most :data:`~sim.experiments.limits.MAX_POSTERIOR_BYTES`
    bytes of UTF-8 JSON: an object with ``format`` (:data:`FORMAT`), ``scenario`` (``{"name": text,
    "sha256": 64 hex digits}``), ``parameters`` (1 to :data:`~sim.experiments.limits.MAX_POSTERIOR_PARAMETERS`
    distinct paths), ``priors`` (one ``{"kind": "uniform" | "log_uniform", "low", "high"}`` per parameter),
    ``draws`` (1 to :data:`~sim.experiments.limits.MAX_POSTERIOR_DRAWS` rows of one finite number per
    parameter, each inside its prior; no parameter set in more than half of them) and optionally ``source``
    (a mapping); no other key, no key twice. A file of the earlier format :data:`UNBOUND_FORMAT`
    (``scenario`` as text, no ``priors``) is read only with ``any_scenario``.

    Args:
        path: The file.
        scenario: If given, also check the posterior against it (:meth:`Posterior.check_scenario` and
            :meth:`Posterior.check`).
        any_scenario: Mark it for use on any scenario (its binding is not checked).

    Returns:
        The posterior.

    Raises:
        ScenarioError: Every problem found (at most :data:`MAX_REPORTED`), each located as
            ``FILE:LINE:COL: path: message``.
    """
    filename = os.fspath(path)
    text = _read_text(filename)
    duplicates: list[list[str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        duplicates.append(sorted({k for k in keys if keys.count(k) > 1}) if len(set(keys)) < len(keys) else [])
        return dict(items)

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise ScenarioError([LocatedError(filename, exc.lineno, exc.colno, "", f"invalid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise ScenarioError([LocatedError(filename, 1, 1, "", "invalid JSON: nested too deeply")]) from None
    where = _JsonPositions(text).line_col
    posterior = _from_data(data, filename, where, duplicates, any_scenario)
    if scenario is not None:
        posterior.check_scenario(scenario)
        posterior.check(scenario)
    return posterior


def _from_data(
    data: Any,
    filename: str,
    where: Callable[..., tuple[int, int]],
    duplicates: list[list[str]],
    any_scenario: bool = False,
) -> Posterior:
    errors: list[LocatedError] = []

    def fail(path: tuple[Any, ...], message: str, key: bool = False) -> None:
        errors.append(_error(filename, where(path, key), _json_path(path), message))

    if not isinstance(data, dict):
        raise ScenarioError([_error(filename, where(()), "", f"expected a {FORMAT} object, got {show(data)}")])
    top_dupes = duplicates[-1] if duplicates else []
    for key in top_dupes:
        fail((key,), f"the key '{key}' appears more than once", key=True)
    if any(duplicates[:-1]):
        nested = sorted({k for d in duplicates[:-1] for k in d})
        fail(("source",), f"a key appears more than once ({', '.join(nested)})")
    version = data.get("format")
    if version not in (FORMAT, UNBOUND_FORMAT):
        if "format" not in data:
            fail((), f"missing required key 'format' (expected \"{FORMAT}\")")
        else:
            fail(("format",), f'unsupported format {json.dumps(version)[:60]}: expected "{FORMAT}"')
        raise ScenarioError(errors)
    bound = version == FORMAT
    if not bound and not any_scenario:
        fail(
            ("format",),
            f"{UNBOUND_FORMAT} does not say which scenario the draws were fitted on, nor their priors: write it "
            "again with flashpoint calibrate, or pass --posterior-any-scenario to use it anyway",
        )
    for key in data:
        if key not in TOP_KEYS or (key == "priors" and not bound):
            hint = did_you_mean(key, TOP_KEYS) or f" (allowed: {', '.join(TOP_KEYS)})"
            fail((key,), f"unknown key '{key}'{hint}", key=True)
    for key in ("parameters", "draws", *(("scenario", "priors") if bound else ())):
        if key not in data:
            fail((), f"missing required key '{key}'")
    name, fingerprint = _check_binding(data.get("scenario", ""), bound, fail)
    source = data.get("source", {})
    if not isinstance(source, dict):
        fail(("source",), f"expected a mapping (free-form provenance), got {show(source)}")
    elif not _finite_json(source):
        fail(("source",), "holds a number that is not finite (NaN or infinity)")
    parameters = _check_parameters(data.get("parameters"), fail) if "parameters" in data else None
    width = len(parameters) if parameters else None
    priors = _check_priors(data["priors"], width, fail) if bound and "priors" in data else None
    draws = _check_draws(data.get("draws"), width, fail) if "draws" in data else None
    if draws is not None:
        _check_inside_priors(draws, priors, fail)
        _check_not_one_set(draws, fail)
    if errors or parameters is None or draws is None:
        errors.sort(key=lambda e: (e.line, e.col))
        raise ScenarioError(errors[:MAX_REPORTED])
    return Posterior(tuple(parameters), draws, name, source, filename, fingerprint, priors, any_scenario)


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _check_binding(value: Any, bound: bool, fail: Callable[..., None]) -> tuple[str, str]:
    """The scenario's name and fingerprint: text in the earlier format, ``{"name", "sha256"}`` now."""
    if not bound:
        if not isinstance(value, str):
            fail(("scenario",), f"expected text (the scenario the draws were fitted on), got {show(value)}")
            return "", ""
        return value, ""
    if not isinstance(value, dict) or set(value) != {"name", "sha256"}:
        fail(("scenario",), f'expected {{"name": text, "sha256": the scenario\'s fingerprint}}, got {show(value)}')
        return "", ""
    name, digest = value["name"], value["sha256"]
    if not isinstance(name, str) or not 1 <= len(name) <= 200:
        fail(("scenario", "name"), f"expected the scenario's name (1 to 200 characters), got {show(name)}")
    if not isinstance(digest, str) or not _SHA256.match(digest):
        fail(("scenario", "sha256"), f"expected 64 lowercase hexadecimal digits, got {show(digest)}")
        return str(name), ""
    return str(name), digest


def _check_priors(value: Any, width: int | None, fail: Callable[..., None]) -> tuple[ParameterPrior, ...] | None:
    """One prior per parameter: ``{"kind": "uniform" | "log_uniform", "low": x, "high": y}`` with low < high."""
    if not isinstance(value, list):
        fail(("priors",), f"expected a list of priors (one per parameter), got {show(value)}")
        return None
    if width is not None and len(value) != width:
        fail(("priors",), f"has {len(value)} priors, expected {width} (one per parameter)")
        return None
    priors: list[ParameterPrior] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"kind", "low", "high"}:
            fail(("priors", i), f'expected {{"kind", "low", "high"}}, got {show(item)}')
            continue
        kind, low, high = item["kind"], item["low"], item["high"]
        if kind not in PRIOR_KINDS:
            fail(("priors", i, "kind"), f"expected one of {', '.join(PRIOR_KINDS)}, got {show(kind)}")
            continue
        numbers = all(type(x) in (int, float) and math.isfinite(x) for x in (low, high))
        if not numbers or not low < high:
            fail(("priors", i), f"low and high must be finite numbers with low < high, got {show(low)}, {show(high)}")
            continue
        if kind == "log_uniform" and low <= 0:
            fail(("priors", i, "low"), f"a log-uniform prior needs low > 0 (got {low!r})")
            continue
        priors.append(ParameterPrior(kind, float(low), float(high)))
    return tuple(priors) if len(priors) == len(value) else None


def _check_inside_priors(draws: np.ndarray, priors: tuple[ParameterPrior, ...] | None, fail: Callable[..., None]):
    """Every draw inside its parameter's prior (the first few outside are located)."""
    if priors is None:
        return
    outside = np.argwhere(~np.column_stack([p.holds(draws[:, i]) for i, p in enumerate(priors)]))
    for k, i in outside[:MAX_REPORTED].tolist():
        value = float(draws[k, i])
        fail(("draws", k, i), f"{value!r} lies outside its prior, {priors[i].text()} (priors[{i}])")


def _check_not_one_set(draws: np.ndarray, fail: Callable[..., None]) -> None:
    """Refuse K > 1 draws that are mostly one parameter set: the file would claim a spread it does not carry."""
    k = draws.shape[0]
    if k < 2:
        return
    _, counts = np.unique(draws, axis=0, return_counts=True)
    if counts.max() > MOST_OF_ONE * k:
        fail(
            ("draws",),
            f"one parameter set makes up {int(counts.max()):,} of the {k:,} draws ({counts.size:,} distinct): the "
            "posterior has collapsed onto it (too few generations or too narrow a kernel); fit it again, or write "
            "that set as a single draw if it is meant",
        )


def _check_parameters(value: Any, fail: Callable[..., None]) -> list[str] | None:
    if not isinstance(value, list):
        fail(("parameters",), f"expected a list of scenario paths, got {show(value)}")
        return None
    if not 1 <= len(value) <= MAX_POSTERIOR_PARAMETERS:
        fail(("parameters",), f"needs 1 to {MAX_POSTERIOR_PARAMETERS} paths (got {len(value):,})")
        return None
    ok, seen = True, {}
    for i, text in enumerate(value):
        if not isinstance(text, str):
            fail(("parameters", i), f"expected a scenario path (parameters.ending.end_per_day), got {show(text)}")
            ok = False
            continue
        try:
            path = parse_path(text)
        except OverrideError as exc:
            fail(("parameters", i), exc.message)
            ok = False
            continue
        key = tuple(str(s) for s in path)
        if key in seen:
            fail(("parameters", i), f"{text}: the same path as parameters[{seen[key]}]")
            ok = False
        seen.setdefault(key, i)
    return list(value) if ok else None


def _check_draws(value: Any, width: int | None, fail: Callable[..., None]) -> np.ndarray | None:
    if not isinstance(value, list):
        fail(("draws",), f"expected a list of parameter sets (lists of numbers), got {show(value)}")
        return None
    if not 1 <= len(value) <= MAX_POSTERIOR_DRAWS:
        fail(("draws",), f"needs 1 to {MAX_POSTERIOR_DRAWS:,} parameter sets (got {len(value):,})")
        return None
    reported = 0
    for k, row in enumerate(value):
        if reported >= MAX_REPORTED:
            break
        if not isinstance(row, list):
            fail(("draws", k), f"expected a list of numbers (one per parameter), got {show(row)}")
            reported += 1
        elif width is not None and len(row) != width:
            fail(("draws", k), f"has {len(row)} numbers, expected {width} (one per parameter)")
            reported += 1
        elif any(type(x) is not float and type(x) is not int for x in row):
            i = next(i for i, x in enumerate(row) if type(x) is not float and type(x) is not int)
            fail(("draws", k, i), f"expected a number, got {show(row[i])}")
            reported += 1
    if width is None:
        return None
    if reported:  # the rows that are sound may still hold NaN: say so too
        for k, row in enumerate(value):
            if reported >= MAX_REPORTED:
                break
            if isinstance(row, list) and len(row) == width:
                for i, x in enumerate(row):
                    if isinstance(x, float) and not math.isfinite(x):
                        fail(("draws", k, i), f"must be a finite number (got {x!r})")
                        reported += 1
        return None
    draws = np.array(value, dtype=np.float64)
    bad = np.argwhere(~np.isfinite(draws))
    for k, i in bad[:MAX_REPORTED].tolist():
        fail(("draws", k, i), f"must be a finite number (got {float(draws[k, i])!r})")
    return None if bad.size else draws


def _finite_json(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            return False
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return True


def _json_path(path: Sequence[Any]) -> str:
    text = ""
    for segment in path:
        text += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if text else str(segment))
    return text


def _read_text(filename: str) -> str:
    """The file as text: a regular file of at most MAX_POSTERIOR_BYTES bytes of UTF-8 (located errors)."""

    def refuse(message: str, line: int = 1, col: int = 1) -> ScenarioError:
        return ScenarioError([LocatedError(filename, line, col, "", message)])

    try:
        fd = os.open(filename, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise refuse(f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise refuse("cannot read: not a regular file")
    with open(fd, "rb", closefd=True) as handle:
        try:
            data = handle.read(MAX_POSTERIOR_BYTES + 1)
        except OSError as exc:
            raise refuse(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_POSTERIOR_BYTES:
        raise refuse(f"file is larger than the limit of {MAX_POSTERIOR_BYTES:,} bytes")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - data.rfind(b"\n", 0, exc.start)
        raise refuse("not UTF-8 text", line, col) from None


_WS = re.compile(r"[ \t\n\r]*")


class _JsonPositions:
    """Where the nodes of a (valid) JSON text are: line and column of a value, or of a key."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._decoder = json.JSONDecoder()
        self._children: dict[int, dict[str, tuple[int, int]] | list[int] | None] = {}

    def line_col(self, path: Sequence[Any], key: bool = False) -> tuple[int, int]:
        """1-based line and column of the node at ``path`` (the deepest that exists), or of its key."""
        pos = self._offset(path, key)
        line = self.text.count("\n", 0, pos) + 1
        return line, pos - self.text.rfind("\n", 0, pos)

    def _offset(self, path: Sequence[Any], key: bool) -> int:
        pos = self._ws(0)
        for depth, segment in enumerate(path):
            children = self._children_at(pos)
            if isinstance(children, dict) and isinstance(segment, str) and segment in children:
                key_pos, pos = children[segment]
                if key and depth == len(path) - 1:
                    return key_pos
            elif isinstance(children, list) and isinstance(segment, int) and 0 <= segment < len(children):
                pos = children[segment]
            else:
                break
        return pos

    def _ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def _children_at(self, start: int) -> dict[str, tuple[int, int]] | list[int] | None:
        if start not in self._children:
            try:
                self._children[start] = self._scan(start)
            except (ValueError, IndexError, RecursionError):
                self._children[start] = None
        return self._children[start]

    def _scan(self, start: int) -> dict[str, tuple[int, int]] | list[int] | None:
        text, raw = self.text, self._decoder.raw_decode
        opener = text[start : start + 1]
        if opener not in ("{", "["):
            return None
        closer = "}" if opener == "{" else "]"
        keys: dict[str, tuple[int, int]] = {}
        items: list[int] = []
        pos = self._ws(start + 1)
        if text[pos] == closer:
            return keys if opener == "{" else items
        while True:
            if opener == "{":
                key_pos = pos
                name, pos = raw(text, pos)
                pos = self._ws(self._ws(pos) + 1)  # past the colon
                keys[name] = (key_pos, pos)  # the last one, as json keeps it
            else:
                items.append(pos)
            _, pos = raw(text, pos)
            pos = self._ws(pos)
            if text[pos] != ",":
                return keys if opener == "{" else items
            pos = self._ws(pos + 1)
