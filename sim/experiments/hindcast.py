"""Hindcast: the model against real incidents held out of the fit (``flashpoint hindcast``, docs/validation.md).

For every question of the case library (:mod:`sim.experiments.hindcast_cases`) the question's scenario is run
(a Monte Carlo on either engine, optionally drawing parameters from a posterior), and the model's predictive
probability of the question's event is estimated with its 95% interval: a Wilson interval for a binary event
among the runs that meet ``given``, the run-clustered delta-method interval for a share (docs/model.md §16.2).
The baseline is estimated the same way (or read from the ICB crises).

**Scores.** A forecast probability q is clipped to [f, 1 − f] (f = the index's ``probability_floor``, 0.001:
Monte Carlo cannot tell one in a thousand from zero, and a log score of −∞ says nothing more than "the floor").
For a binary question with outcome y (1 if the event happened):

    probability of what happened  = q if y else 1 − q
    log score                      = ln(probability of what happened)          (0 is perfect; higher is better)
    Brier score                    = (q − y)²                                   (0 is perfect; lower is better)

For a share question observed as k of n events, the scores are the means over the n events,
(k ln q + (n − k) ln(1 − q)) / n and (k (1 − q)² + (n − k) q²) / n; the probability of what happened is the
binomial probability of exactly k, and the 95% predictive interval of k/n runs from the 2.5% quantile of
Bin(n, q_lo) to the 97.5% quantile of Bin(n, q_hi) (q_lo, q_hi: the model's interval), so it carries both the
small number of observed events and the Monte Carlo uncertainty.

The **aggregate** is the mean of each score over the questions of cases held out of the fit (out of sample);
in-sample cases are scored and shown but not counted. The Brier skill score is 1 − Brier(model) / Brier(baseline).
Each mean comes with an envelope: the mean with every question's probability at the end of its own 95% interval
that is worst (or best) for the score (:func:`score_range`), so the Monte Carlo uncertainty of the scores is
shown, conservatively (wider than a 95% interval of the mean).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from sim.experiments.hindcast_cases import (
    Case,
    CaseIndex,
    Condition,
    IcbBaseline,
    IcbCondition,
    ModelBaseline,
    Question,
    Share,
)
from sim.experiments.monte_carlo import run_monte_carlo
from sim.experiments.posterior import Posterior
from sim.experiments.stats import normal_quantile, wilson_interval
from sim.vocabulary import RunOutcome

__all__ = [
    "Aggregate",
    "Estimate",
    "Forecast",
    "HindcastResult",
    "QuestionResult",
    "run_hindcast",
    "score_binary",
    "score_share",
    "select_cases",
    "statistic",
]

CONFIDENCE = 0.95

ProgressCallback = Callable[[int, int, str], None]
"""Called with (simulations done, simulations in all, what is being simulated)."""


# --------------------------------------------------------------------------- estimates and scores


@dataclass(frozen=True)
class Estimate:
    """A probability estimated from runs (or crises) with its 95% interval.

    Attributes:
        p: The estimate (NaN when no run met the question's condition).
        lo: Lower end of the interval.
        hi: Upper end.
        successes: Runs with the event (or, for a share, the sum of the numerator).
        trials: Runs counted (or the sum of the denominator).
        method: ``wilson`` (binary events) or ``ratio`` (run-clustered delta method).
    """

    p: float
    lo: float
    hi: float
    successes: float
    trials: float
    method: str


@dataclass(frozen=True)
class Forecast:
    """A forecast and its scores against what happened.

    Attributes:
        estimate: The probability and its interval.
        scored: The probability scored: the estimate clipped to [floor, 1 − floor].
        p_happened: The forecast probability of what happened.
        log_score: Log score (higher is better, 0 perfect).
        brier: Brier score (lower is better, 0 perfect).
    """

    estimate: Estimate
    scored: float
    p_happened: float
    log_score: float
    brier: float


def _clip(p: float, floor: float) -> float:
    return min(max(p, floor), 1.0 - floor)


def score_binary(estimate: Estimate, happened: bool, floor: float) -> Forecast:
    """Score a binary forecast against what happened (NaN scores if the estimate is NaN)."""
    if math.isnan(estimate.p):
        nan = float("nan")
        return Forecast(estimate, nan, nan, nan, nan)
    q = _clip(estimate.p, floor)
    y = 1.0 if happened else 0.0
    p_happened = q if happened else 1.0 - q
    return Forecast(estimate, q, p_happened, math.log(p_happened), (q - y) ** 2)


def score_share(estimate: Estimate, count: int, of: int, floor: float) -> Forecast:
    """Score a share forecast against ``count`` events of ``of``: mean scores per event."""
    if math.isnan(estimate.p):
        nan = float("nan")
        return Forecast(estimate, nan, nan, nan, nan)
    q = _clip(estimate.p, floor)
    log_score = (count * math.log(q) + (of - count) * math.log(1.0 - q)) / of
    brier = (count * (1.0 - q) ** 2 + (of - count) * q**2) / of
    return Forecast(estimate, q, float(scipy_stats.binom.pmf(count, of, q)), log_score, brier)


def score_range(forecast: Forecast, observed: float, of: int, floor: float) -> tuple[float, float, float, float]:
    """The scores a forecast takes over its 95% interval: (log lo, log hi, Brier lo, Brier hi).

    Each score is a function of the scored probability q alone: for a binary question (``observed`` 0 or 1,
    ``of`` 1) monotone in q; for a share (``observed`` = k/n) the log score is concave and the Brier score convex
    in q, with their best value at q = k/n. So the extremes over q ∈ [lo, hi] (clipped to the floor) are at the
    ends or at k/n clipped into the interval. NaN when the estimate is NaN.
    """
    e = forecast.estimate
    if math.isnan(e.p):
        nan = float("nan")
        return nan, nan, nan, nan
    lo = _clip(e.lo if math.isfinite(e.lo) else e.p, floor)
    hi = _clip(e.hi if math.isfinite(e.hi) else e.p, floor)
    k = observed * of
    points = (lo, hi, min(max(observed, lo), hi))
    logs = [(k * math.log(q) + (of - k) * math.log(1.0 - q)) / of for q in points]
    briers = [(k * (1.0 - q) ** 2 + (of - k) * q**2) / of for q in points]
    return min(logs), max(logs), min(briers), max(briers)


def predictive_interval(estimate: Estimate, of: int, floor: float) -> tuple[float, float]:
    """95% predictive interval of a share observed over ``of`` events (Monte Carlo uncertainty included)."""
    if math.isnan(estimate.p):
        return float("nan"), float("nan")
    lo = _clip(estimate.lo if math.isfinite(estimate.lo) else estimate.p, floor)
    hi = _clip(estimate.hi if math.isfinite(estimate.hi) else estimate.p, floor)
    alpha = (1.0 - CONFIDENCE) / 2.0
    return float(scipy_stats.binom.ppf(alpha, of, lo)) / of, float(scipy_stats.binom.ppf(1.0 - alpha, of, hi)) / of


# --------------------------------------------------------------------------- statistics of runs


def statistic(outcome: RunOutcome, name: str) -> float:
    """One statistic of a run (see :data:`~sim.experiments.hindcast_cases.STATISTICS`)."""
    if name == "kinetic_incidents":
        return float(outcome.kinetic_incidents)
    return float(getattr(outcome, name))


def _meets(outcome: RunOutcome, condition: Condition | None) -> bool:
    return condition is None or all(bounds.holds(statistic(outcome, name)) for name, bounds in condition.items())


def binary_estimate(outcomes: Sequence[RunOutcome], given: Condition | None, event: Condition) -> Estimate:
    """The share of the runs meeting ``given`` that meet ``event``, with its Wilson interval."""
    counted = [o for o in outcomes if _meets(o, given)]
    n, x = len(counted), sum(1 for o in counted if _meets(o, event))
    if n == 0:
        return Estimate(float("nan"), 0.0, 1.0, 0.0, 0.0, "wilson")
    lo, hi = wilson_interval(x, n, CONFIDENCE)
    return Estimate(x / n, float(lo), float(hi), float(x), float(n), "wilson")


def share_estimate(outcomes: Sequence[RunOutcome], share: Share) -> Estimate:
    """Σ numerator / Σ denominator over the runs, with the run-clustered delta-method interval.

    Runs are the independent units, the events within a run are not: with x_i, y_i the run's numerator and
    denominator, R = Σx/Σy, u_i = x_i − R y_i, se = sqrt(Σu² / (n(n − 1))) / ȳ, interval clip(R ∓ z se, 0, 1).
    """
    x = np.array([sum(statistic(o, s) for s in share.numerator) for o in outcomes], dtype=float)
    y = np.array([sum(statistic(o, s) for s in share.denominator) for o in outcomes], dtype=float)
    total = float(y.sum())
    if total <= 0.0:
        return Estimate(float("nan"), 0.0, 1.0, float(x.sum()), 0.0, "ratio")
    r = float(x.sum()) / total
    if len(y) < 2:
        return Estimate(r, 0.0, 1.0, float(x.sum()), total, "ratio")
    u = x - r * y
    se = math.sqrt(float(np.sum(u * u)) / (len(y) * (len(y) - 1))) / float(y.mean())
    half = normal_quantile(CONFIDENCE) * se
    return Estimate(r, max(0.0, r - half), min(1.0, r + half), float(x.sum()), total, "ratio")


def icb_estimate(rows: Sequence[dict[str, int]], baseline: IcbBaseline) -> Estimate:
    """The share of the ICB crises (among ``baseline.among``) with the outcome ``baseline.event``."""

    def holds(row: dict[str, int], condition: IcbCondition) -> bool:
        ok = condition.viol is None or row["viol"] in condition.viol
        return ok and (condition.ended_within_days is None or row["brexit"] <= condition.ended_within_days)

    among = [row for row in rows if baseline.among is None or holds(row, baseline.among)]
    n, x = len(among), sum(1 for row in among if holds(row, baseline.event))
    if n == 0:
        return Estimate(float("nan"), 0.0, 1.0, 0.0, 0.0, "wilson")
    lo, hi = wilson_interval(x, n, CONFIDENCE)
    return Estimate(x / n, float(lo), float(hi), float(x), float(n), "wilson")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class QuestionResult:
    """One question: the model's forecast, the baseline's, and what happened.

    Attributes:
        case: Case id.
        question: Question id.
        title: The incident.
        text: The question.
        in_sample: Whether the case is in the calibration's sample (left out of the aggregate).
        sample_reason: Why it is in or out of sample.
        kind: ``binary`` or ``share``.
        happened: Binary: whether the event happened.
        observed_count: Share: events counted (e.g. fratricides).
        observed_of: Share: events in all (e.g. engagements).
        scenario: The scenario file run.
        runs: Runs made.
        model: The model's forecast and scores.
        baseline: The baseline's forecast and scores.
        baseline_kind: ``icb`` or ``model``.
        baseline_note: What the baseline is.
        predictive_lo: Share: lower end of the 95% predictive interval of the observed share.
        predictive_hi: Share: upper end.
    """

    case: str
    question: str
    title: str
    text: str
    in_sample: bool
    sample_reason: str
    kind: str
    happened: bool | None
    observed_count: int | None
    observed_of: int | None
    scenario: str
    runs: int
    model: Forecast
    baseline: Forecast
    baseline_kind: str
    baseline_note: str
    predictive_lo: float = float("nan")
    predictive_hi: float = float("nan")

    @property
    def key(self) -> str:
        """``case/question``."""
        return f"{self.case}/{self.question}"

    @property
    def observed(self) -> float:
        """What happened as a number: 1 or 0 for a binary question, the observed share for a share question."""
        if self.kind == "share":
            return (self.observed_count or 0) / (self.observed_of or 1)
        return 1.0 if self.happened else 0.0

    @property
    def inside_predictive(self) -> bool | None:
        """Share: whether the observed share lies in the model's 95% predictive interval."""
        if self.kind != "share" or math.isnan(self.predictive_lo):
            return None
        return self.predictive_lo <= self.observed <= self.predictive_hi

    def score_ranges(self, forecast: Forecast, floor: float) -> tuple[float, float, float, float]:
        """(log lo, log hi, Brier lo, Brier hi) of ``forecast`` over its 95% interval (:func:`score_range`)."""
        of = (self.observed_of or 1) if self.kind == "share" else 1
        return score_range(forecast, self.observed, of, floor)

    def happened_interval(self, forecast: Forecast) -> tuple[float, float]:
        """The 95% interval of a binary forecast's probability of what happened (NaN for a share question)."""
        e = forecast.estimate
        if self.kind == "share" or math.isnan(e.p):
            return float("nan"), float("nan")
        return (e.lo, e.hi) if self.happened else (1.0 - e.hi, 1.0 - e.lo)

    def record(self) -> dict[str, Any]:
        """The question as one flat row (for the table, CSV and Parquet)."""
        m, b = self.model, self.baseline
        m_lo, m_hi = self.happened_interval(m)
        b_lo, b_hi = self.happened_interval(b)
        return {
            "case": self.case,
            "question": self.question,
            "title": self.title,
            "sample": "in" if self.in_sample else "out",
            "kind": self.kind,
            "observed": self.observed,
            "happened": self.happened,
            "observed_count": self.observed_count,
            "observed_of": self.observed_of,
            "runs": self.runs,
            "runs_counted": m.estimate.trials if m.estimate.method == "wilson" else float(self.runs),
            "p_model": m.estimate.p,
            "p_model_lo": m.estimate.lo,
            "p_model_hi": m.estimate.hi,
            "p_happened_model": m.p_happened,
            "p_happened_model_lo": m_lo,
            "p_happened_model_hi": m_hi,
            "log_score_model": m.log_score,
            "brier_model": m.brier,
            "baseline_kind": self.baseline_kind,
            "p_baseline": b.estimate.p,
            "p_baseline_lo": b.estimate.lo,
            "p_baseline_hi": b.estimate.hi,
            "p_happened_baseline": b.p_happened,
            "p_happened_baseline_lo": b_lo,
            "p_happened_baseline_hi": b_hi,
            "log_score_baseline": b.log_score,
            "brier_baseline": b.brier,
            "predictive_lo": self.predictive_lo,
            "predictive_hi": self.predictive_hi,
            "scenario": self.scenario,
            "text": self.text,
        }


@dataclass(frozen=True)
class Aggregate:
    """Mean scores over a set of questions.

    Attributes:
        questions: Questions scored (those with an estimate).
        model_log_score: Mean log score of the model.
        baseline_log_score: Mean log score of the baselines.
        model_brier: Mean Brier score of the model.
        baseline_brier: Mean Brier score of the baselines.
        skipped: Questions left out because no run met their condition.
        model_log_score_range: (worst, best) mean log score of the model with every question's probability
            at the end of its own 95% interval that is worst (best) for it: an envelope of the Monte Carlo
            (and, for ICB baselines, sampling) uncertainty, wider than a 95% interval of the mean.
        baseline_log_score_range: The same for the baselines.
        model_brier_range: (best, worst) mean Brier score of the model, the same way.
        baseline_brier_range: The same for the baselines.
    """

    questions: int
    model_log_score: float
    baseline_log_score: float
    model_brier: float
    baseline_brier: float
    skipped: int = 0
    model_log_score_range: tuple[float, float] = (float("nan"), float("nan"))
    baseline_log_score_range: tuple[float, float] = (float("nan"), float("nan"))
    model_brier_range: tuple[float, float] = (float("nan"), float("nan"))
    baseline_brier_range: tuple[float, float] = (float("nan"), float("nan"))

    @property
    def brier_skill(self) -> float:
        """1 − Brier(model) / Brier(baseline): above 0 the model beats the baseline."""
        if not self.baseline_brier > 0.0:
            return float("nan")
        return 1.0 - self.model_brier / self.baseline_brier

    @property
    def log_score_difference_range(self) -> tuple[float, float]:
        """Envelope of (model − baseline) mean log score: above 0 at its lower end, the model is better."""
        return (
            self.model_log_score_range[0] - self.baseline_log_score_range[1],
            self.model_log_score_range[1] - self.baseline_log_score_range[0],
        )

    @property
    def brier_skill_range(self) -> tuple[float, float]:
        """Envelope of the Brier skill score (the model's worst Brier against the baseline's best, and back)."""
        m_lo, m_hi = self.model_brier_range
        b_lo, b_hi = self.baseline_brier_range
        if not (b_lo > 0.0 and b_hi > 0.0):
            return float("nan"), float("nan")
        return 1.0 - m_hi / b_lo, 1.0 - m_lo / b_hi


def aggregate(results: Sequence[QuestionResult], floor: float = 0.001) -> Aggregate:
    """Mean scores over ``results`` (questions whose scores are NaN are counted as skipped).

    The ranges are the means of each question's score range over its 95% interval (:func:`score_range`),
    with probabilities clipped to ``floor`` as the scores are.
    """
    scored = [r for r in results if not (math.isnan(r.model.log_score) or math.isnan(r.baseline.log_score))]
    if not scored:
        nan = float("nan")
        return Aggregate(0, nan, nan, nan, nan, len(results))

    def mean(values: list[float]) -> float:
        return float(np.mean(values))

    model = np.array([r.score_ranges(r.model, floor) for r in scored])
    baseline = np.array([r.score_ranges(r.baseline, floor) for r in scored])
    return Aggregate(
        len(scored),
        mean([r.model.log_score for r in scored]),
        mean([r.baseline.log_score for r in scored]),
        mean([r.model.brier for r in scored]),
        mean([r.baseline.brier for r in scored]),
        len(results) - len(scored),
        (float(model[:, 0].mean()), float(model[:, 1].mean())),
        (float(baseline[:, 0].mean()), float(baseline[:, 1].mean())),
        (float(model[:, 2].mean()), float(model[:, 3].mean())),
        (float(baseline[:, 2].mean()), float(baseline[:, 3].mean())),
    )


@dataclass(frozen=True)
class HindcastResult:
    """Every question's forecasts and the aggregate scores.

    Attributes:
        questions: One result per question, in index order.
        held: Held cases: id, title and what each needs.
        settings: Runs, seed, engine, posterior and probability floor.
    """

    questions: tuple[QuestionResult, ...]
    held: tuple[dict[str, Any], ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def out_of_sample(self) -> Aggregate:
        """Scores over the questions of cases held out of the fit: the headline."""
        return aggregate([q for q in self.questions if not q.in_sample], self._floor)

    @property
    def all_cases(self) -> Aggregate:
        """Scores over every question, in-sample cases included (for reference)."""
        return aggregate(self.questions, self._floor)

    @property
    def _floor(self) -> float:
        return float(self.settings.get("probability_floor", 0.001))

    def frame(self) -> pd.DataFrame:
        """One row per question (see :meth:`QuestionResult.record`)."""
        return pd.DataFrame([q.record() for q in self.questions])

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data (NaN as ``None``), for ``--json`` and ``hindcast.json``."""

        def agg(a: Aggregate) -> dict[str, Any]:
            return _plain(
                {
                    **asdict(a),
                    "brier_skill": a.brier_skill,
                    "brier_skill_range": a.brier_skill_range,
                    "log_score_difference_range": a.log_score_difference_range,
                }
            )

        questions = []
        for q in self.questions:
            row = _plain(q.record())
            row["sample_reason"] = q.sample_reason
            row["baseline_note"] = q.baseline_note
            row["inside_predictive"] = q.inside_predictive
            questions.append(row)
        return {
            "settings": _plain(self.settings),
            "questions": questions,
            "aggregate": {"out_of_sample": agg(self.out_of_sample), "all_cases": agg(self.all_cases)},
            "held": list(self.held),
        }


def _plain_value(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain_value(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain_value(value) for key, value in values.items()}


# --------------------------------------------------------------------------- running


def select_cases(index: CaseIndex, ids: Sequence[str] = ()) -> list[str]:
    """Case ids to run: ``ids`` in index order (all cases when empty).

    Raises:
        KeyError: With the first id that names no case (the message lists the known ones).
    """
    if not ids:
        return list(index.cases)
    for key in ids:
        if key not in index.cases:
            raise KeyError(key)
    return [key for key in index.cases if key in set(ids)]


class _Simulations:
    """Runs each scenario (file + overrides) once per hindcast, and counts what was run."""

    def __init__(self, index: CaseIndex, runs: int, seed: int, workers: int, engine: str, posterior) -> None:
        self.index, self.runs, self.seed, self.workers, self.engine = index, runs, seed, workers, engine
        self.posterior = posterior
        self._done: dict[tuple[str, tuple[str, ...]], tuple[RunOutcome, ...]] = {}

    def outcomes(self, file: str, overrides: Sequence[str]) -> tuple[RunOutcome, ...]:
        key = (file, tuple(overrides))
        if key not in self._done:
            scenario = self.index.scenario(file, tuple(overrides))
            result = run_monte_carlo(
                scenario,
                runs=self.runs,
                seed=self.seed,
                workers=self.workers,
                engine=self.engine,
                posterior=self.posterior,
            )
            self._done[key] = result.outcomes
        return self._done[key]


def _plan(index: CaseIndex, keys: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Every distinct (scenario, overrides) the chosen cases run, in order."""
    plan: list[tuple[str, tuple[str, ...]]] = []
    for key in keys:
        for q in index.cases[key].questions:
            wanted = [(q.scenario, tuple(q.set))]
            if isinstance(q.baseline, ModelBaseline):
                wanted.append((q.baseline.scenario or q.scenario, tuple(q.baseline.set)))
            plan += [w for w in wanted if w not in plan]
    return plan


def run_hindcast(
    index: CaseIndex,
    cases: Sequence[str] = (),
    runs: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    engine: str = "compiled",
    posterior: Posterior | str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
) -> HindcastResult:
    """Run the chosen cases (all by default) and score the model and the baselines.

    Args:
        index: The checked case index (:func:`~sim.experiments.hindcast_cases.load_cases`).
        cases: Case ids (default: every case).
        runs: Runs per scenario (default: the index's ``runs``).
        seed: Master seed (default: the index's ``seed``); every scenario runs with it.
        workers: Worker processes per Monte Carlo.
        engine: ``compiled`` or ``reference`` (equal outcomes).
        posterior: Draw each run's parameters from this posterior (``flashpoint calibrate``'s file); model
            baselines draw from it too. A posterior is fitted on one scenario (the default crisis, against the
            ICB record) and every case is another, so its binding is waived here: carrying the fitted
            behavioural parameters to the incidents is exactly what the hindcast scores.
        progress: Called after each scenario with (done, in all, scenario).

    Returns:
        The forecasts, scores and aggregate.

    Raises:
        KeyError: A case id the index does not have.
    """
    from sim.experiments.posterior import as_posterior

    keys = select_cases(index, cases)
    runs = index.runs if runs is None else runs
    seed = index.seed if seed is None else seed
    posterior = as_posterior(posterior)
    if posterior is not None:
        posterior = posterior.for_any_scenario()
    sims = _Simulations(index, runs, seed, workers, engine, posterior)
    plan = _plan(index, keys)
    for done, (file, overrides) in enumerate(plan, start=1):
        sims.outcomes(file, overrides)
        if progress is not None:
            progress(done, len(plan), file)
    rows = index.icb_rows()
    results = [
        _question(index, key, index.cases[key], q, sims, rows) for key in keys for q in index.cases[key].questions
    ]
    held = tuple(
        {"case": k, "title": h.title, "reason": h.reason, "needs": list(h.needs)} for k, h in index.held.items()
    )
    settings = {
        "runs": runs,
        "seed": seed,
        "engine": engine,
        "workers": workers,
        "posterior": posterior.describe() if posterior is not None else None,
        "probability_floor": index.probability_floor,
        "cases": list(keys),
    }
    return HindcastResult(tuple(results), held, settings)


def _estimate(
    outcomes: Sequence[RunOutcome], given: Condition | None, event: Condition | None, share: Share | None
) -> Estimate:
    if share is not None:
        return share_estimate(outcomes, share)
    assert event is not None
    return binary_estimate(outcomes, given, event)


def _question(
    index: CaseIndex, key: str, case: Case, q: Question, sims: _Simulations, rows: list[dict[str, int]]
) -> QuestionResult:
    floor = index.probability_floor
    model = _estimate(sims.outcomes(q.scenario, q.set), q.given, q.event, q.share)
    base = q.baseline
    if isinstance(base, IcbBaseline):
        baseline = icb_estimate(rows, base)
    else:
        outcomes = sims.outcomes(base.scenario or q.scenario, base.set)
        if base.share is not None:
            baseline = share_estimate(outcomes, base.share)
        elif base.event is not None or base.given is not None:
            baseline = _estimate(outcomes, base.given or q.given, base.event or q.event, None)
        else:
            baseline = _estimate(outcomes, q.given, q.event, q.share)
    common = {
        "case": key,
        "question": q.id,
        "title": case.title,
        "text": q.text,
        "in_sample": case.in_sample,
        "sample_reason": case.sample_reason,
        "kind": q.kind,
        "scenario": q.scenario,
        "runs": sims.runs,
        "baseline_kind": base.kind,
        "baseline_note": base.note,
    }
    if q.share is not None:
        assert q.observed is not None
        k, n = q.observed.count, q.observed.of
        lo, hi = predictive_interval(model, n, floor)
        return QuestionResult(
            **common,
            happened=None,
            observed_count=k,
            observed_of=n,
            model=score_share(model, k, n, floor),
            baseline=score_share(baseline, k, n, floor),
            predictive_lo=lo,
            predictive_hi=hi,
        )
    assert q.happened is not None
    return QuestionResult(
        **common,
        happened=q.happened,
        observed_count=None,
        observed_of=None,
        model=score_binary(model, q.happened, floor),
        baseline=score_binary(baseline, q.happened, floor),
    )
