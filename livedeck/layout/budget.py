"""The layout's time budget: a deck is laid out in seconds; past LAYOUT_SECONDS, some loop that should end
has not (a footer date once looped forever), and the layout stops with a clear error instead of a hang.

The budget is checked where layout spends its time, at every fit it tries (planner.stack), so it holds in
any thread, a watch server's included, without signals.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from livedeck.base.errors import Kind, LivedeckError

LAYOUT_SECONDS = 120.0  # the layout of one deck, typesetting its formulas included


class LayoutTimeout(LivedeckError):
    """The layout ran past LAYOUT_SECONDS: a bug of livedeck's, never the lesson's."""
    kind = Kind.INTERNAL


_deadline: list[float] = []  # the deadlines of the layouts running in this process, innermost last


@contextlib.contextmanager
def time_budget() -> Iterator[None]:
    """Within the block, check() raises LayoutTimeout once LAYOUT_SECONDS have passed."""
    _deadline.append(time.monotonic() + LAYOUT_SECONDS)
    try:
        yield
    finally:
        _deadline.pop()


def check() -> None:
    if _deadline and time.monotonic() > _deadline[-1]:
        raise LayoutTimeout(f"laying out the slides took longer than {LAYOUT_SECONDS:g} s")
