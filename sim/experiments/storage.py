"""Persist Monte Carlo results: per-run outcomes as Parquet, summaries as JSON.

Files are written to a temporary name next to the target and renamed into place, so an interrupted
write never leaves a truncated file under the final name.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_origin, get_type_hints

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.vocabulary import END_STATES, N_RUNGS, ROOT_CAUSES, RunOutcome

if TYPE_CHECKING:
    from sim.experiments.summary import MonteCarloSummary

__all__ = [
    "METADATA_KEY",
    "first_hours_columns",
    "frame_to_outcomes",
    "outcomes_to_frame",
    "per_rung_columns",
    "read_outcomes_parquet",
    "write_outcomes_parquet",
    "write_summary_json",
]

METADATA_KEY = b"flashpoint"
"""Parquet schema-metadata key holding the caller's metadata as JSON."""

FORMAT_KEY = b"flashpoint_format"
FORMAT = b"outcomes/2"

_NARROW: dict[str, pa.DataType] = {"max_rung": pa.int8()}
"""Fields stored in a narrower type than their Python type gives."""

_CATEGORIES: dict[str, tuple[str, ...]] = {"root_cause": ROOT_CAUSES, "end_state": END_STATES}
"""String fields stored as categories over a fixed vocabulary."""

_SCALAR_TYPES: dict[type, pa.DataType] = {int: pa.int64(), float: pa.float64(), bool: pa.bool_(), str: pa.string()}


def _field_kinds() -> list[tuple[str, Any]]:
    """Each field of :class:`RunOutcome` with its Python type, in declaration order, the per-tick trajectory
    last (so the scalar columns come first however the record grows)."""
    hints = get_type_hints(RunOutcome)
    kinds = [(f.name, hints[f.name]) for f in dataclasses.fields(RunOutcome)]
    return [k for k in kinds if not _is_trajectory(k[1])] + [k for k in kinds if _is_trajectory(k[1])]


def _is_per_rung(kind: Any) -> bool:
    return get_origin(kind) is tuple


def _is_trajectory(kind: Any) -> bool:
    return kind is np.ndarray


def per_rung_columns(name: str) -> list[str]:
    """Columns of a per-rung tuple field: ``NAME_0`` .. ``NAME_7``."""
    return [f"{name}_{k}" for k in range(N_RUNGS)]


def first_hours_columns() -> list[str]:
    """Column names of ``RunOutcome.first_hours``: ``first_hours_0`` .. ``first_hours_7``."""
    return per_rung_columns("first_hours")


def _arrow_type(name: str, kind: Any) -> pa.DataType:
    if name in _CATEGORIES:
        return pa.dictionary(pa.int8(), pa.string())
    if name in _NARROW:
        return _NARROW[name]
    if kind not in _SCALAR_TYPES:
        raise TypeError(f"RunOutcome.{name}: no column type for {kind!r}")
    return _SCALAR_TYPES[kind]


def _schema(trajectory: bool) -> pa.Schema:
    """Arrow schema of the per-run rows, derived from the fields of :class:`RunOutcome`.

    Scalars give one column each (``int`` → int64, ``float`` → float64, ``bool``, ``str``), a tuple
    field holds one value per rung and gives ``NAME_0 .. NAME_7`` (float64), the array field is the
    per-tick ``crisis_level`` list column (only with ``trajectory``).
    """
    fields = []
    for name, kind in _field_kinds():
        if _is_trajectory(kind):
            if trajectory:
                fields.append(pa.field(name, pa.list_(pa.int8())))
        elif _is_per_rung(kind):
            fields += [pa.field(col, pa.float64()) for col in per_rung_columns(name)]
        else:
            fields.append(pa.field(name, _arrow_type(name, kind)))
    return pa.schema(fields)


# --------------------------------------------------------------------------------------------------
# frames
# --------------------------------------------------------------------------------------------------


def outcomes_to_frame(outcomes: Sequence[RunOutcome], trajectory: bool = True) -> pd.DataFrame:
    """One row per run, one column per field of :class:`RunOutcome` (in declaration order).

    Columns today: ``run, seed, max_rung, first_hours_0..7, inadvertent, root_cause,
    engagements_true, engagements_false, hostile_strikes, contacts, drones_lost, ships_lost,
    satellites_lost, debris, severity, drawn_in, end_hours, end_state, flash_chains, flash_max_rungs,
    hours_first_shot_to_rung4`` and, if ``trajectory``, ``crisis_level`` (an int8 array per row), last.
    The columns follow the record's fields, so a field added to it appears here without a change.
    ``root_cause`` is categorical over ``ROOT_CAUSES`` and ``end_state`` over ``END_STATES``;
    never-reached rungs have NaN in ``first_hours_k``, a crisis that had not ended NaN in ``end_hours``.

    Args:
        outcomes: The runs.
        trajectory: Include the per-tick ``crisis_level`` column.

    Returns:
        The frame (a fresh RangeIndex).

    Raises:
        ValueError: If a per-rung field does not hold 8 values or a root cause is unknown.
    """
    cols: dict[str, Any] = {}
    for name, kind in _field_kinds():
        values = [getattr(o, name) for o in outcomes]
        if _is_trajectory(kind):
            if trajectory:
                cols[name] = pd.Series([np.asarray(v, dtype=np.int8) for v in values], dtype=object)
        elif _is_per_rung(kind):
            cols.update(zip(per_rung_columns(name), _per_rung(outcomes, name).T, strict=True))
        elif name in _CATEGORIES:
            unknown = set(values) - set(_CATEGORIES[name])
            if unknown:
                raise ValueError(
                    f"unknown {name.replace('_', ' ')}(s) {sorted(unknown)} (expected one of {_CATEGORIES[name]})"
                )
            cols[name] = pd.Categorical(values, categories=list(_CATEGORIES[name]))
        else:
            cols[name] = np.array(values, dtype=_arrow_type(name, kind).to_pandas_dtype())
    return pd.DataFrame(cols)


