"""The compiled engine's first use, as the app shows it: what is happening and how far it has gone.

A fresh installation compiles the engine for its machine (minutes, once). The app starts that
compile in the background when the server shows its first page
(:class:`~sim.engines.EnginePreparation`) and shows :func:`engine_status` in the sidebar until it is
done, so the first odds request does not wait in silence. This module does not import Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.engines import EnginePreparation, compile_notice

__all__ = ["EngineStatus", "engine_status"]


@dataclass(frozen=True)
class EngineStatus:
    """The line and the progress bar the app shows while the engine compiles.

    Attributes:
        text: The compile notice with the functions compiled so far and the time it has taken.
        fraction: Progress in [0, 1) from the functions compiled against those a compile needs.
    """

    text: str
    fraction: float


def engine_status(preparation: EnginePreparation) -> EngineStatus | None:
    """What to show about the engine's preparation: None once it is ready or only loading from the cache.

    Args:
        preparation: The app's background preparation.

    Returns:
        The notice and the progress while numba compiles, else None.
    """
    if preparation.done or not preparation.compiling:
        return None
    expected = max(preparation.expected_functions, 1)
    fraction = min(preparation.compiled / expected, 0.99)
    text = (
        f"{compile_notice(preparation.expected_seconds)}: {preparation.compiled} of about {expected} "
        f"functions, {preparation.elapsed:.0f} s"
    )
    return EngineStatus(text, fraction)
