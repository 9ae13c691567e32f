"""The compiled twin engine: the reference model (:mod:`sim.model`) as a Numba discrete-event loop.

The scenario is compiled into flat tables (:mod:`~sim.kernels.engine.tables`), and one replication
runs in ``@njit`` code (:mod:`~sim.kernels.engine.loop`) that reproduces simpy's event order, the
reference engine's draws and arithmetic, and therefore its outcomes and event log exactly. Public
entry points: :func:`run_compiled`, :func:`run_many`, :func:`snapshot` and :func:`continue_from`
(see docs/engines.md). Importing this package compiles nothing; numba compiles (or loads from its
cache) on first call.
"""

from sim.kernels.engine.api import BatchOutcomes, CompiledRun, run_compiled, run_many
from sim.kernels.engine.fork import ModelState, continue_from, run_future, snapshot
from sim.kernels.engine.tables import CompiledScenario, compile_scenario

__all__ = [
    "BatchOutcomes",
    "CompiledRun",
    "CompiledScenario",
    "ModelState",
    "compile_scenario",
    "continue_from",
    "run_compiled",
    "run_future",
    "run_many",
    "snapshot",
]
