"""`--shard K/N`: one of N shares of a course's lessons, for CI jobs that build a course between them, balanced
by how long each lesson took when it was frozen (as pytorch/tutorials spreads its tutorials over CI workers).

Every machine computes the same shares from the same frozen records, so the N shares hold every lesson
exactly once: the longest lessons are dealt first, each to the share with the least time so far.
"""
from __future__ import annotations

import statistics
from pathlib import Path

from livedeck.build import frozen
from livedeck.settings.options import BuildOptions, Shard

UNKNOWN = 60.0  # seconds assumed for a lesson when no lesson has a frozen duration


def shares(durations: dict[str, float], count: int) -> list[list[str]]:
    """The lessons dealt into `count` shares, the longest first, each to the share with the least time so
    far (the first such share on a tie): greedy, deterministic, within 4/3 of the best balance."""
    loads = [0.0] * count
    dealt: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(durations, key=lambda n: (-durations[n], n)):
        least = loads.index(min(loads))
        dealt[least].append(name)
        loads[least] += durations[name]
    return dealt


def share(lessons: list[tuple[str, Path]], options: BuildOptions, shard: Shard) -> list[tuple[str, Path]]:
    """The lessons of share `shard`, in course order. A lesson without a frozen record counts as the
    median of those with one."""
    recorded = {name: frozen.duration(options, name) for name, _ in lessons}
    known = [seconds for seconds in recorded.values() if seconds is not None]
    typical = statistics.median(known) if known else UNKNOWN
    durations = {name: typical if seconds is None else seconds for name, seconds in recorded.items()}
    mine = set(shares(durations, shard.count)[shard.index - 1])
    return [(name, path) for name, path in lessons if name in mine]
