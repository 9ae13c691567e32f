"""The hindcast case library's index (``hindcast/cases.yaml``): incidents, the questions asked of each, what
actually happened, the baselines, and whether a case is held out of the fit (docs/validation.md).

A **case** is a real incident. Each asks one or more **questions** of a scenario in ``hindcast/``:

* a *binary* question: among the runs that meet ``given`` (all runs if it is left out), the share that meet
  ``event``; ``happened`` says whether the event happened in history;
* a *share* question: the ratio of two counts summed over the runs (``share.numerator`` over
  ``share.denominator``), against an observed ``count`` of ``of``.

``given`` and ``event`` are conditions on a run's outcome record (:class:`~sim.vocabulary.RunOutcome`): each
names a statistic of :data:`STATISTICS` and an inclusive range. Every question states a **baseline**: the ICB
base rate of the same outcome among the 88 crises of the calibration (``kind: icb``), or the model's own
unconditioned scenario (``kind: model``: a scenario, ``--set`` overrides, and the same or another statistic).

A case is **in sample** when its crisis is one of the 88 ICB crises the calibration fits (``icb_crisis``, checked
against ``calibration/icb_us_ussr_crises.csv``) or its outcome is part of a calibration target
(``calibration_target``, checked against ``calibration/targets.yaml``); in-sample cases are run and shown but
left out of the aggregate scores. ``held`` lists incidents the model cannot represent yet, with what they need.

:func:`load_cases` reads and checks the index and every scenario it names; every problem is located at
``FILE:LINE:COL`` (in the index, or in the scenario file where the problem is).
"""

from __future__ import annotations

import csv
import datetime
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from sim.scenario import LocatedError, ScenarioError, load_scenario, load_yaml_model
from sim.scenario.errors import Path as DocPath
from sim.scenario.schema import Scenario

__all__ = [
    "MAX_CASES",
    "MAX_QUESTIONS",
    "STATISTICS",
    "Case",
    "CaseIndex",
    "Condition",
    "Held",
    "IcbBaseline",
    "IcbCondition",
    "ModelBaseline",
    "Question",
    "Range",
    "Share",
    "load_cases",
]

MAX_CASES = 100
"""Most cases (and most held cases) one index holds."""
MAX_QUESTIONS = 10
"""Most questions one case asks."""

STATISTICS = (
    "max_rung",
    "engagements_true",
    "engagements_false",
    "hostile_strikes",
    "kinetic_incidents",
    "contacts",
    "drones_lost",
    "ships_lost",
    "satellites_lost",
    "debris",
    "severity",
    "drawn_in",
    "end_hours",
    "inadvertent",
)
"""Statistics of one run a condition or a share can name: fields of :class:`~sim.vocabulary.RunOutcome`
(``inadvertent`` as 0 or 1, ``end_hours`` NaN when the crisis had not ended) and ``kinetic_incidents``."""

Statistic = Literal[STATISTICS]  # type: ignore[valid-type]
Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", min_length=1, max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Strict):
    """An inclusive range of a statistic; a missing bound is open. A NaN value (a crisis not ended) is never in it."""

    min: float | None = Field(default=None, allow_inf_nan=False, description="Smallest value in the range.")
    max: float | None = Field(default=None, allow_inf_nan=False, description="Largest value in the range.")

    def holds(self, value: float) -> bool:
        """Whether ``value`` is in the range."""
        if math.isnan(value):
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def text(self, name: str) -> str:
        """The range in words, e.g. ``max_rung >= 3`` or ``contacts = 1``."""
        if self.min is not None and self.min == self.max:
            return f"{name} = {self.min:g}"
        parts = []
        if self.min is not None:
            parts.append(f"{name} >= {self.min:g}")
        if self.max is not None:
            parts.append(f"{name} <= {self.max:g}")
        return " and ".join(parts)


Condition = dict[Statistic, Range]  # type: ignore[valid-type]
"""A condition on one run: every named statistic in its range."""


class Share(_Strict):
    """A ratio of two counts summed over the runs: sum of ``numerator`` over sum of ``denominator``."""

    numerator: list[Statistic] = Field(min_length=1, max_length=8, description="Statistics summed above the line.")  # type: ignore[valid-type]
    denominator: list[Statistic] = Field(min_length=1, max_length=8, description="Statistics summed below the line.")  # type: ignore[valid-type]


