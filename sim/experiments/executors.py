"""Where chunks of runs are computed: in this process, on local worker processes, or on a Dask cluster.

Every executor has one method, :meth:`Executor.run`: it takes an iterable of tasks (``(key, args)``
pairs), calls a module-level function on each ``args`` somewhere, and yields ``(key, result)`` as
results arrive, in whatever order they finish. At most :attr:`Executor.window` tasks are in flight,
so a sweep of a million runs never queues (or holds) all of its work at once. Callers put results
back in order by key, so what they compute never depends on the executor or the number of workers.

Workers get ``NUMBA_CACHE_DIR`` (from this process's environment) and one Numba thread each: the
parallelism is across chunks, never inside one. Local workers ignore Ctrl-C (SIGINT): the parent
handles it and stops them (a chunk still running is abandoned, its process terminated), so one key
press gives one clean exit within a second, not a traceback per worker.

A worker process that dies, a Dask scheduler that goes away or cannot be reached: each ends the run
with :class:`LostWorkersError` (the results already handed out are kept by the caller, e.g. a
sweep's chunk store), never with the executor library's own exception.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sim.experiments.limits import LimitError, check_workers

__all__ = [
    "PLUGIN_NAME",
    "DaskExecutor",
    "Executor",
    "LostWorkersError",
    "ProcessExecutor",
    "SerialExecutor",
    "make_executor",
    "scheduler_address_problem",
    "start_worker",
    "worker_environment",
]


class LostWorkersError(RuntimeError):
    """The machines computing the chunks went away: a worker process died, or the Dask scheduler was
    lost or could not be reached. Work already handed back to the caller is unaffected.

    Attributes:
        where: The executor's description (``local processes (2 workers)``, ``dask at tcp://...``).
        reason: What happened, in one line.
    """

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"lost the workers ({where}): {reason}")
        self.where = where
        self.reason = reason


Task = tuple[Hashable, tuple[Any, ...]]

PLUGIN_NAME = "flashpoint-numba-environment"
"""Name under which the worker plugin is registered on a Dask cluster."""

SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
"""Schemes of a Dask scheduler's address (``distributed.comm``; ``inproc`` is in-process only, ``ucx``
needs the UCX library on both ends)."""

_HOST_PORT = re.compile(
    r"^(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.\-_]*[A-Za-z0-9])?):(?P<port>[0-9]{1,5})$"
)


def scheduler_address_problem(address: str) -> str | None:
    """Why ``address`` cannot be a Dask scheduler's address (checked before anything connects), or None.

    A scheduler is ``SCHEME://HOST:PORT`` with a scheme of :data:`SCHEDULER_SCHEMES`; a bare
    ``HOST:PORT`` means ``tcp://``, as in Dask. HOST is a name, an IPv4 address or an IPv6 address in
    brackets; PORT is 1 to 65535; nothing may follow (no path, no query).
    """
    scheme, separator, location = address.partition("://")
    if not separator:
        scheme, location = "tcp", address
    expected = "expected tcp://HOST:PORT, as the scheduler prints it (tls://, ws://, wss:// and ucx:// also work)"
    if scheme == "inproc":
        return f"inproc:// addresses a scheduler inside this process; {expected}"
    if scheme not in SCHEDULER_SCHEMES:
        return f"{scheme}:// is not a scheme of Dask's: {expected}, got {address!r}"
    match = _HOST_PORT.match(location)
    if match is None:
        return f"{expected}, got {address!r}"
    if not 1 <= int(match["port"]) <= 65535:
        return f"the port must be between 1 and 65535, got {match['port']}"
    return None


def worker_environment() -> dict[str, str]:
    """Environment every worker gets: one Numba thread, and this process's Numba cache if set."""
    env = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    if os.environ.get("NUMBA_CACHE_DIR"):
        env["NUMBA_CACHE_DIR"] = os.environ["NUMBA_CACHE_DIR"]
    return env


