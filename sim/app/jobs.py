"""Background jobs for the app: long work runs in a thread so the page stays responsive.

A job's function gets a :class:`Progress` to report ``(done, total)``; the page reads it from a
fragment that reruns every half second. With ``inline=True`` (what the app's tests use) the job
runs to completion in the caller's thread, exercising the same code synchronously.

A job can be cancelled (:meth:`Job.cancel`, the page's Cancel button): the next progress report
raises :class:`JobCancelledError` inside the job's function, which unwinds like any error — worker
processes are shut down, nothing is kept — and the job ends with :attr:`Job.cancelled` set. The
experiments report progress after every chunk, so a cancel takes effect within one chunk of work.
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["Job", "JobCancelledError", "JobQueue", "Progress", "start_job"]

CANCELLED = "cancelled before it finished"
""":attr:`Job.error` of a cancelled job."""


class JobCancelledError(Exception):
    """Raised inside a job's function, at its next progress report, once the job is cancelled."""


class Progress:
    """Thread-safe ``(done, total)`` counter shared between a job and the page; it carries the cancel request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self.done = 0
        self.total = 0
        self.note = ""
        """What the job is doing now, when it is not plain progress ("waiting for the engine ...")."""

    def __call__(self, done: int, total: int) -> None:
        """Record progress (the signature of the experiments' progress callbacks).

        Raises:
            JobCancelledError: If the job was cancelled: the work stops here.
        """
        with self._lock:
            self.done, self.total = int(done), int(total)
        if self._cancel.is_set():
            raise JobCancelledError(CANCELLED)

    def cancel(self) -> None:
        """Ask the job to stop at its next progress report."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancel.is_set()

    @property
    def fraction(self) -> float:
        """Share done, 0-1 (0 before the first report)."""
        with self._lock:
            return min(1.0, self.done / self.total) if self.total > 0 else 0.0


class Job:
    """One unit of background work and its result.

    Args:
        fn: Called with the job's :class:`Progress`; its return value becomes :attr:`result`.
        label: What the job does, for the page.

    Attributes:
        id: A unique id (figures and tables computed from the result are cached under it).
    """

    def __init__(self, fn: Callable[[Progress], Any], label: str) -> None:
        self.queue: JobQueue | None = None
        self.id = uuid.uuid4().hex
        self.label = label
        self.progress = Progress()
        self.result: Any = None
        self.error: str | None = None
        self.cancelled = False
        self.started = time.monotonic()
        self.finished_at: float | None = None
        self._fn = fn
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, inline: bool = False) -> Job:
        """Run the job in a daemon thread, or right here when ``inline``."""
        if inline:
            self._run()
        else:
            self._thread = threading.Thread(target=self._run, name=f"flashpoint-job-{self.label}", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        self.started = time.monotonic()
        if self.progress.cancel_requested:  # cancelled while it waited in a queue
            self.cancelled, self.error = True, CANCELLED
            self.finished_at = time.monotonic()
            self._done.set()
            return
        try:
            self.result = self._fn(self.progress)
        except JobCancelledError:
            self.cancelled, self.error = True, CANCELLED
        except Exception as exc:  # the page shows the error; the app keeps working
            self.error = f"{type(exc).__name__}: {exc}"
            self.traceback = traceback.format_exc()
        finally:
            self.finished_at = time.monotonic()
            self._done.set()

    def cancel(self) -> None:
        """Stop the job at its next progress report, or before it starts if it is queued (nothing once finished)."""
        self.progress.cancel()
        if self.queue is not None:
            self.queue.drop(self)

    @property
    def waiting(self) -> int:
        """Jobs ahead of this one in its queue, plus one (0: not waiting in a queue)."""
        return self.queue.position(self) if self.queue is not None else 0

    @property
    def done(self) -> bool:
        """Whether the job has finished (successfully or not)."""
        return self._done.is_set()

    @property
    def elapsed(self) -> float:
        """Seconds since the start (until the end once finished)."""
        return (self.finished_at or time.monotonic()) - self.started

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job finishes; returns whether it did."""
        return self._done.wait(timeout)


def start_job(fn: Callable[[Progress], Any], label: str, inline: bool = False) -> Job:
    """Create and start a :class:`Job`."""
    return Job(fn, label).start(inline)


class JobQueue:
    """Jobs run one after another in one background thread, in the order submitted.

    Requests from several seats (each cell's odds, White's) share the machine's cores: run together,
    each would take as long as all of them. A queued job shows its place in the queue and can be
    cancelled before it starts; nothing submitted is ever dropped silently.
    """

    def __init__(self, name: str = "flashpoint-queue") -> None:
        self.name = name
        self._lock = threading.Condition()
        self._waiting: list[Job] = []
        self._thread: threading.Thread | None = None

    def submit(self, job: Job) -> Job:
        """Queue a job (started by the queue's thread when its turn comes)."""
        with self._lock:
            job.queue = self
            self._waiting.append(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name=self.name, daemon=True)
                self._thread.start()
            self._lock.notify()
        return job

    def position(self, job: Job) -> int:
        """1 for the next job to run, 2 for the one after, ...; 0 once it runs (or if it is not queued)."""
        with self._lock:
            return self._waiting.index(job) + 1 if job in self._waiting else 0

    def drop(self, job: Job) -> None:
        """Take a queued job out of the queue: it ends as cancelled without running."""
        with self._lock:
            if job not in self._waiting:
                return
            self._waiting.remove(job)
        job._run()  # sees the cancel request and ends at once

    def __len__(self) -> int:
        with self._lock:
            return len(self._waiting)

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._waiting:
                    if not self._lock.wait(timeout=60.0):
                        self._thread = None
                        return
                job = self._waiting.pop(0)
            job._run()
