"""The mutable state of one replication: a namedtuple of preallocated arrays.

A workspace is allocated once per thread (or per call) by :func:`new_workspace` and reset at the
start of every replication; the kernels write nothing else. Scalars live in two small arrays,
``iscal`` and ``fscal``, at the indices below. Tables that grow with the run (the heap, processes,
pending responses, operator queues, the event log and cause chains) have fixed capacities plus one
scratch row: when a table is full the kernels write to the scratch row, flag ``OVERFLOW`` and stop,
and the Python wrapper runs that replication again with larger tables.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from sim.engines.compiled.layout import N_LOG_ARGS, N_PF, N_PI, N_PURPOSES

Workspace = namedtuple(
    "Workspace",
    [
        "iscal",
        "fscal",
        "counters",
        "h_time",
        "h_prio",
        "h_seq",
        "h_kind",
        "h_slot",
        "h_meta",
        "rung",
        "posture",
        "last_root",
        "last_node",
        "attacked",
        "drawn",
        "trust",
        "isr_lost",
        "violated",
        "losses",
        "complies",
        "users",
        "busy_tracks",
        "qlen",
        "queue",
        "drones",
        "ships",
        "disabled",
        "autonomy",
        "wanted",
        "rounds",
        "accrued",
        "tracked",
        "fresh",
        "first_hours",
        "root_first",
        "proc_i",
        "proc_f",
        "resp_i",
        "resp_f",
        "log_code",
        "log_time",
        "log_args",
        "log_chain",
        "node_parent",
        "node_id",
        "history",
        "hit",
        "chain_i",
        "chain_f",
        "answered",
    ],
)

# iscal indices
IS_SEED = 0
IS_RUN = 1
IS_LOG = 2
IS_STATUS = 3
IS_NPROC = 4
IS_NRESP = 5
IS_NLOG = 6
IS_NNODE = 7
IS_ENG_TRUE = 8
IS_ENG_FALSE = 9
IS_DEBRIS = 10
IS_COLLISIONS = 11
IS_INADVERTENT = 12
IS_TICK = 13
"""Ticks completed."""
IS_STRIKES = 14
IS_CONTACTS = 15
IS_DRAWN_IN = 16
IS_END_STATE = 17
IS_BLIND = 18
"""1 while a teacher blind-spot episode lasts."""
IS_BROKEN = 19
"""1 once the ASAT moratorium has been breached."""
IS_KEY = 20
"""The replication's stream key, ``stream_key(seed, run)`` (uint64 bits in an int64)."""
IS_NCHAIN = 21
"""Machine-speed chains so far (the next chain's number)."""
IS_FLASH_MAX = 22
"""The largest rise of the crisis level inside one chain so far."""
N_IS = 24

# fscal indices
FS_NOW = 0
FS_SEVERITY = 1
FS_END = 2
"""When the crisis first ended (NaN until it has)."""
FS_FIRST_SHOT = 3
"""When the run's first shot was fired (NaN before)."""
N_FS = 8
"""(Padded to a cache line: parallel workspaces are stacked, and these are written on every event.)"""

# resp_i columns (pending responses)
RI_ACTOR = 0
RI_BLAMED = 1
RI_PROVOCATION = 2
RI_ROOT = 3
RI_NODE = 4
RI_CANCELLED = 5
RI_PENDING = 6
"""Still in ``model.pending.responses`` (not yet decided nor stood down)."""
RI_OBLIGATION = 7
"""An ally's obligation: the rung it rises to (-1: the victim's own response, by doctrine)."""
RI_CHAIN = 8
"""The machine-speed chain whose exchange provoked the response (-1: none)."""
N_RI = 9

# resp_f columns
RF_DUE = 0
RF_LATENCY = 1
"""The time the leadership takes to decide (it reads the provocation worse with less)."""
N_RF = 2

# chain_i columns (machine-speed chains) and chain_f columns
CI_ROOT = 0
CI_NODE = 1
"""The cause chain of the chain's first shot (-1 when not logging)."""
CI_LEVEL0 = 2
CI_TOP = 3
CI_EXCHANGES = 4
CI_KINETIC = 5
N_CI = 6
CF_START = 0
CF_TOP = 1
N_CF = 2

# hit columns (stakes at the nuclear threshold)
HIT_STRATEGIC = 0
HIT_HOMELAND = 1