def start_worker(env: dict[str, str]) -> None:
    """Initializer of a local worker process: ignore Ctrl-C (the parent handles it), then :func:`apply_environment`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    apply_environment(env)


def apply_environment(env: dict[str, str]) -> None:
    """Set ``env`` in this (worker) process, then import numba and give it one thread.

    numba reads ``NUMBA_NUM_THREADS`` when its configuration loads, and refuses another value once its
    threads are launched (its next configuration reload raises). So the variable is set unless the threads
    run already, numba is imported (which completes an import another thread has under way, or a partial
    one left behind: both were seen in spawned workers of a loaded pytest-xdist run), and a configuration
    loaded before the variable was set is reloaded. Results never depend on the thread count; the time
    does. A failure here is left to the tasks, which would meet it with a clearer error than a dead worker.
    """
    import sys

    launched = bool(getattr(sys.modules.get("numba.np.ufunc.parallel"), "_is_initialized", False))
    for key, value in env.items():
        if not (key == "NUMBA_NUM_THREADS" and launched):
            os.environ[key] = value
    with contextlib.suppress(Exception):
        import numba

        if not launched:
            numba.core.config.reload_config()
        if "NUMBA_CACHE_DIR" in env:
            numba.config.CACHE_DIR = env["NUMBA_CACHE_DIR"]
        numba.set_num_threads(1)


class Executor:
    """Base class: runs tasks and yields ``(key, result)`` as they finish."""

    workers: int = 1
    name: str = "serial"
    lost: bool = False
    """Whether the workers were found gone (then :meth:`close` does not wait for them)."""

    @property
    def window(self) -> int:
        """Tasks kept in flight (twice the workers, so none idles while results are handled)."""
        return max(1, 2 * self.workers)

    def run(self, fn: Callable[..., Any], tasks: Iterable[Task]) -> Iterator[tuple[Hashable, Any]]:
        """Call ``fn(*args)`` for each ``(key, args)`` and yield ``(key, result)`` as results arrive."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the workers (the executor can not be used afterwards)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> str:
        """One line for messages: where the work runs."""
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"


class SerialExecutor(Executor):
    """Runs every task in this process, in order."""

    def run(self, fn: Callable[..., Any], tasks: Iterable[Task]) -> Iterator[tuple[Hashable, Any]]:
        for key, args in tasks:
            yield key, fn(*args)


