"""One error family, as Sphinx keeps one: every error livedeck reports is a `LivedeckError` of a kind, and
the kind decides the build's exit status, in one table. Messages that recur are written here once."""
from __future__ import annotations

from enum import Enum
from typing import ClassVar


class Kind(Enum):
    """What went wrong, told by who can mend it."""
    USAGE = "usage"  # what the lecturer typed or wrote: the command line, course.toml, a template, a malformed lesson
    LESSON = "lesson"  # a lesson's own content failed: its code raised, a formula cannot be typeset
    OUTPUT = "output"  # an output could not be written: a full disk, a read-only or refused folder
    ENVIRONMENT = "environment"  # a program livedeck needs is missing: Chromium, Node.js, LibreOffice
    INTERNAL = "internal"  # livedeck's own bug: that lesson fails, with the traceback


# The exit status of a build, from the worst of what went wrong (0: nothing did; 130: Ctrl-C or SIGTERM).
EXIT_STATUS = {Kind.USAGE: 2, Kind.OUTPUT: 2, Kind.ENVIRONMENT: 2, Kind.LESSON: 1, Kind.INTERNAL: 1}
INTERRUPTED = 130


def exit_status(kinds: list[Kind]) -> int:
    return max((EXIT_STATUS[kind] for kind in kinds), default=0)


class LivedeckError(Exception):
    """An error reported to the lecturer in one line (its message names the file and line where it can)."""
    kind: ClassVar[Kind] = Kind.INTERNAL


class UsageError(LivedeckError):
    """Bad command-line input, course settings or templates: reported in one line before anything runs."""
    kind = Kind.USAGE


class OutputError(LivedeckError):
    """The outputs could not be written (full disk, read-only or refused folder)."""
    kind = Kind.OUTPUT


class EnvironmentProblem(LivedeckError):
    """A program or package livedeck needs is not on this machine; the message says what to install."""
    kind = Kind.ENVIRONMENT


def cannot_write(path: str, exc: OSError) -> str:
    """The one message for a file the disk refused: `cannot write dist/a.html: No space left on device`."""
    return f"cannot write {path}: {exc.strerror or exc}"


def internal_error(where: object) -> str:
    """The one message for livedeck's own bug, with the traceback of the exception being handled."""
    import traceback

    return f"{where}: internal error in livedeck:\n{traceback.format_exc()}"

