"""Counter-based random draws for the model: every draw is a hash of (seed, run, entity, purpose, counter).

A draw never depends on processing order, thread count or backend: the counter is per (entity,
purpose), so two engines that make the same draws for the same entity and purpose get the same
numbers (BRIEF §5).
"""

from __future__ import annotations

from sim.engines.shared.purposes import Purpose
from sim.kernels.rng import uniform

__all__ = ["Draws", "Purpose"]


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
