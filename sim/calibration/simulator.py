"""Parameters in, statistics out: one evaluation of a calibration (the compiled engine, common to all targets).

An evaluation sets the fitted parameters on every simulation's scenario, runs each simulation's runs with a
seed derived from the targets' seed and the parameter values (so an evaluation is reproducible, and two
parameter sets do not share their dice), and computes every target's statistic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from sim.calibration.statistics import statistic_value
from sim.calibration.targets import Targets
from sim.engines import run_many
from sim.scenario import load_scenario, load_scenario_data, parse_override, parse_path
from sim.scenario.schema import Scenario

__all__ = ["Simulator", "evaluation_seed"]


def evaluation_seed(seed: int, values: Sequence[float]) -> int:
    """A seed for one evaluation: a hash of the master seed and the parameter values, below 2**63."""
    digest = hashlib.blake2b(np.asarray(values, dtype=np.float64).tobytes(), key=seed.to_bytes(8, "little"))
    return int.from_bytes(digest.digest()[:8], "little") >> 1


class Simulator:
    """The statistics of the targets as a function of the fitted parameters.

    Args:
        targets: The loaded targets file.
        threads: numba threads per evaluation (default: numba's setting; 1 when evaluations run in parallel).
        checks: Also compute the checks (role ``check``); the ABC distance needs only the targets, so the
            fit leaves them (and any simulation only they use) out.
        runs_factor: Runs per simulation in multiples of the file's (the predictive check uses more, so that
            the noise of the simulation is small against the observation's).
    """

    def __init__(self, targets: Targets, threads: int | None = None, checks: bool = True, runs_factor: int = 1) -> None:
        self.targets = targets
        self.threads = threads
        self.runs_factor = int(runs_factor)
        self.paths = [p.path for p in targets.parameters]
        self._keys = [parse_path(path) for path in self.paths]
        self.named = targets.targets if checks else targets.fitted
        used = {t.simulation for t in self.named}
        self._documents = {
            key: load_scenario(targets.resolve(s.scenario), [parse_override(o) for o in s.set]).model_dump(mode="json")
            for key, s in targets.simulations.items()
            if key in used
        }

    def scenario(self, simulation: str, values: Sequence[float]) -> Scenario:
        """One simulation's scenario with the fitted parameters set to ``values``."""
        overrides = list(zip(self._keys, (float(v) for v in values), strict=True))
        return load_scenario_data(self._documents[simulation], overrides)

    def __call__(self, values: Sequence[float], seed: int | None = None) -> dict[str, float]:
        """Every target's statistic at ``values`` (in the order of the file's parameters).

        Args:
            values: One value per fitted parameter.
            seed: The runs' seed (default: :func:`evaluation_seed` of the targets' seed and the values).
        """
        seed = evaluation_seed(self.targets.seed, values) if seed is None else seed
        stats: dict[str, float] = {}
        for key, simulation in self.targets.simulations.items():
            if key not in self._documents:
                continue
            scenario = self.scenario(key, values)
            outcomes = run_many(scenario, seed, range(simulation.runs * self.runs_factor), threads=self.threads)
            for target in self.named:
                if target.simulation == key:
                    stats[target.name] = statistic_value(target.statistic, outcomes, scenario)
        return stats
