"""Tests of sim.report.tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.experiments.summary import KM_RUNGS, MonteCarloSummary
from sim.report import tables
from sim.vocabulary import ROOT_CAUSES


@pytest.fixture
def summary(report_summary: MonteCarloSummary) -> MonteCarloSummary:
    return report_summary


def test_escalation_table(summary: MonteCarloSummary) -> None:
    df = tables.escalation_table(summary)
    assert list(df["rung"]) == list(range(8))
    np.testing.assert_allclose(df["p_at_least"], [p.p for p in summary.max_rung_at_least])
    assert df["p_exactly"].sum() == pytest.approx(1.0)
    assert (df["lo_at_least"] <= df["p_at_least"]).all() and (df["p_at_least"] <= df["hi_at_least"]).all()


def test_root_cause_table(summary: MonteCarloSummary) -> None:
    df = tables.root_cause_table(summary)
    assert list(df["root_cause"]) == list(ROOT_CAUSES)
    assert df["runs"].sum() == summary.n_runs
    assert not df.loc[df["root_cause"] == "deliberate", "inadvertent"].item()


def test_time_to_rung_table(summary: MonteCarloSummary) -> None:
    df = tables.time_to_rung_table(summary, at_days=[1, 3])
    assert list(df["rung"]) == list(KM_RUNGS)
    np.testing.assert_allclose(df["p_by_horizon"], [summary.p_at_least(k).p for k in KM_RUNGS])
    np.testing.assert_allclose(df["p_by_day_3"], df["p_by_horizon"])  # horizon is 3 days
    assert (df["p_by_day_1"] <= df["p_by_day_3"]).all()
    assert (df["q10_hours"].fillna(np.inf) <= df["median_hours"].fillna(np.inf)).all()


def test_measures_table(summary: MonteCarloSummary) -> None:
    df = tables.measures_table(summary)
    assert len(df) == 7  # 2 engagement kinds, 4 loss fields, severity
    assert df.loc[0, "total"] == summary.engagements_true.total


def test_to_markdown() -> None:
    df = pd.DataFrame({"name": ["a|b", "c"], "p": [0.5, float("nan")], "flag": [True, False]})
    text = tables.to_markdown(df, digits=2)
    assert text.splitlines() == [
        "| name | p | flag |",
        "|---|---:|---|",
        "| a\\|b | 0.50 | yes |",
        "| c | n/a | no |",
    ]
