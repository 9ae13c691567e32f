"""The lever catalogue: every lever of the scenario language, the two ends it is moved between, and the effect
docs/model.md states for it (metric, direction, and the shipped scenario where it shows).

:func:`measure` runs one lever on one scenario as a paired comparison on common random numbers
(:func:`sim.experiments.compare.compare`); :func:`measure_replicated` does so on several independent seeds and
pools them, with a p-value per cell for a correction over the whole table (:func:`correct`, Holm).
``benchmarks/lever_effects.py`` runs the whole catalogue on every shipped scenario and writes docs/levers.md and
docs/levers.json; tests/model/test_levers.py checks each lever's stated effect against the corrected table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.experiments.compare import compare, paired_estimate
from sim.experiments.stats import PairedDifference, holm, paired_p_value
from sim.scenario.schema import Scenario

__all__ = [
    "ALPHA",
    "LABELS",
    "LEVERS",
    "METRICS",
    "REPLICATES",
    "SCENARIOS",
    "Cell",
    "Lever",
    "correct",
    "measure",
    "measure_replicated",
    "metrics_of",
]

REPLICATES = 3
"""Independent seeds each cell of the lever table is measured on."""
ALPHA = 0.05
"""Family-wise error rate of the table (Holm over every cell)."""

SCENARIOS = ("taiwan_strait", "south_china_sea", "proliferation", "orbital_standoff", "peacetime_contact")
METRICS = ("p_ge_3", "p_ge_5", "p_inadvertent")
LABELS = {"p_ge_3": "P(≥3)", "p_ge_5": "P(≥5)", "p_inadvertent": "P(inadvertent)"}


@dataclass(frozen=True)
class Lever:
    """A lever, the two ends it is moved between, and the effect docs/model.md states for it.

    Attributes:
        name: Short name in the table.
        low: Overrides of the low arm, as a function of the scenario (so per-actor paths can be expanded).
        high: Overrides of the high arm.
        path: How the lever acts, in words (docs/model.md sections).
        metric: The metric through which the lever is stated to act (a known metric name).
        direction: +1 if the metric rises from low to high, -1 if it falls.
        scenario: The shipped scenario on which tests/model/test_levers.py checks that effect.
    """

    name: str
    low: Callable[[Scenario], list[str]]
    high: Callable[[Scenario], list[str]]
    path: str
    metric: str
    direction: int
    scenario: str


def _every_actor(field: str, value) -> Callable[[Scenario], list[str]]:
    return lambda s: [f"actors.{a}.{field}={value}" for a in s.actors]


def _every_asset(field: str, value) -> Callable[[Scenario], list[str]]:
    return lambda s: (
        [f"actors.{a}.{field}={value}" for a in s.actors] + [f"assets.{a}.{field}={value}" for a in s.assets]
    )


def _for_actor(actor: str, field: str, value) -> Callable[[Scenario], list[str]]:
    """One actor's field, in scenarios that have that actor."""
    return lambda s: [f"actors.{actor}.{field}={value}"] if actor in s.actors else []


def _set(*sets: str) -> Callable[[Scenario], list[str]]:
    return lambda s: list(sets)


def _controlled(value: float) -> Callable[[Scenario], list[str]]:
    """Domestic chips of every export-controlled actor."""
    return lambda s: [
        f"technology.domestic_chip_capacity.{a}={value}"
        for a, spec in s.actors.items()
        if spec.compute.export_controlled
    ]


ONE_OPERATOR = ("operators", 1)
"""Staffing at which raids saturate the operators (the review-timeout doctrine only acts then)."""

