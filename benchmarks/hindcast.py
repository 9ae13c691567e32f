"""The hindcast at full size: every case of hindcast/cases.yaml, with the model as written and with the default
scenario's calibrated posterior, and the numbers and figure of docs/validation.md.

Usage: ``python benchmarks/hindcast.py [--runs N] [--workers W] [--write]``. Without ``--write`` it prints the
blocks it would write; with it, it rewrites every generated block of docs/validation.md (between
``<!-- hindcast:NAME -->`` and ``<!-- /hindcast:NAME -->``) and docs/img/hindcast_reliability.png. About
half a minute for the model as written at 20,000 runs per scenario and some minutes with the posterior on the
2-core project machine: take the shared lock (``flock /work/notes/heavy.lock``) when you run it.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments.hindcast import Aggregate, HindcastResult, QuestionResult, run_hindcast  # noqa: E402
from sim.experiments.hindcast_cases import load_cases  # noqa: E402

DOC = ROOT / "docs" / "validation.md"
FIGURE = ROOT / "docs" / "img" / "hindcast_reliability.png"
POSTERIOR = ROOT / "scenarios" / "taiwan_strait.posterior.json"
BLOCK = re.compile(r"(<!-- hindcast:(?P<name>[A-Za-z0-9_:\-]+) -->\n)(?P<body>.*?)(<!-- /hindcast:(?P=name) -->)", re.S)


def _p(value: float, digits: int = 3) -> str:
    """A probability or score; small probabilities keep a significant digit (0.0005, not 0.001)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if 0.0 < abs(value) < 0.01 and digits < 4:
        digits = 4
    return f"{value:.{digits}f}"


def _estimate(q: QuestionResult) -> str:
    e = q.model.estimate
    counted = f" (n = {int(e.trials):,})" if e.method == "wilson" and e.trials < q.runs else ""
    return f"{_p(e.p)} [{_p(e.lo)}, {_p(e.hi)}]{counted}"


def _happened(q: QuestionResult) -> str:
    return f"{q.observed_count} of {q.observed_of}" if q.kind == "share" else ("yes" if q.happened else "no")


