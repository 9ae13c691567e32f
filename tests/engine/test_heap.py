"""The event heap pops in simpy's order: (time, priority, sequence id), against heapq as the oracle."""

from __future__ import annotations

import heapq

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engines.compiled.heap import heap_pop, heap_push

# an operation: push (time from a small set so ties happen, priority), or pop (None)
operations = st.lists(
    st.one_of(st.tuples(st.sampled_from([0.0, 0.5, 1.0, 1.0 + 1e-12, 2.0, 7.25]), st.integers(0, 1)), st.none()),
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(operations)
def test_heap_matches_heapq(ops):
    cap = 128
    time, prio, seq = np.zeros(cap), np.zeros(cap, np.int64), np.zeros(cap, np.int64)
    kind, slot, meta = np.zeros(cap, np.int64), np.zeros(cap, np.int64), np.zeros(2, np.int64)
    oracle: list[tuple[float, int, int, int]] = []
    eid = 0
    for op in ops:
        if op is None:
            if not oracle:
                continue
            expected = heapq.heappop(oracle)
            i = heap_pop(time, prio, seq, kind, slot, meta)
            assert (time[i], prio[i], seq[i], slot[i]) == expected
        else:
            t, p = op
            assert heap_push(time, prio, seq, kind, slot, meta, t, p, 2, 1000 + eid)
            heapq.heappush(oracle, (t, p, eid, 1000 + eid))
            eid += 1
        assert meta[0] == len(oracle)
    while oracle:
        expected = heapq.heappop(oracle)
        i = heap_pop(time, prio, seq, kind, slot, meta)
        assert (time[i], prio[i], seq[i], slot[i]) == expected


def test_full_heap_refuses_a_push():
    time, prio, seq = np.zeros(1), np.zeros(1, np.int64), np.zeros(1, np.int64)
    kind, slot, meta = np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(2, np.int64)
    assert heap_push(time, prio, seq, kind, slot, meta, 1.0, 1, 0, 0)
    assert not heap_push(time, prio, seq, kind, slot, meta, 2.0, 1, 0, 0)


def test_draw_purposes_are_the_reference_engines():
    from sim.engines.compiled import layout
    from sim.engines.shared.purposes import Purpose

    for purpose in Purpose:
        if hasattr(layout, f"P_{purpose.name}"):
            assert getattr(layout, f"P_{purpose.name}") == purpose.value
    assert max(p.value for p in Purpose) < layout.N_PURPOSES