LEVERS: tuple[Lever, ...] = (
    Lever(
        "autonomy (every asset)",
        _every_asset("autonomy", "in_the_loop"),
        _every_asset("autonomy", "out_of_the_loop"),
        "§8: machine speed stops hostile contacts before they strike (fewer strikes) and engages more false flags",
        "p_inadvertent",
        +1,
        "taiwan_strait",
    ),
    Lever(
        "decision latency (every actor)",
        _every_actor("decision_latency_hours", 0.6),
        _every_actor("decision_latency_hours", 24),
        "§12.3, §12.5: leaders with more time misread and misattribute less, and the hotline's race is won more often",
        "p_ge_4",
        -1,
        "taiwan_strait",
    ),
    Lever(
        "self-defence rule (every actor)",
        _every_actor("self_defense", "hold"),
        _every_actor("self_defense", "defend_zone"),
        "§12.7: autonomous assets answer attacks on themselves and their zone-mates at machine speed, in chains "
        "that climb before any leader decides",
        "flash_chains",
        +1,
        "taiwan_strait",
    ),
    Lever(
        "operators per actor",
        _every_actor("operators", 1),
        _every_actor("operators", 100),
        "§8: a raid's tracks are shared by the operators, and load (tracks per operator) drives automation bias; "
        "a veto needs a free operator",
        "p_inadvertent",
        -1,
        "taiwan_strait",
    ),
    Lever(
        "automation bias",
        _set("parameters.command.automation_bias_per_alert=0"),
        _set("parameters.command.automation_bias_per_alert=10"),
        "§8: a loaded operator's criterion drops, so it approves more of the machine's calls",
        "p_inadvertent",
        +1,
        "taiwan_strait",
    ),
    Lever(
        "review timeout doctrine (one operator per actor)",
        lambda s: _every_actor(*ONE_OPERATOR)(s) + _every_actor("review_timeout", "hold")(s),
        lambda s: _every_actor(*ONE_OPERATOR)(s) + _every_actor("review_timeout", "engage")(s),
        "§8.2: a raid not cleared within the engagement window is engaged by default (or held); it acts only when "
        "raids saturate the operators, so both arms have one operator per actor",
        "engagements_false",
        +1,
        "taiwan_strait",
    ),
    Lever(
        "human-control norm",
        _set("policy.human_control_norm.enabled=false"),
        _set("policy.human_control_norm.enabled=true"),
        "§8.6: a complying committed actor's assets are capped at on the loop; violations are detected and answered",
        "engagements_false",
        -1,
        "taiwan_strait",
    ),
    Lever(
        "norm verification",
        _set("policy.human_control_norm.enabled=true", "policy.human_control_norm.verification=inspection"),
        _set("policy.human_control_norm.enabled=true", "policy.human_control_norm.verification=attestation"),
        "§8.6: faster detection deters violations (compliance) and brings their consequences sooner",
        "engagements_false",
        -1,
        "taiwan_strait",
    ),
    Lever(
        "ASAT moratorium",
        _set("policy.asat_test_moratorium.enabled=false"),
        _set("policy.asat_test_moratorium.enabled=true"),
        "§10.2: bound actors forgo destructive tests and direct-ascent strikes; a breach is answered",
        "p_ge_3",
        -1,
        "orbital_standoff",
    ),
    Lever(
        "orbital debris hazard (Kessler)",
        _set("parameters.space.fragment_hit_per_day=0", "parameters.space.collision_coefficient_per_day=0"),
        _set("parameters.space.fragment_hit_per_day=2e-05", "parameters.space.collision_coefficient_per_day=1e-10"),
        "§10: fresh fragments destroy satellites; a strategic one lost reads as an attack (entanglement); ISR "
        "losses blind classifiers",
        "satellites_lost",
        +1,
        "orbital_standoff",
    ),
    Lever(
        "hotline",
        _set("policy.hotline.enabled=false"),
        _set("policy.hotline.enabled=true"),
        "§12.5: clarifications stand responses down; §13: de-escalation and crisis endings are likelier",
        "p_inadvertent",
        -1,
        "south_china_sea",
    ),
    Lever(
        "hotline de-escalation bonus",
        _set("policy.hotline.deescalation_bonus=0"),
        _set("policy.hotline.deescalation_bonus=1"),
        "§13: the assumed bonus on the de-escalation and crisis-ending hazards of linked actors (not the race)",
        "p_ge_3",
        -1,
        "taiwan_strait",
    ),
    Lever(
        "hotline reliability",
        _set("policy.hotline.enabled=true", "policy.hotline.reliability=0"),
        _set("policy.hotline.enabled=true", "policy.hotline.reliability=1"),
        "§12.5: a clarification gets through and is believed more often",
        "p_inadvertent",
        -1,
        "south_china_sea",
    ),
    Lever(
        "incidents-at-sea rules",
        _set("policy.incidents_at_sea.enabled=false"),
        _set("policy.incidents_at_sea.enabled=true"),
        "§6, §7: fewer contacts at sea between committed actors, and a stricter criterion",
        "p_ge_3",
        -1,
        "taiwan_strait",
    ),
    Lever(
        "export controls",
        _set("technology.export_control_strength=0"),
        _set("technology.export_control_strength=1"),
        "§5: less compute for controlled actors: lower d′ (more false flags), smaller fleets, slower "
        "replenishment, a worse capability balance (less deliberate escalation by them)",
        "engagements_false",
        +1,
        "taiwan_strait",
    ),
    Lever(
        "domestic chips (controlled actors)",
        _controlled(0.0),
        _controlled(1.0),
        "§5: domestic compute restores d′ (fewer false flags), fleet, replenishment and balance (more deliberate "
        "escalation by the actor it puts ahead)",
        "engagements_false",
        -1,
        "taiwan_strait",
    ),
    Lever(
        "proliferation",
        _set("technology.proliferation.level=0"),
        _set("technology.proliferation.level=1"),
        "§5, §11: recipients field the distilled student (better d′, fewer of their own false flags, and the "
        "teacher's blind spots), and their attacks are blamed on the source state (misattribution)",
        "p_inadvertent",
        +1,
        "proliferation",
    ),
    Lever(
        "distillation fidelity",
        _set("technology.distillation.fidelity=0.5"),
        _set("technology.distillation.fidelity=1"),
        "§5: distilled students' capability (d′: fewer false flags; balance)",
        "engagements_false",
        -1,
        "proliferation",
    ),
    Lever(
        "teacher blind spots",
        _set("technology.distillation.blind_spot_severity=0"),
        _set("technology.distillation.blind_spot_severity=1"),
        "§7: during an episode every distilled student loses d′ at once (correlated errors)",
        "engagements_false",
        +1,
        "proliferation",
    ),
    Lever(
        "replenishment",
        _set("technology.replenishment_per_day=0"),
        _set("technology.replenishment_per_day=0.2"),
        "§5: drones and interceptor rounds replaced with compute during the crisis",
        "drones_lost",
        +1,
        "proliferation",
    ),
    Lever(
        "capability balance (window of opportunity)",
        _set("technology.balance_gain=0"),
        _set("technology.balance_gain=2"),
        "§13.1: an actor ahead escalates more readily, one behind less",
        "p_ge_3",
        +1,
        "taiwan_strait",
    ),
    Lever(
        "risk tolerance (every actor)",
        _every_actor("risk_tolerance", 0.0),
        _every_actor("risk_tolerance", 1.0),
        "§12.4: responses above the provocation are likelier",
        "p_ge_4",
        +1,
        "taiwan_strait",
    ),
    Lever(
        "PRC doctrine",
        _for_actor("PRC", "doctrine", "proportional"),
        _for_actor("PRC", "doctrine", "escalate_to_dominate"),
        "§12.4: an escalate-to-dominate actor answers above the provocation",
        "p_ge_4",
        +1,
        "taiwan_strait",
    ),
)


