"""Docs that cannot drift: every command output quoted in README.md and docs/*.md is what the command prints.

Regenerate after an intended change: ``.venv/bin/python benchmarks/quote_docs.py --write``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("quote_docs", ROOT / "benchmarks" / "quote_docs.py")
quote_docs = importlib.util.module_from_spec(_spec)
sys.modules["quote_docs"] = quote_docs  # dataclasses look their module up there
_spec.loader.exec_module(quote_docs)


def test_every_quoted_output_matches_what_its_command_prints():
    blocks = [b for path in quote_docs.documents() for b in quote_docs.find_blocks(path)]
    assert len(blocks) >= 15  # README's API example, docs/cli.md and docs/experiments.md
    stale = quote_docs.drift()
    where = [f"{b.path.relative_to(ROOT)}:{b.start}: {b.body[0] if b.body else ''}" for b, _ in stale]
    hint = "quoted outputs drifted; run .venv/bin/python benchmarks/quote_docs.py --write\n"
    assert not stale, hint + "\n".join(where)


def test_drift_is_found_and_rewritten(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "Intro.\n\n```python\nprint('from python')\nprint('last line')\n```\n\n"
        "<!-- quote -->\n```console\n$ echo one \\\n    two\nstale\n$ false; echo $?\n9\n```\n\n"
        "<!-- quote: 2>&1 -->\n```console\n$ echo oops >&2\n```\n\n"
        "<!-- quote: python | tail -1 -->\n```text\nold\n```\n",
        encoding="utf-8",
    )
    changes = quote_docs.drift([page])
    assert len(changes) == 3
    assert changes[0][1] == ["$ echo one \\", "    two", "one two", "$ false; echo $?", "1"]
    assert changes[1][1] == ["$ echo oops >&2", "oops"]
    assert changes[2][1] == ["last line"]
    quote_docs.rewrite(changes)
    assert quote_docs.drift([page]) == []
    assert page.read_text(encoding="utf-8").startswith("Intro.\n\n```python\n")


def test_a_marker_needs_a_fenced_block(tmp_path):
    page = tmp_path / "bad.md"
    page.write_text("<!-- quote -->\nno fence here\n", encoding="utf-8")
    try:
        quote_docs.find_blocks(page)
    except ValueError as exc:
        assert "must be followed by a fenced block" in str(exc)
    else:
        raise AssertionError("a marker without a block was accepted")