def results_table(default: HindcastResult, calibrated: HindcastResult) -> str:
    """Every question: the model as written, the baseline, and the model with the posterior."""
    head = (
        "| question | sample | happened | model P(event) [95%] | P(what happened) | baseline P(event) "
        "| baseline P(what happened) | log score model / baseline | calibrated P(event) [95%] "
        "| calibrated P(what happened) |\n|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for q, c in zip(default.questions, calibrated.questions, strict=True):
        b = q.baseline
        rows.append(
            f"| {q.key} | {'in' if q.in_sample else 'out'} | {_happened(q)} | {_estimate(q)} | "
            f"{_p(q.model.p_happened, 4)} | {_p(b.estimate.p)} ({q.baseline_kind}) | {_p(b.p_happened, 4)} | "
            f"{_p(q.model.log_score, 2)} / {_p(b.log_score, 2)} | {_estimate(c)} | {_p(c.model.p_happened, 4)} |"
        )
    return head + "\n".join(rows) + "\n"


def aggregate_table(default: HindcastResult, calibrated: HindcastResult) -> str:
    """Mean log and Brier scores, model against baseline, out of sample and over every case."""

    def both(value: float, bounds: tuple[float, float], digits: int = 3) -> str:
        return f"{_p(value, digits)} [{_p(bounds[0], digits)}, {_p(bounds[1], digits)}]"

    def row(label: str, a: Aggregate) -> str:
        return (
            f"| {label} | {a.questions} | {both(a.model_log_score, a.model_log_score_range)} | "
            f"{both(a.baseline_log_score, a.baseline_log_score_range)} | "
            f"{both(a.model_brier, a.model_brier_range)} | {both(a.baseline_brier, a.baseline_brier_range)} | "
            f"{both(a.brier_skill, a.brier_skill_range, 2)} |"
        )

    head = (
        "| model | questions | log score, model | log score, baseline | Brier, model | Brier, baseline "
        "| Brier skill |\n|---|---|---|---|---|---|---|\n"
    )
    rows = [
        row("as written, out of sample", default.out_of_sample),
        row("calibrated posterior, out of sample", calibrated.out_of_sample),
        row("as written, every case (in sample too)", default.all_cases),
        row("calibrated posterior, every case", calibrated.all_cases),
    ]
    return head + "\n".join(rows) + "\n"


def case_table(key: str, default: HindcastResult, calibrated: HindcastResult) -> str:
    """One case's questions: what happened, the model's probability, the baseline's, the calibrated model's."""
    head = (
        "| question | happened | model P(event) [95%] | P(what happened) | baseline P(event) | calibrated P(event) |"
        "\n|---|---|---|---|---|---|\n"
    )
    rows = []
    for q, c in zip(default.questions, calibrated.questions, strict=True):
        if q.case != key:
            continue
        rows.append(
            f"| {q.question} | {_happened(q)} | {_estimate(q)} | {_p(q.model.p_happened, 4)} | "
            f"{_p(q.baseline.estimate.p)} ({q.baseline_kind}) | {_estimate(c)} |"
        )
    return head + "\n".join(rows) + "\n"


def share_lines(default: HindcastResult, calibrated: HindcastResult) -> str:
    """The share questions (Patriot): the long-run share, the predictive interval, and whether each holds 2/11."""
    lines = []
    for label, result in (("as written", default), ("calibrated posterior", calibrated)):
        for q in result.questions:
            if q.kind != "share":
                continue
            e = q.model.estimate
            inside = "contains" if e.lo <= q.observed <= e.hi else "does not contain"
            predictive = "contains" if q.inside_predictive else "does not contain"
            lines.append(
                f"- {label}: share {_p(e.p)} [{_p(e.lo)}, {_p(e.hi)}] over {int(e.trials):,} engagements "
                f"({inside} {q.observed_count}/{q.observed_of} = {q.observed:.3f}, off by {e.p - q.observed:+.3f}, "
                f"{e.p / q.observed:.1f} times the observed share); 95% predictive interval of a share of "
                f"{q.observed_of}: [{_p(q.predictive_lo)}, {_p(q.predictive_hi)}] ({predictive} it); "
                f"P(exactly {q.observed_count} of {q.observed_of}) = {_p(q.model.p_happened, 4)}"
            )
    return "\n".join(lines) + "\n"


def blocks(default: HindcastResult, calibrated: HindcastResult) -> dict[str, str]:
    """Every generated block of docs/validation.md, by name."""
    s = default.settings
    settings = (
        f"{s['runs']:,} runs per scenario, seed {s['seed']}, {s['engine']} engine; calibrated: each run draws "
        f"its parameters from `scenarios/taiwan_strait.posterior.json` (docs/calibration.md). Scored probabilities "
        f"are clipped to [{s['probability_floor']}, {1 - s['probability_floor']}]. "
        f"Generated by `benchmarks/hindcast.py --write`.\n"
    )
    out = {
        "settings": settings,
        "results": results_table(default, calibrated),
        "aggregate": aggregate_table(default, calibrated),
        "shares": share_lines(default, calibrated),
    }
    for key in dict.fromkeys(q.case for q in default.questions):
        out[f"case:{key}"] = case_table(key, default, calibrated)
    return out


def rewrite(text: str, new: dict[str, str]) -> str:
    """``text`` with every generated block replaced; every block must have its markers in the text."""
    found = {m.group("name") for m in BLOCK.finditer(text)}
    missing = sorted(set(new) - found)
    if missing:
        raise SystemExit(f"docs/validation.md has no markers for {', '.join(missing)}")
    return BLOCK.sub(lambda m: m.group(1) + new.get(m.group("name"), m.group("body")) + m.group(4), text)


def main(argv: list[str] | None = None) -> None:
    """Run every case twice (as written, and with the posterior); print or write the docs' numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20_000, help="runs per scenario (default 20,000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes per Monte Carlo")
    parser.add_argument("--write", action="store_true", help="rewrite docs/validation.md and its figure")
    args = parser.parse_args(argv)
    index = load_cases(ROOT / "hindcast" / "cases.yaml")
    started = time.perf_counter()
    default = run_hindcast(index, runs=args.runs, workers=args.workers)
    middle = time.perf_counter()
    print(f"as written: {middle - started:.0f} s", flush=True)
    calibrated = run_hindcast(index, runs=args.runs, workers=args.workers, posterior=POSTERIOR)
    print(f"with the posterior: {time.perf_counter() - middle:.0f} s", flush=True)
    new = blocks(default, calibrated)
    if not args.write:
        for name, body in new.items():
            print(f"--- {name}\n{body}")
        return
    from sim.report.hindcast_figures import reliability_figure
    from sim.report.style import DPI

    DOC.write_text(rewrite(DOC.read_text(encoding="utf-8"), new), encoding="utf-8")
    reliability_figure(default).savefig(FIGURE, dpi=DPI)
    print(f"wrote {DOC.relative_to(ROOT)} and {FIGURE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