def metrics_of(lever: Lever) -> tuple[str, ...]:
    """The table's metrics, and the lever's own if it is not among them."""
    return METRICS if lever.metric in METRICS else (*METRICS, lever.metric)


def _arms(scenario: Scenario, lever: Lever) -> list[str] | None:
    low, high = lever.low(scenario), lever.high(scenario)
    if not low and not high:
        return None
    return [f"low:{','.join(low)}" if low else "low", f"high:{','.join(high)}" if high else "high"]


def measure(scenario: Scenario, lever: Lever, runs: int, seed: int) -> dict | None:
    """The paired differences high − low of one lever on one scenario (None if the lever has no hold there)."""
    arms = _arms(scenario, lever)
    if arms is None:
        return None
    metrics = metrics_of(lever)
    result = compare(scenario, arms, runs=runs, seed=seed, metrics=metrics)
    return {m: result.difference("high", m).paired for m in metrics}


@dataclass
class Cell:
    """One lever's effect high − low on one metric of one scenario, on independent replicates.

    Attributes:
        replicates: The paired difference on each seed.
        pooled: The paired difference over every pair of every replicate.
        p_value: Two-sided p-value of no effect, pooled (McNemar's exact test, or the paired t test).
        adjusted: The p-value after the correction over the whole table (NaN until :func:`correct`).
    """

    replicates: tuple[PairedDifference, ...]
    pooled: PairedDifference
    p_value: float
    adjusted: float = field(default=math.nan)

    @property
    def same_sign(self) -> bool:
        """Whether every replicate moved the metric the same (nonzero) way."""
        signs = {int(np.sign(d.diff)) for d in self.replicates}
        return len(signs) == 1 and 0 not in signs

    @property
    def survives(self) -> bool:
        """Significant after the correction, and the same sign in every replicate as in the pool."""
        return (
            self.adjusted < ALPHA
            and self.same_sign
            and int(np.sign(self.pooled.diff)) == int(np.sign(self.replicates[0].diff))
        )


def measure_replicated(scenario: Scenario, lever: Lever, runs: int, seeds: Sequence[int]) -> dict[str, Cell] | None:
    """One lever on one scenario on each seed (``runs`` pairs each), pooled; None if it has no hold there."""
    arms = _arms(scenario, lever)
    if arms is None:
        return None
    metrics = metrics_of(lever)
    per_seed = [compare(scenario, arms, runs=runs, seed=seed, metrics=metrics) for seed in seeds]
    cells = {}
    for m in metrics:
        high = np.concatenate([r.values("high", m) for r in per_seed])
        low = np.concatenate([r.values("low", m) for r in per_seed])
        pooled = paired_estimate(high, low, m)
        replicates = tuple(r.difference("high", m).paired for r in per_seed)
        cells[m] = Cell(replicates, pooled, paired_p_value(pooled, high, low))
    return cells


def correct(cells: Sequence[Cell]) -> None:
    """Holm's correction over the whole family of cells: fills each cell's ``adjusted`` p-value."""
    for cell, adjusted in zip(cells, holm([c.p_value for c in cells]), strict=True):
        cell.adjusted = float(adjusted)