# capacity indices
CAP_HEAP = 0
CAP_PROCS = 1
CAP_RESPONSES = 2
CAP_QUEUE = 3
CAP_LOG = 4
CAP_NODES = 5
CAP_CHAINS = 6
N_CAPS = 7

DEFAULT_CAPS = (256, 512, 256, 64, 512, 1024, 32)
"""Default capacities; doubled (for the replications that need it) on overflow."""


@njit(cache=True)
def new_workspace(n_actors, n_assets, n_zones, n_entities, n_ticks, caps):
    """Allocate a workspace (capacities ``caps``; each growing table gets one scratch row).

    Args:
        n_actors, n_assets, n_zones, n_entities, n_ticks: Sizes of the compiled scenario.
        caps: int64 array of the capacities, indexed by ``CAP_*``.

    Returns:
        A :data:`Workspace`.
    """
    heap = caps[CAP_HEAP] + 1
    logs = caps[CAP_LOG] + 1
    return Workspace(
        np.zeros(N_IS, np.int64),
        np.zeros(N_FS, np.float64),
        np.zeros((n_entities, N_PURPOSES), np.int64),
        np.zeros(heap, np.float64),
        np.zeros(heap, np.int64),
        np.zeros(heap, np.int64),
        np.zeros(heap, np.int64),
        np.zeros(heap, np.int64),
        np.zeros(8, np.int64),
        np.zeros(n_actors, np.int64),
        np.zeros((n_actors, n_actors), np.int64),
        np.zeros((n_actors, n_actors), np.int64),
        np.zeros((n_actors, n_actors), np.int64),
        np.zeros(n_actors, np.int64),
        np.zeros(n_actors, np.int64),
        np.zeros(n_actors, np.float64),
        np.zeros(n_actors, np.int64),
        np.zeros(n_actors, np.int64),
        np.zeros((n_actors, 3), np.int64),
        np.zeros(n_actors, np.int64),
        np.zeros(n_actors, np.int64),
        np.zeros(n_actors, np.int64),
        np.zeros(n_actors, np.int64),
        np.zeros((n_actors, caps[CAP_QUEUE] + 1), np.int64),
        np.zeros(n_assets, np.int64),
        np.zeros(n_assets, np.int64),
        np.zeros(n_assets, np.int64),
        np.zeros(n_assets, np.int64),
        np.zeros(n_assets, np.int64),
        np.zeros(n_assets, np.int64),
        np.zeros(n_assets, np.float64),
        np.zeros(n_zones, np.int64),
        np.zeros(n_zones, np.float64),
        np.zeros(8, np.float64),
        np.zeros(8, np.int64),
        np.zeros((caps[CAP_PROCS] + 1, N_PI), np.int64),
        np.zeros((caps[CAP_PROCS] + 1, N_PF), np.float64),
        np.zeros((caps[CAP_RESPONSES] + 1, N_RI), np.int64),
        np.zeros((caps[CAP_RESPONSES] + 1, N_RF), np.float64),
        np.zeros(logs, np.int64),
        np.zeros(logs, np.float64),
        np.zeros((logs, N_LOG_ARGS), np.int64),
        np.zeros(logs, np.int64),
        np.zeros(caps[CAP_NODES] + 1, np.int64),
        np.zeros(caps[CAP_NODES] + 1, np.int64),
        np.zeros(max(n_ticks, 1), np.int64),
        np.zeros((n_actors, 2), np.int64),
        np.zeros((caps[CAP_CHAINS] + 1, N_CI), np.int64),
        np.zeros((caps[CAP_CHAINS] + 1, N_CF), np.float64),
        np.zeros((caps[CAP_CHAINS] + 1, n_assets), np.int64),
    )


def stacked_workspaces(count, n_actors, n_assets, n_zones, n_entities, n_ticks, caps):
    """``count`` workspaces stacked along a leading axis (one per slice of a batch; slice s is
    ``threads.workspace_slice(stack, s)``).

    Args:
        count: Number of workspaces.
        n_actors, n_assets, n_zones, n_entities, n_ticks: Sizes of the compiled scenario.
        caps: int64 array of the capacities, indexed by ``CAP_*``.

    Returns:
        A :data:`Workspace` whose every array has an extra leading axis of length ``count``.
    """
    one = new_workspace(n_actors, n_assets, n_zones, n_entities, n_ticks, np.asarray(caps, dtype=np.int64))
    return Workspace(*[np.zeros((count, *a.shape), a.dtype) for a in one])
