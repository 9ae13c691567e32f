"""Finished chunks on disk, so an experiment killed at any moment can resume without losing or repeating runs.

A store is a directory beside the result file (``results.parquet.chunks/``) holding:

* ``manifest.json`` — what the experiment is (scenario hash, design, seed, runs, chunk size, engine);
  a resume checks that the request is the same experiment before reusing anything;
* ``p0000012-c000003.parquet`` — the rows of chunk 3 of design point 12.

Every file is written to a hidden temporary name, flushed to disk and renamed into place
(``os.replace`` is atomic), so a file under its final name is always complete: a ``kill -9`` at any
moment loses at most the chunks that were still computing. Leftover temporary files are ignored
and removed on the next open.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["ChunkStore", "ResumeError", "atomic_path"]

_CHUNK = re.compile(r"^p(\d{7})-c(\d{6})\.parquet$")
MANIFEST = "manifest.json"


class ResumeError(ValueError):
    """The store cannot be used for this request (another experiment, or exists without ``resume``)."""


@contextmanager
def atomic_path(target: Path, scratch: Path | None = None) -> Iterator[Path]:
    """Yield a hidden temporary file; on success, fsync it and rename it over ``target``.

    Args:
        target: The file to write.
        scratch: Directory of the temporary file, on the same file system as ``target`` (default:
            beside it). A sweep assembles its outputs in its chunk store, so a kill during assembly
            leaves no temporary file beside the outputs, and the next resume removes it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = (scratch or target.parent) / f".{target.name}.{os.getpid()}.tmp"
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


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


class ChunkStore:
    """A directory of finished chunks and the manifest of the experiment they belong to.

    Args:
        directory: The store's directory.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.directory / MANIFEST

    def exists(self) -> bool:
        """Whether a manifest was written here (an experiment was started)."""
        return self.manifest_path.is_file()

    def open(self, manifest: dict[str, Any], resume: bool = False, restart: bool = False) -> int:
        """Prepare the store for an experiment.

        Args:
            manifest: JSON-ready description of the experiment; must equal the stored one to resume.
            resume: Reuse the finished chunks of an interrupted run of the same experiment.
            restart: Discard whatever the directory holds and start over.

        Returns:
            The number of finished chunks that will be reused.

        Raises:
            ResumeError: If chunks of an experiment are there and neither ``resume`` nor ``restart``
                was asked, or ``resume`` was asked for a different experiment.
        """
        text = json.dumps(manifest, sort_keys=True, allow_nan=False)
        if self.directory.exists() and restart:
            shutil.rmtree(self.directory)
        if self.exists():
            stored = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            if not resume:
                raise ResumeError(
                    f"{self.directory} holds the chunks of an unfinished experiment: pass --resume to finish it, "
                    "or --restart to discard them"
                )
            if stored != json.loads(text):
                keys = sorted(k for k in set(stored) | set(manifest) if stored.get(k) != manifest.get(k))
                raise ResumeError(
                    f"cannot resume from {self.directory}: it belongs to a different experiment "
                    f"(differs in {', '.join(keys)}); use --restart to discard it"
                )
            self._clean_temporary()
            return len(self.finished())
        self.directory.mkdir(parents=True, exist_ok=True)
        self._clean_temporary()
        for stale in self.finished():  # chunks without a manifest: cannot be trusted
            self.chunk_path(*stale).unlink()
        with atomic_path(self.manifest_path) as tmp:
            tmp.write_text(text + "\n", encoding="utf-8")
        return 0

    def chunk_path(self, point: int, chunk: int) -> Path:
        """File of one chunk."""
        return self.directory / f"p{point:07d}-c{chunk:06d}.parquet"

    def finished(self) -> set[tuple[int, int]]:
        """``(point, chunk)`` of every chunk written completely."""
        if not self.directory.is_dir():
            return set()
        out = set()
        for entry in os.scandir(self.directory):
            match = _CHUNK.match(entry.name)
            if match:
                out.add((int(match.group(1)), int(match.group(2))))
        return out

    def write(self, point: int, chunk: int, table: pa.Table) -> Path:
        """Write one chunk atomically (zstd Parquet, a single row group)."""
        target = self.chunk_path(point, chunk)
        with atomic_path(target) as tmp:
            pq.write_table(table, tmp, compression="zstd", row_group_size=max(1, table.num_rows))
        return target

    def read(self, point: int, chunk: int) -> pa.Table:
        """Rows of one finished chunk."""
        return pq.read_table(self.chunk_path(point, chunk))

    def remove(self) -> None:
        """Delete the store (after the final files were written)."""
        shutil.rmtree(self.directory, ignore_errors=True)

    def _clean_temporary(self) -> None:
        for entry in os.scandir(self.directory):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                Path(entry.path).unlink(missing_ok=True)