class Observed(_Strict):
    """What happened, for a share question: ``count`` of ``of`` events."""

    count: int = Field(ge=0, description="Events of the kind counted (e.g. fratricides).")
    of: int = Field(ge=1, description="Events in all (e.g. engagements).")


class IcbCondition(_Strict):
    """Crises of the ICB file: by highest violence (``viol`` codes 1-4) and/or by duration."""

    viol: list[Annotated[int, Field(ge=1, le=4)]] | None = Field(
        default=None, min_length=1, max_length=4, description="ICB violence codes: 1 none, 2 minor, 3 serious, 4 war."
    )
    ended_within_days: int | None = Field(default=None, ge=1, le=100_000, description="Duration (brexit) at most this.")


class IcbBaseline(_Strict):
    """The share of the 88 calibration crises (optionally among a subset) with the same outcome."""

    kind: Literal["icb"] = Field(description="ICB base rate.")
    event: IcbCondition = Field(description="The crises that count as the outcome.")
    among: IcbCondition | None = Field(default=None, description="The crises counted in (default: all 88).")
    note: Text = Field(description="How the question's outcome maps onto ICB codes.")


class ModelBaseline(_Strict):
    """The model's own unconditioned scenario: the same statistic (or another) on another scenario."""

    kind: Literal["model"] = Field(description="The model without the case's conditioning.")
    scenario: str | None = Field(
        default=None, max_length=1000, description="Scenario file, relative to the index (default: the question's)."
    )
    set: list[str] = Field(default_factory=list, max_length=64, description="--set overrides applied first.")
    given: Condition | None = Field(default=None, description="Runs counted (default: the question's).")
    event: Condition | None = Field(default=None, description="The event (default: the question's).")
    share: Share | None = Field(default=None, description="A ratio statistic instead of an event.")
    note: Text = Field(description="What this baseline leaves out of the case, and why it is the comparison.")


Baseline = Annotated[IcbBaseline | ModelBaseline, Field(discriminator="kind")]


class Question(_Strict):
    """One question asked of a scenario, with what actually happened."""

    id: Name = Field(description="Id of the question within its case.")
    text: Text = Field(description="The question in words.")
    scenario: str = Field(min_length=1, max_length=1000, description="Scenario file, relative to the index.")
    set: list[str] = Field(default_factory=list, max_length=64, description="--set overrides applied to it.")
    given: Condition | None = Field(default=None, description="The runs the question is about (default: all).")
    event: Condition | None = Field(default=None, description="Binary question: the event.")
    happened: bool | None = Field(default=None, description="Binary question: whether the event happened.")
    share: Share | None = Field(default=None, description="Share question: the ratio of counts.")
    observed: Observed | None = Field(default=None, description="Share question: what was observed.")
    evidence: Text = Field(description="What happened, with the docs/sources.md rows that say so.")
    baseline: Baseline = Field(description="The stated baseline.")

    @property
    def kind(self) -> str:
        """``binary`` or ``share``."""
        return "share" if self.share is not None else "binary"


class Case(_Strict):
    """A real incident and the questions asked of it."""

    title: Text = Field(description="The incident, e.g. 'USS Vincennes and Iran Air 655'.")
    date: datetime.date = Field(description="Date of the incident.")
    icb_crisis: int | None = Field(description="The ICB crisis (of the 88) the incident belongs to, or null.")
    icb_note: str = Field(default="", max_length=2000, description="Why the incident is or is not in an ICB crisis.")
    calibration_target: Name | None = Field(
        default=None, description="A calibration target whose observed value includes this incident's outcome."
    )
    sources: list[Text] = Field(min_length=1, max_length=40, description="docs/sources.md rows for the case.")
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS, description="The questions.")

    @property
    def in_sample(self) -> bool:
        """Whether the case's crisis or outcome is part of what the calibration fits."""
        return self.icb_crisis is not None or self.calibration_target is not None

    @property
    def sample_reason(self) -> str:
        """Why the case is in or out of sample, in words."""
        reasons = []
        if self.icb_crisis is not None:
            reasons.append(f"ICB crisis {self.icb_crisis} is among the 88 calibration crises")
        if self.calibration_target is not None:
            reasons.append(f"its outcome is part of the calibration target '{self.calibration_target}'")
        return "; ".join(reasons) if reasons else "neither its crisis nor its outcome is in the calibration"


