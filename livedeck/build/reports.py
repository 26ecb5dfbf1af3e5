"""What a build says of each lesson: how it went, and what it wrote."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


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
    bad_input: bool = False  # failed before running: the lesson file itself is malformed
    errors_shown: bool = False  # built with --allow-errors, and a cell raised or a formula could not be typeset
    bad_output: bool = False  # its outputs could not be written (full disk, refused folder)


@dataclass(frozen=True)
class Card:
    """What the course page says of a lesson besides its files."""
    title: str
    subtitle: str = ""  # markdown
    slides: int = 0  # as presented, the title slide included


@dataclass(frozen=True)
class Built:
    """A lesson built: what the course page says of it, the files written, whether it shows errors, and
    the data files it read."""
    card: Card
    written: tuple[Path, ...]
    errors_shown: bool = False
    inputs: dict[str, str] = field(default_factory=dict)  # path → sha256
    warnings: tuple[str, ...] = ()  # what built but deserves a look (the build prints them)
