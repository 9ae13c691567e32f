"""Experimental designs over scenario parameters: grid, Latin hypercube, scrambled Sobol'.

A :class:`Parameter` is one ``--param PATH=VALUES|LOW:HIGH`` option: a scenario path (as ``--set``
takes it) with either a list of values (``actors.PRC.autonomy=in_the_loop,on_the_loop``) or a numeric
range (``actors.PRC.ai.capability=0.4:0.9``; whole-number ends make an integer range, except on a
field the schema declares real-valued, where ``0:1`` is the interval, see :func:`typed_parameters`). A
:class:`Design` is the list of points, each a value per parameter, built by :func:`make_design` from
``scipy.stats.qmc`` generators seeded explicitly, so the same arguments always give the same design.

Problems are :class:`~sim.scenario.errors.LocatedError` at ``--param:N:COL`` (N counts the
``--param`` options from 1, COL is the column in ``PATH=VALUES``), the same form scenario errors take.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.experiments.limits import check_design_size
from sim.scenario.errors import LocatedError, ScenarioError, format_path
from sim.scenario.loader import load_scenario_data
from sim.scenario.overrides import Override, OverrideError, parse_path, parse_value, schema_type
from sim.scenario.schema import Scenario

__all__ = [
    "DESIGN_KINDS",
    "PARAM_SOURCE",
    "Design",
    "Parameter",
    "make_design",
    "parse_parameter",
    "parse_parameters",
    "unit_to_values",
    "validate_parameters",
]

PARAM_SOURCE = "--param"
"""File name used for errors located in a ``--param`` option."""

DESIGN_KINDS = ("grid", "lhs", "sobol")


@dataclass(frozen=True)
class Parameter:
    """One swept scenario parameter.

    Attributes:
        path: Scenario path, as ``--set`` takes it (list indices as ``int``).
        values: The discrete values, or ``()`` for a range.
        low: Lower end of a range (``None`` for discrete values).
        high: Upper end of a range.
        integer: Whether a range takes whole numbers only.
        text: The option as written (``PATH=VALUES``), for messages and metadata.
        index: 1-based position among the ``--param`` options.
        value_cols: 1-based column of each value (or of LOW and HIGH) in ``text``.
    """

    path: tuple[str | int, ...]
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    integer: bool = False
    text: str = ""
    index: int = 1
    value_cols: tuple[int, ...] = (1,)

    @property
    def name(self) -> str:
        """The dotted path, also the parameter's column name in result tables."""
        return format_path(self.path)

    @property
    def is_range(self) -> bool:
        """Whether the parameter is a numeric range (else a list of values)."""
        return self.low is not None

    def grid_size(self, levels: int) -> int:
        """How many values :meth:`grid_values` gives for ``levels``, counted without building them."""
        if not self.is_range:
            return len(self.values)
        assert self.low is not None and self.high is not None
        if self.integer:
            return min(max(1, levels), int(self.high) - int(self.low) + 1)
        return max(1, levels)

    def grid_values(self, levels: int) -> tuple[Any, ...]:
        """Values for a grid: the listed values, or ``levels`` evenly spaced values of the range.

        An integer range has at most one level per whole number in it.
        """
        if not self.is_range:
            return self.values
        assert self.low is not None and self.high is not None
        levels = self.grid_size(levels)
        raw = np.linspace(self.low, self.high, max(1, levels)) if levels > 1 else np.array([self.low])
        if self.integer:
            return tuple(dict.fromkeys(round(float(v)) for v in raw))
        return tuple(float(f"{v:.12g}") for v in raw)  # 0.6, not 0.6000000000000001

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map points of [0, 1) to values: linearly onto a range, or to equal-width bins of the values."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, np.nextafter(1.0, 0.0))
        if not self.is_range:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in idx]
        assert self.low is not None and self.high is not None
        if self.integer:
            lo, hi = int(self.low), int(self.high)
            return [int(v) for v in np.minimum(lo + np.floor(u * (hi - lo + 1)), hi)]
        return [float(v) for v in self.low + u * (self.high - self.low)]

    def checkpoints(self) -> list[tuple[Any, int]]:
        """Every value the design can reach at its extremes, with the column it was written at."""
        if self.is_range:
            ends = [int(self.low), int(self.high)] if self.integer else [self.low, self.high]  # type: ignore[arg-type]
            return list(zip(ends, self.value_cols, strict=True))
        return list(zip(self.values, self.value_cols, strict=True))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (for result metadata)."""
        if self.is_range:
            return {"path": self.name, "low": self.low, "high": self.high, "integer": self.integer}
        return {"path": self.name, "values": list(self.values)}


def _error(index: int, col: int, path: str, message: str) -> LocatedError:
    return LocatedError(PARAM_SOURCE, index, col, path, message)


def _split_values(text: str) -> list[tuple[str, int]]:
    """Split on commas outside brackets; return (token, 0-based offset) pairs."""
    tokens: list[tuple[str, int]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            tokens.append((text[start:i], start))
            start = i + 1
    tokens.append((text[start:], start))
    return tokens


def _number(token: str, col: int) -> tuple[float, bool]:
    value = parse_value(token.strip(), col)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OverrideError(f"a range needs numbers at both ends, got {token.strip()!r}", col)
    # An integer range only when both ends are written as integers: 0.0:1.0 is a continuous range.
    written_as_int = isinstance(value, int) and not any(c in token for c in ".eE")
    return float(value), written_as_int


def parse_parameter(text: str, index: int = 1) -> Parameter:
    """Parse one ``PATH=VALUES`` or ``PATH=LOW:HIGH`` option.

    Args:
        text: The option, e.g. ``actors.PRC.ai.capability=0.4:0.9`` or ``policy.hotline.enabled=true,false``.
        index: Its 1-based position among the ``--param`` options (the N of ``--param:N:COL``).

    Returns:
        The parameter.

    Raises:
        ScenarioError: With one error located at ``--param:N:COL``.
    """
    path_text, equals, value_text = text.partition("=")
    label = path_text.strip()
    if not equals:
        raise ScenarioError([_error(index, 1, label, f"expected PATH=VALUES or PATH=LOW:HIGH, got {text!r}")])
    try:
        path = parse_path(label)
    except OverrideError as exc:
        raise ScenarioError([_error(index, exc.col, label, exc.message)]) from None
    base = len(path_text) + 2  # column of the first value character
    try:
        if ":" in value_text and not value_text.lstrip().startswith(("[", "{", '"', "'")):
            low_text, _, high_text = value_text.partition(":")
            high_col = base + len(low_text) + 1
            if ":" in high_text:
                raise OverrideError("a range is LOW:HIGH with exactly one ':'", high_col + high_text.index(":"))
            low, low_int = _number(low_text, base)
            high, high_int = _number(high_text, high_col)
            if not low < high:
                raise OverrideError(f"the range needs LOW < HIGH, got {low:g}:{high:g}", base)
            return Parameter(path, (), low, high, low_int and high_int, text, index, (base, high_col))
        values, cols = [], []
        for token, offset in _split_values(value_text):
            col = base + offset + (len(token) - len(token.lstrip()))
            if not token.strip():
                raise OverrideError("empty value (two commas in a row, or a trailing comma?)", col)
            values.append(parse_value(token.strip(), col))
            cols.append(col)
        if len(set(map(repr, values))) != len(values):
            raise OverrideError("a value is listed twice", base)
        return Parameter(path, tuple(values), None, None, False, text, index, tuple(cols))
    except OverrideError as exc:
        raise ScenarioError([_error(index, exc.col, format_path(path), exc.message)]) from None


def parse_parameters(texts: Sequence[str]) -> list[Parameter]:
    """Parse every ``--param`` option, collecting all errors.

    Raises:
        ScenarioError: With every malformed option, located at ``--param:N:COL``.
    """
    params, errors = [], []
    for index, text in enumerate(texts, start=1):
        try:
            params.append(parse_parameter(text, index))
        except ScenarioError as exc:
            errors.extend(exc.errors)
    seen: dict[tuple, int] = {}
    for p in params:
        if p.path in seen:
            errors.append(_error(p.index, 1, p.name, f"the same path is already swept by --param {seen[p.path]}"))
        seen.setdefault(p.path, p.index)
    if errors:
        raise ScenarioError(errors)
    if not params:
        raise ScenarioError([_error(1, 1, "", "give at least one --param PATH=VALUES or PATH=LOW:HIGH")])
    return params


def typed_parameters(document: Mapping[str, Any], parameters: Sequence[Parameter]) -> list[Parameter]:
    """The parameters with each range's kind taken from the schema: a range over a real-valued field is continuous.

    ``PATH=0:1`` is written with whole-number ends, which alone would make an integer range; on a
    field the schema declares as a real number (a probability, a rate) it means the interval [0, 1],
    never the two values {0, 1}. Ranges over integer fields, and over paths the schema does not
    know (validation reports those), keep the kind their ends gave them.
    """
    out = []
    for p in parameters:
        if p.is_range and p.integer and schema_type(document, p.path) is float:
            p = replace(p, integer=False)
        out.append(p)
    return out


def validate_parameters(
    document: Mapping[str, Any], parameters: Sequence[Parameter], fixed: Sequence[Override] = ()
) -> None:
    """Check every listed value and both ends of every range against the scenario schema.

    Each value is applied alone on top of ``document`` and ``fixed`` (the ``--set`` options), so a bad
    path or an out-of-range value is reported at the ``--param`` option and column that wrote it.

    Raises:
        ScenarioError: With every problem, located at ``--param:N:COL``.
    """
    errors: list[LocatedError] = []
    seen: set[tuple[int, str, str]] = set()
    for p in parameters:
        for value, col in p.checkpoints():
            try:
                load_scenario_data(document, [*fixed, (p.path, value)])
            except ScenarioError as exc:
                for e in exc.errors:
                    if e.file == "--set" and e.line == len(fixed) + 1:
                        if (p.index, e.path, e.message) not in seen:  # a bad path fails at both ends: say it once
                            seen.add((p.index, e.path, e.message))
                            where = 1 if _about_path(e.message) else col
                            errors.append(_error(p.index, where, e.path or p.name, e.message))
                    else:
                        errors.append(e)
    if errors:
        raise ScenarioError(list(dict.fromkeys(errors)))


_PATH_PROBLEMS = ("unknown key", "index ", "is a list", "not a mapping", "missing required field")


def _about_path(message: str) -> bool:
    """Whether a scenario error is about the path of an override (so it points at column 1), not its value."""
    return message.startswith(_PATH_PROBLEMS) or " is a list: " in message or "not a mapping or a list" in message


@dataclass(frozen=True)
class Design:
    """The points of an experiment: one value per parameter at each point.

    Attributes:
        kind: ``grid``, ``lhs``, ``sobol`` (or ``saltelli``/``arms`` when built elsewhere).
        parameters: The swept parameters, in ``--param`` order.
        points: One tuple of values per point, in parameter order.
        seed: Seed of the generator that drew the points (unused by ``grid``).
    """

    kind: str
    parameters: tuple[Parameter, ...]
    points: tuple[tuple[Any, ...], ...]
    seed: int = 0

    def __len__(self) -> int:
        return len(self.points)

    def overrides(self, point: int) -> list[tuple[tuple[str | int, ...], Any]]:
        """The ``(path, value)`` overrides of one point, ready for ``load_scenario_data``."""
        return [(p.path, v) for p, v in zip(self.parameters, self.points[point], strict=True)]

    def scenario(self, document: Mapping[str, Any], point: int, fixed: Sequence[Override] = ()) -> Scenario:
        """The validated scenario of one point (``fixed`` overrides first, then the point's values).

        Raises:
            ScenarioError: With errors of the point's values relocated to ``--param:N:COL``.
        """
        try:
            return load_scenario_data(document, [*fixed, *self.overrides(point)])
        except ScenarioError as exc:
            raise ScenarioError([self._relocate(e, len(fixed), point) for e in exc.errors]) from None

    def _relocate(self, error: LocatedError, n_fixed: int, point: int) -> LocatedError:
        if error.file != "--set" or error.line <= n_fixed:
            return error
        j = error.line - n_fixed - 1
        p = self.parameters[j]
        message = f"{error.message} (design point {point}: {p.name}={self.points[point][j]!r})"
        return _error(p.index, p.value_cols[0], error.path, message)

    def frame(self) -> pd.DataFrame:
        """One row per point: ``point`` then one column per parameter (named by its path)."""
        data: dict[str, Any] = {"point": np.arange(len(self.points), dtype=np.int64)}
        for j, p in enumerate(self.parameters):
            data[p.name] = [pt[j] for pt in self.points]
        return pd.DataFrame(data)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (kind, seed, parameters, number of points)."""
        return {
            "kind": self.kind,
            "seed": self.seed,
            "n_points": len(self.points),
            "parameters": [p.to_dict() for p in self.parameters],
        }


def unit_to_values(parameters: Sequence[Parameter], unit: np.ndarray) -> tuple[tuple[Any, ...], ...]:
    """Map rows of a unit-hypercube sample, shape (n, d), to parameter values."""
    columns = [p.from_unit(unit[:, j]) for j, p in enumerate(parameters)]
    return tuple(zip(*columns, strict=True)) if columns else ()


def sobol_unit(d: int, n: int, seed: int) -> np.ndarray:
    """``n`` points of a scrambled Sobol' sequence in [0, 1)^d, seeded (balanced when n is a power of 2)."""
    sampler = qmc.Sobol(d, scramble=True, rng=np.random.default_rng(seed))
    if n > 0 and n & (n - 1) == 0:
        return sampler.random_base2(int(math.log2(n)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # balance properties need a power of 2; documented
        return sampler.random(n)


def make_design(parameters: Sequence[Parameter], kind: str = "grid", points: int = 5, seed: int = 0) -> Design:
    """Build the design.

    * ``grid``: the full factorial of every listed value and ``points`` evenly spaced levels of each
      range (integer ranges drop repeated levels); the first parameter varies slowest.
    * ``lhs``: ``points`` points of a Latin hypercube (``scipy.stats.qmc.LatinHypercube``).
    * ``sobol``: ``points`` points of a scrambled Sobol' sequence (``scipy.stats.qmc.Sobol``); a power
      of 2 keeps its balance properties.

    For ``lhs`` and ``sobol`` a listed-values parameter takes value ``i`` on ``[i/m, (i+1)/m)``.

    Args:
        parameters: The swept parameters.
        kind: One of :data:`DESIGN_KINDS`.
        points: Levels per range (grid) or number of points (lhs, sobol); at least 1.
        seed: Seed of the sampler (``numpy.random.default_rng(seed)``), so the design is reproducible.

    Returns:
        The design.

    Raises:
        ValueError: On an unknown kind or ``points < 1``.
    """
    if kind not in DESIGN_KINDS:
        raise ValueError(f"unknown design {kind!r}: expected one of {', '.join(DESIGN_KINDS)}")
    if points < 1:
        raise ValueError(f"points must be at least 1 (got {points})")
    params = tuple(parameters)
    if kind == "grid":  # count the points before building any: a grid grows as levels ** parameters
        check_design_size(math.prod(p.grid_size(points) for p in params), f"a grid of {len(params)} parameters")
        pts = tuple(itertools.product(*(p.grid_values(points) for p in params)))
    elif kind == "lhs":
        check_design_size(points, "a Latin hypercube")
        unit = qmc.LatinHypercube(len(params), rng=np.random.default_rng(seed)).random(points)
        pts = unit_to_values(params, unit)
    else:
        check_design_size(points, "a Sobol' design")
        pts = unit_to_values(params, sobol_unit(len(params), points, seed))
    return Design(kind, params, pts, seed)
