"""One compiled specialisation per function: calls between Flashpoint's jitted functions drop literal types.

When jitted code calls another jitted function with a constant argument (``spawn(w, kind, a, 0, 0, -1)``,
``engage(..., True, ...)``), numba types the constant as a literal (``Literal[int](0)``,
``Literal[bool](True)``) and compiles the callee once for every pattern of constants it is called with:
``spawn`` was compiled 7 times, ``schedule_response`` 5, ``engage`` 4 — 18 functions in all, a fifth of
the engine's first compile (benchmarks/bench_cold_start.py). :func:`install` makes numba type such a
call with the constants' plain types (``int64``, ``bool``), so each of our functions is compiled once,
for the plain types; the constant is converted at the call. Values and arithmetic are unchanged, so
are outcomes (tests/engine); numba may fold fewer branches on constants, which the engine does not use.

Only calls to functions defined in ``sim`` are affected (the predicate is the function's module), and
only from jitted code: a call from Python is typed from its values, as always.
"""

from __future__ import annotations

from typing import Any

from numba.core import types
from numba.core.types.functions import Dispatcher as DispatcherType

__all__ = ["install", "installed"]

_ORIGINAL = DispatcherType.get_call_type


def _ours(dispatcher_type: Any) -> bool:
    function = getattr(dispatcher_type.dispatcher, "py_func", None)
    return function is not None and (function.__module__ or "").split(".")[0] == "sim"


def _plain_call_type(self: Any, context: Any, args: tuple, kws: dict) -> Any:
    if _ours(self):
        args = tuple(types.unliteral(a) for a in args)
        kws = {k: types.unliteral(v) for k, v in kws.items()}
    return _ORIGINAL(self, context, args, kws)


def install() -> None:
    """Type calls to ``sim``'s jitted functions from jitted code with plain (non-literal) argument types."""
    DispatcherType.get_call_type = _plain_call_type


def installed() -> bool:
    """Whether :func:`install` is in effect."""
    return DispatcherType.get_call_type is _plain_call_type