def _per_rung(outcomes: Sequence[RunOutcome], name: str) -> np.ndarray:
    table = np.full((len(outcomes), N_RUNGS), np.nan)
    for i, o in enumerate(outcomes):
        values = getattr(o, name)
        if len(values) != N_RUNGS:
            raise ValueError(f"run {o.run}: {name} holds {len(values)} values, expected {N_RUNGS}")
        table[i] = values
    return table


def frame_to_outcomes(frame: pd.DataFrame) -> list[RunOutcome]:
    """Rebuild :class:`RunOutcome` records from a frame written by :func:`outcomes_to_frame`.

    A field missing from the frame (a file written before the field existed) takes its default, if
    the record gives it one.

    Args:
        frame: A frame with the columns of :func:`outcomes_to_frame`, ``crisis_level`` included.

    Returns:
        The runs, in row order.

    Raises:
        KeyError: If a column without a default is missing.
    """
    columns: dict[str, Any] = {}
    defaults = {f.name: f.default for f in dataclasses.fields(RunOutcome) if f.default is not dataclasses.MISSING}
    for name, kind in _field_kinds():
        if _is_per_rung(kind):
            table = frame[per_rung_columns(name)].to_numpy(dtype=float)
            columns[name] = [tuple(float(v) for v in row) for row in table]
        elif name not in frame.columns and name in defaults:
            columns[name] = [defaults[name]] * len(frame)
        elif _is_trajectory(kind):
            columns[name] = [np.asarray(v, dtype=np.int8) for v in frame[name]]
        else:
            convert = bool if kind is bool else str if kind is str else kind
            columns[name] = [convert(v) for v in frame[name].tolist()]
    return [RunOutcome(**{name: values[i] for name, values in columns.items()}) for i in range(len(frame))]


# --------------------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------------------


def write_outcomes_parquet(
    outcomes: Sequence[RunOutcome],
    path: str | os.PathLike[str],
    metadata: dict[str, Any],
    trajectory: bool = True,
) -> Path:
    """Write one row per run to a zstd-compressed Parquet file.

    ``metadata`` (scenario name, seed, engine version, …) is stored as JSON in the Parquet schema
    metadata under ``b"flashpoint"``; numpy scalars/arrays and paths in it are converted.

    Args:
        outcomes: The runs.
        path: Target file; parent directories are created.
        metadata: JSON-serialisable dict describing the Monte Carlo.
        trajectory: Include the per-tick ``crisis_level`` list column.

    Returns:
        The path written.

    Raises:
        TypeError: If ``metadata`` holds something JSON cannot represent.
    """
    frame = outcomes_to_frame(outcomes, trajectory=trajectory)
    table = pa.Table.from_pandas(frame, schema=_schema(trajectory), preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[METADATA_KEY] = _dumps(metadata).encode("utf-8")
    meta[FORMAT_KEY] = FORMAT
    table = table.replace_schema_metadata(meta)
    target = Path(path)
    with _atomic(target) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return target


def read_outcomes_parquet(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a file written by :func:`write_outcomes_parquet`.

    Args:
        path: The Parquet file.

    Returns:
        ``(frame, metadata)``: the frame as :func:`outcomes_to_frame` builds it (``crisis_level`` as
        int8 arrays) and the stored metadata dict (empty if there is none).
    """
    table = pq.read_table(Path(path))
    raw = (table.schema.metadata or {}).get(METADATA_KEY)
    metadata = json.loads(raw.decode("utf-8")) if raw else {}
    frame = table.to_pandas()
    if "crisis_level" in frame.columns:
        frame["crisis_level"] = pd.Series(
            [np.asarray(v, dtype=np.int8) for v in frame["crisis_level"]], index=frame.index, dtype=object
        )
    return frame, metadata


def write_summary_json(summary: MonteCarloSummary, path: str | os.PathLike[str]) -> Path:
    """Write ``summary.to_dict()`` as strict JSON (no NaN; key order kept; 2-space indent).

    Args:
        summary: The Monte Carlo summary.
        path: Target file; parent directories are created.

    Returns:
        The path written.
    """
    text = json.dumps(summary.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    target = Path(path)
    with _atomic(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    raise TypeError(f"metadata value of type {type(obj).__name__} is not JSON-serialisable")


def _dumps(metadata: dict[str, Any]) -> str:
    def clean(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {str(k): clean(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [clean(x) for x in v]
        return v

    return json.dumps(clean(dict(metadata)), default=_json_default, allow_nan=False, sort_keys=True)


@contextmanager
def _atomic(target: Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``target``; rename it over ``target`` on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
