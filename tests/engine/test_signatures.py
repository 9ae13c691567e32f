"""One compiled specialisation per jitted function: constants passed between Flashpoint's jitted functions are
typed as plain int64/bool, not as literals (each literal pattern was a compile of its own)."""

from __future__ import annotations

from numba import njit

import sim.engines.compiled  # noqa: F401  (installs the rule)
from sim.engines.compiled import signatures


def _plain_add(a, b):
    return a + b


def _flagged(a, flag):
    return a if flag else -a


def test_the_rule_is_installed_when_the_compiled_engine_is_imported():
    assert signatures.installed()


def test_constants_passed_to_a_sim_function_give_one_signature():
    _plain_add.__module__ = _flagged.__module__ = "sim.engines.compiled.test_double"  # a function of sim
    add, flagged = njit(_plain_add), njit(_flagged)

    @njit
    def caller(x):
        return add(x, 0) + add(x, 5) + add(x, x) + flagged(x, True) + flagged(x, False)

    assert caller(3) == 3 + 8 + 6 + 3 - 3
    assert [str(s) for s in add.signatures] == ["(int64, int64)"]
    assert [str(s) for s in flagged.signatures] == ["(int64, bool)"]


def test_functions_outside_sim_keep_numba_s_literal_dispatch():
    def outside(a, b):
        return a * b

    outside.__module__ = "elsewhere"
    jitted = njit(outside)

    @njit
    def caller(x):
        return jitted(x, 2) + jitted(x, x)

    caller(4)
    assert len(jitted.signatures) == 2  # (int64, Literal[int](2)) and (int64, int64): numba's own behaviour
