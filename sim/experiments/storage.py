"""Persist Monte Carlo results: per-run outcomes as Parquet, summaries as JSON.

Files are written to a temporary name next to the target and renamed into place, so an interrupted
write never leaves a truncated file under the final name.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    "read_outcomes_parquet",
    "write_outcomes_parquet",
    "write_summary_json",
]

METADATA_KEY = b"flashpoint"
"""Parquet schema-metadata key holding the caller's metadata as JSON."""

FORMAT_KEY = b"flashpoint_format"
FORMAT = b"outcomes/2"

_SCALARS: tuple[tuple[str, pa.DataType], ...] = (
    ("run", pa.int64()),
    ("seed", pa.int64()),
    ("max_rung", pa.int8()),
)
_TAIL: tuple[tuple[str, pa.DataType], ...] = (
    ("inadvertent", pa.bool_()),
    ("root_cause", pa.dictionary(pa.int8(), pa.string())),
    ("engagements_true", pa.int64()),
    ("engagements_false", pa.int64()),
    ("hostile_strikes", pa.int64()),
    ("contacts", pa.int64()),
    ("drones_lost", pa.int64()),
    ("ships_lost", pa.int64()),
    ("satellites_lost", pa.int64()),
    ("debris", pa.int64()),
    ("severity", pa.float64()),
    ("drawn_in", pa.int64()),
    ("end_hours", pa.float64()),
    ("end_state", pa.dictionary(pa.int8(), pa.string())),
)
_COUNTS = (
    "engagements_true",
    "engagements_false",
    "hostile_strikes",
    "contacts",
    "drones_lost",
    "ships_lost",
    "satellites_lost",
    "debris",
)


def first_hours_columns() -> list[str]:
    """Column names of ``RunOutcome.first_hours``: ``first_hours_0`` .. ``first_hours_7``."""
    return [f"first_hours_{k}" for k in range(N_RUNGS)]


def _schema(trajectory: bool) -> pa.Schema:
    fields = [pa.field(name, typ) for name, typ in _SCALARS]
    fields += [pa.field(name, pa.float64()) for name in first_hours_columns()]
    fields += [pa.field(name, typ) for name, typ in _TAIL]
    if trajectory:
        fields.append(pa.field("crisis_level", pa.list_(pa.int8())))
    return pa.schema(fields)


# --------------------------------------------------------------------------------------------------
# frames
# --------------------------------------------------------------------------------------------------


def outcomes_to_frame(outcomes: Sequence[RunOutcome], trajectory: bool = True) -> pd.DataFrame:
    """One row per run.

    Columns, in order: ``run, seed, max_rung, first_hours_0..7, inadvertent, root_cause,
    engagements_true, engagements_false, hostile_strikes, contacts, drones_lost, ships_lost,
    satellites_lost, debris, severity, drawn_in, end_hours, end_state`` and, if ``trajectory``,
    ``crisis_level`` (an int8 array per row). ``root_cause`` is categorical over ``ROOT_CAUSES`` and
    ``end_state`` over ``END_STATES``; never-reached rungs have NaN in ``first_hours_k``, a crisis that
    had not ended NaN in ``end_hours``.

    Args:
        outcomes: The runs.
        trajectory: Include the per-tick ``crisis_level`` column.

    Returns:
        The frame (a fresh RangeIndex).

    Raises:
        ValueError: If a run's ``first_hours`` does not hold 8 values or its root cause is unknown.
    """
    first = np.full((len(outcomes), N_RUNGS), np.nan)
    for i, o in enumerate(outcomes):
        if len(o.first_hours) != N_RUNGS:
            raise ValueError(f"run {o.run}: first_hours holds {len(o.first_hours)} values, expected {N_RUNGS}")
        first[i] = o.first_hours
    unknown = {o.root_cause for o in outcomes} - set(ROOT_CAUSES)
    if unknown:
        raise ValueError(f"unknown root cause(s) {sorted(unknown)} (expected one of {ROOT_CAUSES})")

    cols: dict[str, Any] = {
        "run": np.array([o.run for o in outcomes], dtype=np.int64),
        "seed": np.array([o.seed for o in outcomes], dtype=np.int64),
        "max_rung": np.array([o.max_rung for o in outcomes], dtype=np.int8),
    }
    for k, name in enumerate(first_hours_columns()):
        cols[name] = first[:, k]
    cols["inadvertent"] = np.array([bool(o.inadvertent) for o in outcomes], dtype=bool)
    cols["root_cause"] = pd.Categorical([o.root_cause for o in outcomes], categories=list(ROOT_CAUSES))
    for name in _COUNTS:
        cols[name] = np.array([getattr(o, name) for o in outcomes], dtype=np.int64)
    cols["severity"] = np.array([o.severity for o in outcomes], dtype=np.float64)
    cols["drawn_in"] = np.array([o.drawn_in for o in outcomes], dtype=np.int64)
    cols["end_hours"] = np.array([o.end_hours for o in outcomes], dtype=np.float64)
    cols["end_state"] = pd.Categorical([o.end_state for o in outcomes], categories=list(END_STATES))
    if trajectory:
        levels = pd.Series([np.asarray(o.crisis_level, dtype=np.int8) for o in outcomes], dtype=object)
        cols["crisis_level"] = levels
    return pd.DataFrame(cols)


def frame_to_outcomes(frame: pd.DataFrame) -> list[RunOutcome]:
    """Rebuild :class:`RunOutcome` records from a frame written by :func:`outcomes_to_frame`.

    Args:
        frame: A frame with every column of :func:`outcomes_to_frame`, ``crisis_level`` included.

    Returns:
        The runs, in row order.

    Raises:
        KeyError: If a column is missing.
    """
    first = frame[first_hours_columns()].to_numpy(dtype=float)
    out = []
    for i, row in enumerate(frame.itertuples(index=False)):
        out.append(
            RunOutcome(
                run=int(row.run),
                seed=int(row.seed),
                max_rung=int(row.max_rung),
                first_hours=tuple(float(v) for v in first[i]),
                inadvertent=bool(row.inadvertent),
                root_cause=str(row.root_cause),
                engagements_true=int(row.engagements_true),
                engagements_false=int(row.engagements_false),
                hostile_strikes=int(row.hostile_strikes),
                contacts=int(row.contacts),
                drones_lost=int(row.drones_lost),
                ships_lost=int(row.ships_lost),
                satellites_lost=int(row.satellites_lost),
                debris=int(row.debris),
                severity=float(row.severity),
                drawn_in=int(row.drawn_in),
                end_hours=float(row.end_hours),
                end_state=str(row.end_state),
                crisis_level=np.asarray(row.crisis_level, dtype=np.int8),
            )
        )
    return out


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
