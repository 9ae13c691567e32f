"""Counter-based random draws for the model: every draw is a hash of (seed, run, entity, purpose, counter).

A draw never depends on processing order, thread count or backend: the counter is per (entity,
purpose), so two engines that make the same draws for the same entity and purpose get the same
numbers (BRIEF §5).
"""

from __future__ import annotations

from enum import IntEnum

from sim.kernels.rng import uniform


class Purpose(IntEnum):
    """What a draw is for; part of its hash, so purposes never share a stream."""

    ENCOUNTER_WAIT = 1
    ENCOUNTER_TARGET = 2
    ENCOUNTER_HOSTILE = 3
    INCSEA_THINNING = 4
    CLASSIFY = 5
    REVIEW_TIME = 6
    OPERATOR_CATCH = 7
    VETO = 8
    SALVO_INTERCEPT = 9
    SALVO_HIT = 10
    ATTRITION = 11
    ASAT_KILL = 12
    ATTRIBUTION = 13
    ATTRIBUTION_PICK = 14
    RESPONSE_LATENCY = 15
    RESPONSE_RUNG = 16
    ERROR_DISCOVERY = 17
    HOTLINE_LATENCY = 18
    HOTLINE_DELIVERY = 19
    FALSE_ALARM_WAIT = 20
    FALSE_ALARM_CATCH = 21
    FALSE_ALARM_BLAMED = 22
    HAZARD = 23
    HAZARD_COMPONENT = 24
    COLLISION = 25
    COLLISION_TARGET = 26
    NORM_COMPLIANCE = 27
    MORATORIUM = 28
    PLAYER_HOTLINE = 29


class Draws:
    """The random draws of one replication.

    Args:
        seed: Master seed of the Monte Carlo.
        run: Replication index.
    """

    def __init__(self, seed: int, run: int) -> None:
        self.seed = seed
        self.run = run
        self.counters: dict[tuple[int, int], int] = {}

    def u(self, entity: int, purpose: Purpose) -> float:
        """The next uniform in [0, 1) for this entity and purpose."""
        key = (entity, int(purpose))
        counter = self.counters.get(key, 0)
        self.counters[key] = counter + 1
        return float(uniform(self.seed, self.run, entity, int(purpose), counter))
