"""A binary min-heap of simulation events on preallocated arrays, ordered as simpy orders its queue.

simpy keeps ``(time, priority, event id, event)`` tuples in a ``heapq``; the event id is a counter
incremented on every ``schedule`` call, so the order is total and fully fixed by the keys. This heap
stores the same keys in parallel arrays (time, priority, sequence id) with a payload (event kind,
slot), and pops the smallest key first. ``size`` lives in ``meta[0]``, the next sequence id in
``meta[1]``.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, _nrt=False, inline="always")
def _less(time, prio, seq, i, j):
    if time[i] != time[j]:
        return time[i] < time[j]
    if prio[i] != prio[j]:
        return prio[i] < prio[j]
    return seq[i] < seq[j]


@njit(cache=True, _nrt=False, inline="always")
def _swap(time, prio, seq, kind, slot, i, j):
    time[i], time[j] = time[j], time[i]
    prio[i], prio[j] = prio[j], prio[i]
    seq[i], seq[j] = seq[j], seq[i]
    kind[i], kind[j] = kind[j], kind[i]
    slot[i], slot[j] = slot[j], slot[i]


@njit(cache=True, _nrt=False)
def heap_push(time, prio, seq, kind, slot, meta, t, priority, event_kind, event_slot):
    """Schedule an event: push ``(t, priority, next sequence id)`` with its payload.

    Args:
        time, prio, seq, kind, slot: The heap's parallel arrays.
        meta: ``[size, next sequence id]`` (int64).
        t: Event time.
        priority: simpy priority (0 urgent, 1 normal).
        event_kind: Payload: what the event is.
        event_slot: Payload: which process or actor it belongs to.

    Returns:
        False if the heap is full (nothing pushed), else True.
    """
    n = meta[0]
    if n >= time.shape[0]:
        return False
    time[n] = t
    prio[n] = priority
    seq[n] = meta[1]
    kind[n] = event_kind
    slot[n] = event_slot
    meta[0] = n + 1
    meta[1] += 1
    i = n
    while i > 0:
        parent = (i - 1) >> 1
        if _less(time, prio, seq, i, parent):
            _swap(time, prio, seq, kind, slot, i, parent)
            i = parent
        else:
            break
    return True


@njit(cache=True, _nrt=False)
def heap_pop(time, prio, seq, kind, slot, meta):
    """Remove the smallest event; its key and payload are left at index ``size`` (read them there).

    Args:
        time, prio, seq, kind, slot: The heap's parallel arrays.
        meta: ``[size, next sequence id]``; the heap must not be empty.

    Returns:
        The index where the popped event now sits (the new size).
    """
    n = meta[0] - 1
    meta[0] = n
    _swap(time, prio, seq, kind, slot, 0, n)
    i = 0
    while True:
        left = 2 * i + 1
        if left >= n:
            break
        smallest = left
        right = left + 1
        if right < n and _less(time, prio, seq, right, left):
            smallest = right
        if _less(time, prio, seq, smallest, i):
            _swap(time, prio, seq, kind, slot, i, smallest)
            i = smallest
        else:
            break
    return n