class Held(_Strict):
    """An incident the model cannot represent yet: what it would need."""

    title: Text = Field(description="The incident.")
    date: datetime.date = Field(description="Date of the incident.")
    reason: Text = Field(description="Why it cannot be represented with the scenario language as it is.")
    needs: list[Text] = Field(min_length=1, max_length=20, description="Mechanisms it needs (docs/validation.md §7).")
    sources: list[Text] = Field(min_length=1, max_length=40, description="docs/sources.md rows for the case.")


class CaseIndex(_Strict):
    """The whole index file."""

    icb_crises: str = Field(min_length=1, max_length=1000, description="The 88 calibration crises (CSV), relative.")
    calibration_targets: str = Field(min_length=1, max_length=1000, description="The calibration targets file.")
    seed: int = Field(default=20261201, ge=0, le=2**62, description="Master seed of every question.")
    runs: int = Field(default=2000, ge=1, le=10_000_000, description="Default runs per question.")
    probability_floor: float = Field(
        default=0.001, gt=0.0, lt=0.5, description="Scored probabilities are clipped to [floor, 1 - floor]."
    )
    cases: dict[Name, Case] = Field(min_length=1, max_length=MAX_CASES, description="The cases, by id.")
    held: dict[Name, Held] = Field(default_factory=dict, max_length=MAX_CASES, description="Held cases, by id.")
    _base_dir: str = PrivateAttr(default=".")
    _scenarios: dict[tuple[str, tuple[str, ...]], Scenario] = PrivateAttr(default_factory=dict)

    def resolve(self, relative: str) -> Path:
        """A path named in the file, relative to the index's directory."""
        return Path(self._base_dir) / relative

    def scenario(self, file: str, overrides: tuple[str, ...] = ()) -> Scenario:
        """A scenario named in the index with overrides applied (loaded once, when the index was checked)."""
        key = (file, tuple(overrides))
        if key not in self._scenarios:
            self._scenarios[key] = load_scenario(self.resolve(file), list(overrides))
        return self._scenarios[key]

    def icb_rows(self) -> list[dict[str, int]]:
        """The calibration crises: ``crisno``, ``viol`` and ``brexit`` of each."""
        with open(self.resolve(self.icb_crises), encoding="utf-8-sig", newline="") as handle:
            return [{k: int(row[k]) for k in ("crisno", "viol", "brexit")} for row in csv.DictReader(handle)]


# --------------------------------------------------------------------------- checks


def _questions_problems(index: CaseIndex, side: list[LocatedError]) -> Iterator[tuple[DocPath, str]]:
    for key, case in index.cases.items():
        seen: set[str] = set()
        for i, question in enumerate(case.questions):
            where: DocPath = ("cases", key, "questions", i)
            if question.id in seen:
                yield (*where, "id"), f"a second question '{question.id}' in case '{key}'"
            seen.add(question.id)
            yield from _shape_problems(question, where)
            yield from _scenario_problems(index, question.scenario, question.set, where, side)
            baseline = question.baseline
            if isinstance(baseline, ModelBaseline):
                file = baseline.scenario or question.scenario
                yield from _scenario_problems(index, file, baseline.set, (*where, "baseline"), side)
                if baseline.share is not None and (baseline.event is not None or baseline.given is not None):
                    yield (*where, "baseline", "share"), "a baseline is a share or an event, not both"
            else:
                yield from _icb_condition_problems(baseline.event, (*where, "baseline", "event"))
                if baseline.among is not None:
                    yield from _icb_condition_problems(baseline.among, (*where, "baseline", "among"))


