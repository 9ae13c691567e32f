"""Keep the command outputs quoted in README.md and docs/*.md equal to what the commands print.

A quoted block is a fenced block right after a marker comment::

    <!-- quote -->
    ```console
    $ flashpoint run scenarios/taiwan_strait.yaml --runs 300
    ...what the command prints...
    ```

* ``<!-- quote -->`` — the block holds one or more ``$ COMMAND`` lines (a trailing ``\\`` continues a
  command on the next line), each followed by its standard output. The commands run in order in one
  bash shell from the repository root, with the virtual environment's ``bin`` first on ``PATH`` (so
  ``flashpoint`` is this checkout's); ``$?`` carries over from one command to the next.
* ``<!-- quote: 2>&1 -->`` — the same, with standard error merged in (for error messages).
* ``<!-- quote: python | FILTER -->`` — the block is the standard output of the nearest ``python``
  fenced block above it, run as a script from the repository root and piped through ``FILTER``
  (e.g. ``tail -2``).

Standard error (progress, timings, "wrote …" lines) is left out unless asked for. Usage::

    .venv/bin/python benchmarks/quote_docs.py            # check: print what drifted, exit 1 if anything did
    .venv/bin/python benchmarks/quote_docs.py --write    # rewrite every quoted output in place

tests/docs/test_quoted_docs.py runs the check in ``make test``.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("README.md", "docs/*.md")
MARKER = re.compile(r"^<!-- quote(?::\s*(?P<option>.*?))?\s*-->\s*$")
FENCE = re.compile(r"^(?P<fence>```+)(?P<info>.*)$")
SENTINEL = "@@quote-docs-segment@@"


@dataclass
class Block:
    """One quoted fenced block: where its body lies in the file and how to produce it."""

    path: Path
    option: str
    start: int  # index of the first body line
    end: int  # index of the closing fence
    body: list[str]
    python: list[str] | None = None  # the code of the python block above, for "python | FILTER"


def find_blocks(path: Path) -> list[Block]:
    """Every quoted block of a Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, last_python, i = [], None, 0
    while i < len(lines):
        marker = MARKER.match(lines[i])
        fence = FENCE.match(lines[i])
        if fence and not marker:
            close = _closing(lines, i, fence.group("fence"))
            if fence.group("info").strip() == "python":
                last_python = lines[i + 1 : close]
            i = close + 1
            continue
        if marker:
            opening = FENCE.match(lines[i + 1]) if i + 1 < len(lines) else None
            if opening is None:
                raise ValueError(f"{path}:{i + 1}: a quote marker must be followed by a fenced block")
            close = _closing(lines, i + 1, opening.group("fence"))
            option = (marker.group("option") or "").strip()
            python = last_python if option.startswith("python") else None
            if option.startswith("python") and python is None:
                raise ValueError(f"{path}:{i + 1}: 'quote: python' needs a python block above it")
            blocks.append(Block(path, option, i + 2, close, lines[i + 2 : close], python))
            i = close + 1
            continue
        i += 1
    return blocks


def _closing(lines: list[str], opening: int, fence: str) -> int:
    for j in range(opening + 1, len(lines)):
        if lines[j].startswith(fence) and not lines[j].strip("`").strip():
            return j
    raise ValueError(f"unclosed fenced block at line {opening + 1}")


def commands(body: list[str]) -> list[list[str]]:
    """The ``$ COMMAND`` lines of a console block, each with its continuation lines."""
    out, i = [], 0
    while i < len(body):
        if body[i].startswith("$ "):
            cmd = [body[i]]
            while cmd[-1].endswith("\\") and i + 1 < len(body):
                i += 1
                cmd.append(body[i])
            out.append(cmd)
        i += 1
    if not out:
        raise ValueError("a quoted console block needs at least one '$ COMMAND' line")
    return out


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "100"
    return env


def _run(script: str) -> str:
    return _run_with_stderr(script)[0]


