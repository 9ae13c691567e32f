"""Command kernels: how many tracks a raid puts before an operator, and how long clearing them takes."""

from __future__ import annotations

from numba import njit

__all__ = ["clearing_minutes", "raid_tracks"]


@njit(cache=True)
def raid_tracks(drones, salvo_fraction):
    """Tracks a drone swarm presents as a raid: the drones it would commit, ``max(1, round(f_s x drones))``.

    Args:
        drones: Drones the swarm has now.
        salvo_fraction: f_s, the share of its drones a swarm commits in one engagement.

    Returns:
        The number of tracks (at least 1).
    """
    tracks = round(salvo_fraction * drones)
    if tracks < 1:
        tracks = 1
    return tracks


@njit(cache=True)
def clearing_minutes(first_minutes, tracks, minutes_per_track, operators):
    """Minutes to clear a raid for engagement: the first track's review, then the rest shared by the watch.

    ``first + minutes_per_track x (tracks - 1) / operators``: one operator judges the raid from its first
    track; every further track takes ``minutes_per_track`` of operator time, spread over the actor's
    operators. A single contact (one track) takes ``first``.

    Args:
        first_minutes: Review time of the first track, minutes.
        tracks: Tracks in the raid (1 for a single contact).
        minutes_per_track: Operator time per further track, minutes.
        operators: The actor's operators.

    Returns:
        Minutes.
    """
    return first_minutes + minutes_per_track * (tracks - 1) / operators
