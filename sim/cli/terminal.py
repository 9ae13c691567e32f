"""Standard output and error that a scenario, a file name or an option cannot take over.

While a command runs, ``sys.stdout`` and ``sys.stderr`` are wrapped in :class:`SafeStream`, which
writes every control character (ESC, CR, C1 controls, bidirectional overrides; see
:mod:`sim.scenario.printable`) as a ``\\uXXXX`` escape. Whatever reaches them — a table, JSON, an
event log, an error that quotes the input, argparse's usage message — cannot clear the screen, retitle
the window or write the clipboard. JSON stays valid JSON with the same meaning. The progress bar is
the one writer that needs a carriage return: it writes to :attr:`SafeStream.raw`.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TextIO

from sim.scenario.printable import printable

__all__ = ["SafeStream", "raw_stderr", "safe_terminal"]


class SafeStream(io.TextIOBase):
    """A text stream that escapes control characters, then writes to the stream it wraps.

    Args:
        raw: The stream written to.
    """

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters escaped; returns ``len(text)``."""
        self.raw.write(printable(text))
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self.raw.flush()

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal."""
        return self.raw.isatty()

    def fileno(self) -> int:
        """The wrapped stream's file descriptor."""
        return self.raw.fileno()

    def writable(self) -> bool:
        """Always writable."""
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The wrapped stream's encoding."""
        return getattr(self.raw, "encoding", "utf-8")


@contextmanager
def safe_terminal() -> Iterator[None]:
    """Wrap ``sys.stdout`` and ``sys.stderr`` in :class:`SafeStream` for the duration (restored after)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):  # a closed pipe or stream: nothing more to say
                stream.flush()
        sys.stdout, sys.stderr = out, err


def raw_stderr() -> TextIO:
    """Standard error without the escaping (for the progress bar's carriage returns, and nothing else)."""
    stream = sys.stderr
    return stream.raw if isinstance(stream, SafeStream) else stream