def _run_with_stderr(script: str) -> tuple[str, str]:
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=_environment(), capture_output=True, text=True, check=False
    )
    if SENTINEL not in done.stdout and done.returncode != 0:
        raise RuntimeError(f"quoted commands failed ({done.returncode}):\n{script}\n{done.stderr[-2000:]}")
    return done.stdout, done.stderr


def produce(block: Block) -> list[str]:
    """The block's body as the commands print it now."""
    if block.python is not None:
        return _produce_python(block)
    merge = block.option == "2>&1"
    if block.option and not merge:
        raise ValueError(f"{block.path}: unknown quote option {block.option!r}")
    segments = commands(block.body)
    parts = []
    for cmd in segments:
        text = "\n".join(line[2:] if k == 0 else line for k, line in enumerate(cmd))
        redirect = " 2>&1" if merge else ""
        # keep $? across the sentinel so that "$ echo $?" reports the command before it
        parts.append(
            f"echo {SENTINEL}; (exit $__status); {{ {text}\n}}{redirect}; __status=$?; echo {SENTINEL}$__status >&2"
        )
    stdout, stderr = _run_with_stderr("__status=0\n" + "\n".join(parts))
    output = stdout.split(f"{SENTINEL}\n")[1:]
    statuses = [int(x) for x in re.findall(rf"{SENTINEL}(\d+)", stderr)]
    for k, (cmd, status) in enumerate(zip(segments, statuses, strict=True)):
        checked = k + 1 < len(segments) and segments[k + 1][0].strip() == "$ echo $?"
        if status != 0 and not merge and not checked:
            raise RuntimeError(
                f"{block.path}: '{cmd[0]}' exited {status} (show its error with 2>&1, or its code with "
                f"'$ echo $?'):\n{stderr[-1500:]}"
            )
    body: list[str] = []
    for cmd, out in zip(segments, output, strict=True):
        body += cmd
        body += out.rstrip("\n").split("\n") if out.strip() else []
    return body


def _produce_python(block: Block) -> list[str]:
    filt = block.option.removeprefix("python").strip()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "quoted_example.py"
        script.write_text("\n".join(block.python or []) + "\n", encoding="utf-8")
        out = _run(f"python {script} {filt}")
    return out.rstrip("\n").split("\n")


def documents() -> list[Path]:
    """README.md and docs/*.md."""
    return [p for pattern in DOCUMENTS for p in sorted(ROOT.glob(pattern))]


def drift(paths: list[Path] | None = None) -> list[tuple[Block, list[str]]]:
    """Every quoted block whose body differs from what its commands print now, with the new body."""
    changed = []
    for path in paths or documents():
        for block in find_blocks(path):
            fresh = produce(block)
            if fresh != block.body:
                changed.append((block, fresh))
    return changed


def rewrite(changes: list[tuple[Block, list[str]]]) -> None:
    """Put the fresh bodies in place (blocks of a file are replaced from the last up)."""
    by_file: dict[Path, list[tuple[Block, list[str]]]] = {}
    for block, fresh in changes:
        by_file.setdefault(block.path, []).append((block, fresh))
    for path, items in by_file.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for block, fresh in sorted(items, key=lambda item: -item[0].start):
            lines[block.start : block.end] = fresh
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite every quoted output that drifted")
    parser.add_argument("files", nargs="*", type=Path, help="Markdown files (default: README.md and docs/*.md)")
    args = parser.parse_args(argv)
    changes = drift([p.resolve() for p in args.files] or None)
    for block, fresh in changes:
        where = f"{block.path.relative_to(ROOT)}:{block.start}"
        diff = difflib.unified_diff(block.body, fresh, f"{where} (quoted)", f"{where} (printed now)", lineterm="")
        print("\n".join(diff))
    if args.write:
        rewrite(changes)
        print(f"rewrote {len(changes)} quoted block(s)", file=sys.stderr)
        return 0
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