def _shape_problems(question: Question, where: DocPath) -> Iterator[tuple[DocPath, str]]:
    if question.share is not None:
        if question.event is not None or question.happened is not None:
            yield (*where, "share"), "a share question has 'observed', not 'event' or 'happened'"
        if question.observed is None:
            yield (*where, "share"), "a share question needs 'observed' (count of of)"
        elif question.observed.count > question.observed.of:
            yield (*where, "observed", "count"), f"more than 'of' ({question.observed.of})"
    else:
        if question.event is None:
            yield where, "a question needs 'event' (binary) or 'share'"
        if question.happened is None:
            yield where, "a binary question needs 'happened' (true or false)"
        if question.observed is not None:
            yield (*where, "observed"), "only a share question has 'observed'"
    for part in ("given", "event"):
        condition = getattr(question, part)
        if condition is not None and not condition:
            yield (*where, part), "an empty condition (name at least one statistic)"
        for name, bounds in (condition or {}).items():
            if bounds.min is None and bounds.max is None:
                yield (*where, part, name), "a range needs 'min', 'max' or both"
            elif bounds.min is not None and bounds.max is not None and bounds.min > bounds.max:
                yield (*where, part, name, "max"), f"below min ({bounds.min:g})"


def _icb_condition_problems(condition: IcbCondition, where: DocPath) -> Iterator[tuple[DocPath, str]]:
    if condition.viol is None and condition.ended_within_days is None:
        yield where, "name 'viol', 'ended_within_days' or both"


def _scenario_problems(
    index: CaseIndex, file: str, sets: list[str], where: DocPath, side: list[LocatedError]
) -> Iterator[tuple[DocPath, str]]:
    """Load a scenario; its own errors go to ``side`` (located in it), those of the overrides to the index."""
    path = index.resolve(file)
    if not path.is_file():
        yield (*where, "scenario"), f"no scenario file at {path}"
        return
    try:
        index.scenario(file, tuple(sets))
    except ScenarioError as exc:
        for error in exc.errors:
            if error.file == "--set" and 1 <= error.line <= len(sets):
                yield (*where, "set", error.line - 1), f"{error.path}: {error.message}"
            else:
                side.append(error)
    except ValueError as exc:  # an override that does not parse
        yield (*where, "set"), str(exc)


def _sample_problems(index: CaseIndex) -> Iterator[tuple[DocPath, str]]:
    crises = index.resolve(index.icb_crises)
    if not crises.is_file():
        yield ("icb_crises",), f"no file at {crises}"
        known: set[int] | None = None
    else:
        try:
            known = {row["crisno"] for row in index.icb_rows()}
        except (KeyError, ValueError) as exc:
            yield ("icb_crises",), f"not the ICB crises file (crisno, viol, brexit): {exc}"
            known = None
    targets = _target_names(index)
    if targets is None:
        yield ("calibration_targets",), f"no targets file at {index.resolve(index.calibration_targets)}"
    for key, case in index.cases.items():
        if known is not None and case.icb_crisis is not None and case.icb_crisis not in known:
            yield ("cases", key, "icb_crisis"), f"crisis {case.icb_crisis} is not among the {len(known)} in {crises}"
        if targets is not None and case.calibration_target is not None and case.calibration_target not in targets:
            yield ("cases", key, "calibration_target"), f"no target '{case.calibration_target}' in the targets file"


def _target_names(index: CaseIndex) -> set[str] | None:
    """Target names in the calibration targets file (read as plain YAML: only the names are needed)."""
    from ruamel.yaml import YAML

    path = index.resolve(index.calibration_targets)
    if not path.is_file():
        return None
    document = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    targets = document.get("targets", []) if isinstance(document, dict) else []
    return {t.get("name") for t in targets if isinstance(t, dict)}


def load_cases(path: str | os.PathLike[str]) -> CaseIndex:
    """Load and check the case index and every scenario it names.

    Args:
        path: The index file (``hindcast/cases.yaml``).

    Returns:
        The checked index, its scenarios loaded.

    Raises:
        ScenarioError: Every problem, at ``FILE:LINE:COL``: in the index (a missing file, an override a scenario
            does not take, an ICB crisis not among the 88, ...) or in the scenario file with the problem.
    """
    base = str(Path(path).resolve().parent)
    side: list[LocatedError] = []

    def checks(index: CaseIndex) -> Iterator[tuple[DocPath, str]]:
        index._base_dir = base
        yield from _sample_problems(index)
        yield from _questions_problems(index, side)

    try:
        index = load_yaml_model(path, CaseIndex, checks)
    except ScenarioError as exc:
        raise ScenarioError([*exc.errors, *side]) from None
    if side:
        raise ScenarioError(side)
    return index
