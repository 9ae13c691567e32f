"""Flashpoint: an agent-based simulator of AI-enabled military crises.

``sim.evaluate(scenario, parameters, runs, seed, metrics)`` is the one call analysts' tools need (a dict
of parameters in, a dict of outcomes out; :mod:`sim.experiments.evaluate`). It is imported on first use,
so ``import sim`` stays light.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "evaluate"]


def __getattr__(name: str) -> Any:
    """``sim.evaluate``, loaded on first use (PEP 562)."""
    if name == "evaluate":
        from sim.experiments.evaluate import evaluate

        return evaluate
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
