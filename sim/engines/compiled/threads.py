"""Slices of a batch on Python threads: the jitted slice releases the GIL, so the threads run in parallel.

A batch of replications is cut into slices, each with its own workspace and its own rows of the
outcome arrays. :func:`run_slices` calls a slice function for every slice on ``numba.get_num_threads()``
threads (the setting :func:`~sim.engines.compiled.api.numba_threads` changes). This replaces a
``parallel=True`` / ``prange`` kernel: the parallel wrapper cost a sixth of the engine's first compile
(numba re-optimises everything it inlines) for no speed the threads do not also give; each replication's
draws depend only on its seed and run index, so the slicing and the threads never change an outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba


def run_slices(count: int, work: Callable[[int], None]) -> None:
    """Call ``work(s)`` for every slice ``s < count``, on up to ``numba.get_num_threads()`` threads.

    Thread t takes a contiguous block of slices, as ``prange``'s static schedule does: slices that run at
    the same time are then far apart in the stacked workspaces. (Neighbours on two threads share cache
    lines through their small per-slice rows, which made two threads 17% slower per replication.)

    Raises:
        Exception: The first error a slice raised (the other threads are finished first).
    """
    threads = min(count, numba.get_num_threads())
    if threads <= 1:
        for s in range(count):
            work(s)
        return

    def block(t: int) -> None:
        for s in range(t * count // threads, (t + 1) * count // threads):
            work(s)

    with ThreadPoolExecutor(threads, thread_name_prefix="flashpoint-slice") as pool:
        for future in [pool.submit(block, t) for t in range(threads)]:
            future.result()


def workspace_slice(stack, s):
    """Workspace ``s`` of a stack of workspaces, as views (no copy)."""
    return type(stack)(*[a[s] for a in stack])
