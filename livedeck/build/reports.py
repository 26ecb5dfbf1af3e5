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
    FAILED = "failed"


@dataclass(frozen=True)
class LessonReport:
    name: str
    path: Path
    state: State
    seconds: float = 0.0
    message: str = ""
    kind: Optional[Kind] = None  # what made it fail (livedeck.base.errors: the exit status follows from it)
    errors_shown: bool = False  # built with --allow-errors, and a cell raised or a formula could not be typeset


@dataclass(frozen=True)
class Built:
    """A lesson built: what the course page says of it, the files written, whether it shows errors, and
    the data files it read."""
    card: Card
    written: tuple[Path, ...]
    errors_shown: bool = False
    inputs: dict[str, str] = field(default_factory=dict)  # path → sha256
    warnings: tuple[str, ...] = ()  # what built but deserves a look (the build prints them)
