"""A lock on an experiment's output, so two processes never write the same files.

The lock is a file beside the output (``points.parquet.lock``) holding the owner's PID, host and start
time, and locked with ``flock``. The kernel releases an ``flock`` when its owner dies, however it dies
(``kill -9`` included), so a lock file whose owner is gone is recognised as stale — nobody holds it —
and is taken over; a live owner is named in the error. ``flock`` works on local file systems; on a
network file system that does not support it two hosts are not kept apart.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

__all__ = ["LockedError", "OutputLock"]


class LockedError(RuntimeError):
    """The output is locked by another live process.

    Attributes:
        path: The lock file.
        owner: What the lock file says about its owner (``pid``, ``host``, ``started``), possibly empty.
    """

    def __init__(self, path: Path, owner: dict[str, Any]) -> None:
        self.path = path
        self.owner = owner
        who = f"PID {owner.get('pid', '?')}" + (f" on {owner['host']}" if owner.get("host") else "")
        since = f" since {owner['started']}" if owner.get("started") else ""
        super().__init__(
            f"{path.with_suffix('') if path.suffix == '.lock' else path} is being written by another flashpoint "
            f"process ({who}{since}); wait for it to finish, or choose another output"
        )


class OutputLock:
    """An exclusive lock on one output, held from :meth:`acquire` to :meth:`release`.

    Args:
        target: The output it protects; the lock file is ``<target>.lock``.
    """

    def __init__(self, target: str | os.PathLike[str]) -> None:
        target = Path(target)
        self.path = target.with_name(f"{target.name}.lock")
        self.stale_owner: dict[str, Any] | None = None
        self._fd: int | None = None
        self._made_directory = False

    def acquire(self) -> OutputLock:
        """Take the lock, or raise :class:`LockedError` at once if a live process holds it.

        A lock file left by a dead owner is taken over; its owner is kept in :attr:`stale_owner`.
        """
        import fcntl

        self._made_directory = not self.path.parent.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = _read_owner(fd)
                os.close(fd)
                raise LockedError(self.path, owner) from None
            if _same_file(fd, self.path):  # not unlinked by a previous owner between our open and flock
                break
            os.close(fd)
        previous = _read_owner(fd)
        self.stale_owner = previous or None
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(_owner()).encode("utf-8") + b"\n", 0)
        self._fd = fd
        return self

    def release(self) -> None:
        """Remove the lock file and release the lock (nothing if it is not held)."""
        if self._fd is None:
            return
        try:
            if _same_file(self._fd, self.path):
                self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)  # closing releases the flock
            self._fd = None
        if self._made_directory:
            with contextlib.suppress(OSError):
                self.path.parent.rmdir()  # only if nothing else was written there

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _owner() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime()),
    }


def _read_owner(fd: int) -> dict[str, Any]:
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace")
        owner = json.loads(text) if text.strip() else {}
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)
