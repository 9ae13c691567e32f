"""A finished (or paused) reference model reduced to its outcome record."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.vocabulary import RunOutcome, shot_to_rung4

if TYPE_CHECKING:
    from sim.engines.reference.model import EscalationModel


def outcome_of(model: EscalationModel) -> RunOutcome:
    """Reduce a finished (or paused) model to its outcome record."""
    initial = max(actor.spec.initial_rung for actor in model.actors.values())
    max_rung = max(k for k, hours in enumerate(model.first_hours) if not math.isnan(hours))
    root = "none"
    if max_rung > initial:
        first = next(c for c in model.rung_changes if c.crisis_after >= max_rung > c.crisis_before)
        root = first.cause.root
    inadvertent = any(
        c.crisis_after > c.crisis_before and c.crisis_after >= 3 and c.cause.inadvertent for c in model.rung_changes
    )
    return RunOutcome(
        run=model.run_index,
        seed=model.seed,
        max_rung=int(max_rung),
        first_hours=tuple(float(h) for h in model.first_hours),
        inadvertent=inadvertent,
        root_cause=root,
        engagements_true=model.counts["engagements_true"],
        engagements_false=model.counts["engagements_false"],
        hostile_strikes=model.counts["hostile_strikes"],
        contacts=model.counts["contacts"],
        drones_lost=model.total_losses("drones"),
        ships_lost=model.total_losses("ships"),
        satellites_lost=model.total_losses("satellites"),
        debris=model.counts["debris"],
        severity=float(model.severity),
        drawn_in=len(model.drawn_in),
        end_hours=float(model.end_hours),
        end_state=model.end_state,
        flash_chains=len(model.flash.chains),
        flash_max_rungs=model.flash.max_rise,
        hours_first_shot_to_rung4=shot_to_rung4(model.first_shot_hours, model.first_hours[4]),
        crisis_level=np.asarray(model.crisis_level_history, dtype=np.int8),
    )