class _FutureExecutor(Executor):
    """Shared sliding-window loop over futures (``concurrent.futures`` or ``distributed``)."""

    _in_flight: dict[Any, Hashable] = {}  # noqa: RUF012 (replaced, never mutated, on the class)

    def _submit(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        raise NotImplementedError

    def _wait(self, futures: set[Any]) -> set[Any]:
        raise NotImplementedError

    def _lost(self, exc: BaseException) -> str | None:
        """Why ``exc`` means the workers are gone (one line), or None if it is the task's own error."""
        return None

    def run(self, fn: Callable[..., Any], tasks: Iterable[Task]) -> Iterator[tuple[Hashable, Any]]:
        pending: dict[Any, Hashable] = {}
        self._in_flight = pending  # what close() finds here was abandoned (Ctrl-C, a Cancel, an error)
        source = iter(tasks)
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < self.window:
                    try:
                        key, args = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    pending[self._guarded(self._submit, fn, args)] = key
                if not pending:
                    return
                for future in self._guarded(self._wait, set(pending)):
                    key = pending.pop(future)
                    yield key, self._guarded(future.result)
        finally:
            for future in pending:
                with contextlib.suppress(Exception):
                    future.cancel()

    def _guarded(self, call: Callable[..., Any], *args: Any) -> Any:
        """``call(*args)``, with a lost worker or scheduler turned into :class:`LostWorkersError`."""
        try:
            return call(*args)
        except BaseException as exc:  # asyncio.CancelledError is not an Exception; Ctrl-C is never "lost"
            reason = self._lost(exc)
            if reason is None:
                raise
            self.lost = True
            raise LostWorkersError(self.describe(), reason) from exc


class ProcessExecutor(_FutureExecutor):
    """Local worker processes (``spawn``), each with :func:`worker_environment`."""

    name = "local processes"

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1 (got {workers})")
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker,
            initargs=(worker_environment(),),
        )

    def _submit(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        return self._pool.submit(fn, *args)

    def _wait(self, futures: set[Any]) -> set[Any]:
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        return done

    def _lost(self, exc: BaseException) -> str | None:
        if isinstance(exc, BrokenProcessPool):
            return "a worker process died (killed, or out of memory)"
        return None

    def close(self) -> None:
        """Release the workers; if work was abandoned (Ctrl-C, a Cancel, an error), stop them at once.

        A chunk already running in a worker cannot be interrupted (workers ignore Ctrl-C, and compiled
        code cannot be stopped) and its result is not wanted: waiting for it could take as long as the
        chunk, so its process is terminated instead.
        """
        if any(not future.done() for future in self._in_flight):
            for process in list(getattr(self._pool, "_processes", {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(_FutureExecutor):
    """Chunks on a Dask cluster: an existing scheduler (``tcp://HOST:PORT``) or a ``distributed.Client``.

    The workers must be able to import ``sim`` (same package version as here).
    """

    name = "dask"

    def __init__(self, scheduler: Any, timeout: float | None = None) -> None:
        """Connect (or adopt a client).

        Args:
            scheduler: ``tcp://HOST:PORT`` or a ``distributed.Client``.
            timeout: Seconds to reach the scheduler; by default Dask's ``distributed.comm.timeouts.connect``
                (30 s unless configured, e.g. ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s``).
        """
        import dask
        from distributed import Client

        if timeout is None:
            timeout = dask.config.get("distributed.comm.timeouts.connect")
        if isinstance(scheduler, str) and (problem := scheduler_address_problem(scheduler)):
            raise LimitError("--scheduler", problem)  # before a Client exists: none is left to close at exit
        if isinstance(scheduler, Client):
            self.client, self._owned = scheduler, False
        else:
            try:
                self.client, self._owned = Client(scheduler, timeout=timeout, set_as_default=False), True
            except (OSError, TimeoutError, ValueError) as exc:
                reason = f"cannot reach the scheduler: {_one_line(exc)}"
                raise LostWorkersError(f"dask at {scheduler}", reason) from exc
        self.address = self.client.scheduler.address
        try:
            self.client.register_plugin(_worker_plugin(worker_environment()), name=PLUGIN_NAME)
            threads = self.client.nthreads()
        except Exception as exc:
            reason = self._lost(exc)
            if reason is None:
                raise
            self.close()
            raise LostWorkersError(self.describe(), reason) from exc
        self.workers = max(1, sum(threads.values()))

    def _submit(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def _wait(self, futures: set[Any]) -> set[Any]:
        from distributed import wait as dask_wait

        with self.client.as_current():  # this client is not the process-wide default one
            done, _ = dask_wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done)

    def _lost(self, exc: BaseException) -> str | None:
        from distributed.client import FuturesCancelledError
        from distributed.comm.core import CommClosedError

        lost = (FuturesCancelledError, CancelledError, asyncio.CancelledError, CommClosedError, OSError, TimeoutError)
        if isinstance(exc, lost):
            return f"the scheduler or its workers went away ({_one_line(exc)})"
        return None

    def close(self) -> None:
        if not self._owned:
            return
        if not self.lost:
            self.client.close()
            return
        # A lost scheduler cannot be told goodbye: the client's reconnection attempt is cancelled,
        # and distributed logs that with a traceback; the loss was already reported in one line.
        names = [name for name in logging.root.manager.loggerDict if name.split(".")[0] == "distributed"]
        loggers = [logging.getLogger(name) for name in ["distributed", *names]]
        before = [logger.disabled for logger in loggers]
        try:
            for logger in loggers:
                logger.disabled = True
            with contextlib.suppress(Exception):
                self.client.close(timeout=5)
        finally:
            for logger, disabled in zip(loggers, before, strict=True):
                logger.disabled = disabled

    def describe(self) -> str:
        return f"dask at {self.address} ({getattr(self, 'workers', '?')} worker threads)"


def _worker_plugin(env: dict[str, str]) -> Any:
    """A ``distributed.WorkerPlugin`` that applies ``env`` in each worker as it joins (and in later ones)."""
    from distributed import WorkerPlugin

    class NumbaEnvironment(WorkerPlugin):
        idempotent = True

        def __init__(self, env: dict[str, str]) -> None:
            self.env = env

        def setup(self, worker: Any) -> None:
            apply_environment(self.env)

    return NumbaEnvironment(env)


def _one_line(exc: BaseException, size: int = 160) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= size else text[: size - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def make_executor(workers: int = 1, scheduler: Any = None) -> Executor:
    """The executor for ``--workers`` / ``--scheduler``.

    Args:
        workers: Local worker processes (1 computes in this process), at most the CPU cores
            available (:func:`sim.experiments.limits.check_workers`).
        scheduler: A Dask scheduler address ``tcp://HOST:PORT`` or a ``distributed.Client``; when
            given, ``workers`` is ignored and the cluster's worker threads are used.

    Returns:
        The executor; use it as a context manager to release the workers.

    Raises:
        LimitError: If ``workers`` is out of bounds, or ``scheduler`` is not an address of a Dask scheduler.
        LostWorkersError: If the scheduler cannot be reached.
    """
    if scheduler is not None:
        return DaskExecutor(scheduler)
    check_workers(workers)
    if workers == 1:
        return SerialExecutor()
    return ProcessExecutor(workers)
