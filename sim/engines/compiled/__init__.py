"""The compiled twin engine: the reference model (:mod:`sim.engines.reference`) as a Numba discrete-event loop.

The scenario is compiled into flat tables (:mod:`~sim.engines.compiled.tables`), and one replication
runs in ``@njit`` code (:mod:`~sim.engines.compiled.loop`) that reproduces simpy's event order, the
reference engine's draws and arithmetic, and therefore its outcomes and event log exactly. Public
entry points: :func:`run_compiled`, :func:`run_many`, :func:`snapshot` and :func:`continue_from`
(see docs/engines.md). Importing this package compiles nothing; numba compiles (or loads from its
cache) on first call.
"""

from sim.engines.compiled import signatures

signatures.install()  # before any jitted function is compiled: one specialisation per function

from sim.engines.compiled.api import BatchOutcomes, CompiledRun, run_compiled, run_many  # noqa: E402
from sim.engines.compiled.fork import ModelState, continue_from, run_future, snapshot  # noqa: E402
from sim.engines.compiled.tables import CompiledScenario, compile_scenario  # noqa: E402

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
