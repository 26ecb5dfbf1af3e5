"""What a build says of each lesson: how it went, and what it wrote."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Optional

from livedeck.base.errors import Kind
from livedeck.writers import Card


class State(StrEnum):
    RAN = "ran"
    RENDERED = "rendered"  # from cached results
    CACHED = "cached"  # up to date: nothing to do
    FROZEN = "frozen"  # from its frozen record (--frozen, or a lesson this machine cannot run)
    FAILED = "failed"


@dataclass(frozen=True)
class LessonResult:
    """A lesson's result: the one record of it from its worker to the build's summary. How it went (its
    state and time; a failure's message and kind) and what it made (what the course page says of it, the
    files written, the data files it read, and what built but deserves a look)."""
    name: str
    path: Path
    state: State
    seconds: float = 0.0
    message: str = ""  # a failure's, for the lecturer
    kind: Optional[Kind] = None  # what made it fail (livedeck.base.errors: the exit status follows from it)
    errors_shown: bool = False  # built with --allow-errors, and a cell raised or a formula could not be typeset
    card: Optional[Card] = None  # what the course page says of it: when it was built, or is up to date
    written: tuple[Path, ...] = ()
    inputs: dict[str, str] = field(default_factory=dict)  # the data files it read: path → sha256
    warnings: tuple[str, ...] = ()  # what built but deserves a look (the build prints them)
    drift: tuple[str, ...] = ()  # --check: how its results differ from its frozen record, each at file:line


def failed(name: str, path: Path, message: str, kind: Kind = Kind.LESSON, seconds: float = 0.0) -> LessonResult:
    return LessonResult(name, path, State.FAILED, seconds, message, kind)
