"""Output directories: checked before any run, written all at once at the end.

``--out DIR`` means the same for ``run``, ``compare``, ``sweep`` and ``sensitivity``: a directory that
receives every file the command writes (``--figures DIR`` too, for figures only). :func:`check_output_dir`
runs before any computation: the path must be a directory or not exist yet, inside a directory where
this process can create files (tried for real, so a read-only disk is caught whoever runs it).

:class:`StagedOutput` writes a command's files into a hidden staging directory inside ``DIR`` and
moves them into place only when all are written. A failure (a full disk, Ctrl-C) removes the staging
directory and leaves ``DIR`` as it was: the old files or, after success, the new ones — never a mix of
complete and missing files from one run. A staging directory left by a killed process is removed by
the next command that writes to ``DIR``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["OutputError", "StagedOutput", "check_output_dir", "writing_to"]

STAGING_PREFIX = ".flashpoint-staging-"


class OutputError(OSError):
    """Writing the outputs failed (disk full, I/O error); nothing in the output directory was replaced.

    Attributes:
        directory: The output directory.
        reason: The system's message.
    """

    def __init__(self, directory: Path, reason: str) -> None:
        super().__init__(f"could not write the outputs to {directory}: {reason}")
        self.directory = directory
        self.reason = reason


@contextlib.contextmanager
def writing_to(directory: str | os.PathLike[str] | None) -> Iterator[None]:
    """Report a system error while an experiment writes its files (chunks, tables) as :class:`OutputError`."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(Path(directory or tempfile.gettempdir()), exc.strerror or str(exc)) from exc


def check_output_dir(path: str, option: str = "--out", files: Sequence[str] = ()) -> str | None:
    """Why ``path`` cannot be the output directory, or None if it can.

    Args:
        path: The directory (it may not exist yet).
        option: The option that named it, for the message.
        files: Names the command will write in it (none of them may be a directory).

    Returns:
        One line for a located error, or None.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        return f"'{path}' is a file: {option} names a directory, where the command writes its files"
    for name in files:
        if (target / name).is_dir():
            return f"'{target / name}' is a directory, where {option} writes the file {name}"
    ancestor = target
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"'{ancestor}' is a file, not a directory: cannot create '{path}'"
    try:
        fd, probe = tempfile.mkstemp(dir=ancestor, prefix=".flashpoint-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"cannot write in '{ancestor}': {exc.strerror or exc}"
    return None


class StagedOutput:
    """A staging directory inside ``directory``; its files replace those in ``directory`` at the end.

    Use as a context manager: write the files into the yielded directory; on a clean exit they are
    flushed to disk and renamed into ``directory`` (each rename is atomic); on any exception the
    staging directory is removed, ``directory`` is left as it was (and removed if this created it
    and it is empty), and an ``OSError`` is raised again as :class:`OutputError`.

    Args:
        directory: The output directory (created with its parents if needed).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.staging = self.directory / f"{STAGING_PREFIX}{os.getpid()}"
        self._created = False

    def __enter__(self) -> Path:
        try:
            self._created = not self.directory.exists()
            self.directory.mkdir(parents=True, exist_ok=True)
            _remove_stale_staging(self.directory)
            self.staging.mkdir()
        except OSError as exc:
            raise OutputError(self.directory, exc.strerror or str(exc)) from exc
        return self.staging

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if kind is None:
            try:
                self._commit()
                return
            except OSError as error:
                self._discard()
                raise OutputError(self.directory, error.strerror or str(error)) from error
        self._discard()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(self.directory, exc.strerror or str(exc)) from exc

    def _commit(self) -> None:
        names = sorted(os.listdir(self.staging))
        for name in names:
            with open(self.staging / name, "rb") as handle:
                os.fsync(handle.fileno())
        for name in names:
            os.replace(self.staging / name, self.directory / name)
        self.staging.rmdir()
        _fsync_dir(self.directory)

    def _discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        if self._created:
            with contextlib.suppress(OSError):
                self.directory.rmdir()  # only if empty


def _remove_stale_staging(directory: Path) -> None:
    """Remove staging directories of processes that are gone (killed while writing)."""
    for entry in directory.iterdir():
        if not entry.name.startswith(STAGING_PREFIX):
            continue
        pid = entry.name.removeprefix(STAGING_PREFIX)
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
