"""Tests of sim.experiments.storage: frames, Parquet round trip with metadata, summary JSON."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.experiments.storage import (
    METADATA_KEY,
    first_hours_columns,
    frame_to_outcomes,
    outcomes_to_frame,
    read_outcomes_parquet,
    write_outcomes_parquet,
    write_summary_json,
)
from sim.experiments.summary import summarize
from sim.vocabulary import N_RUNGS, ROOT_CAUSES, RunOutcome


def make_runs(n: int = 6, n_ticks: int = 12) -> list[RunOutcome]:
    """Run i reaches rung i % 5 at hour i + 1 (rung 0 at hour 0) and stays there."""
    runs = []
    for i in range(n):
        top = i % 5
        first = tuple(0.0 if k == 0 else (float(i + 1) if k <= top else math.nan) for k in range(N_RUNGS))
        level = np.zeros(n_ticks, dtype=np.int8)
        level[i:] = top
        runs.append(
            RunOutcome(
                run=i,
                seed=2**62 + 5,
                max_rung=top,
                first_hours=first,
                inadvertent=top >= 3 and i % 2 == 0,
                root_cause=ROOT_CAUSES[top % len(ROOT_CAUSES)],
                engagements_true=i,
                engagements_false=i // 2,
                hostile_strikes=i % 3,
                contacts=5 * i,
                drones_lost=2 * i,
                ships_lost=i % 2,
                satellites_lost=0,
                debris=10 * i,
                severity=1.5 * i,
                drawn_in=i % 2,
                end_hours=float(i) if i % 4 == 0 else math.nan,
                end_state=("settlement", "competition")[i % 2] if i % 4 == 0 else "none",
                crisis_level=level,
            )
        )
    return runs


def same_run(a: RunOutcome, b: RunOutcome) -> bool:
    """Equality field by field, NaN == NaN (tuples of NaN floats do not compare equal)."""
    for f in dataclasses.fields(RunOutcome):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
            continue
        if isinstance(x, tuple | np.ndarray):
            if not np.array_equal(np.asarray(x), np.asarray(y), equal_nan=np.asarray(x).dtype.kind == "f"):
                return False
        elif x != y:
            return False
    return True


def test_frame_layout() -> None:
    runs = make_runs()
    df = outcomes_to_frame(runs)
    assert len(df) == 6
    assert list(df.columns[:3]) == ["run", "seed", "max_rung"]
    assert list(df.columns[3:11]) == first_hours_columns() == [f"first_hours_{k}" for k in range(8)]
    assert df.columns[-1] == "crisis_level"
    assert df["max_rung"].dtype == np.int8
    assert isinstance(df["root_cause"].dtype, pd.CategoricalDtype)
    assert list(df["root_cause"].cat.categories) == list(ROOT_CAUSES)
    assert df["first_hours_2"].isna().sum() == 3  # runs 0, 1 and 5 top out at rungs 0, 1 and 0
    assert np.isnan(df.loc[0, "first_hours_1"]) and df.loc[3, "first_hours_3"] == 4.0
    assert df.loc[2, "crisis_level"].dtype == np.int8
    assert "crisis_level" not in outcomes_to_frame(runs, trajectory=False).columns


def test_frame_rejects_unknown_root_cause() -> None:
    bad = dataclasses.replace(make_runs(1)[0], root_cause="???")
    with pytest.raises(ValueError, match="unknown root cause"):
        outcomes_to_frame([bad])


def test_parquet_round_trip_with_metadata(tmp_path: Path) -> None:
    runs = make_runs()
    meta = {"scenario": "taiwan_strait", "seed": np.int64(20260101), "runs": 6, "engine": "mesa", "path": tmp_path}
    path = write_outcomes_parquet(runs, tmp_path / "sub" / "outcomes.parquet", meta)
    assert path.exists()
    assert [p.name for p in path.parent.iterdir()] == ["outcomes.parquet"]  # no temp file left

    frame, got = read_outcomes_parquet(path)
    assert got == {"scenario": "taiwan_strait", "seed": 20260101, "runs": 6, "engine": "mesa", "path": str(tmp_path)}
    expected = outcomes_to_frame(runs)
    pd.testing.assert_frame_equal(frame.drop(columns="crisis_level"), expected.drop(columns="crisis_level"))
    for a, b in zip(frame["crisis_level"], expected["crisis_level"], strict=True):
        assert a.dtype == np.int8 and np.array_equal(a, b)
    back = frame_to_outcomes(frame)
    assert all(same_run(a, b) for a, b in zip(runs, back, strict=True))

    pf = pq.ParquetFile(path)
    assert pf.metadata.row_group(0).column(0).compression == "ZSTD"
    assert json.loads(pf.schema_arrow.metadata[METADATA_KEY])["scenario"] == "taiwan_strait"


def test_parquet_without_trajectory(tmp_path: Path) -> None:
    path = write_outcomes_parquet(make_runs(), tmp_path / "o.parquet", {}, trajectory=False)
    frame, meta = read_outcomes_parquet(path)
    assert meta == {}
    assert "crisis_level" not in frame.columns and len(frame) == 6


def test_write_summary_json(tmp_path: Path) -> None:
    runs = make_runs(n=10)
    summary = summarize(runs, horizon_hours=12.0, tick_hours=1.0)
    path = write_summary_json(summary, tmp_path / "out" / "summary.json")
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text
    loaded = json.loads(text)
    assert loaded == summary.to_dict()
    assert list(loaded) == list(summary.to_dict())
