"""Jobs for the worker pool's tests: importable by the pool's fork server, as a lesson's job is."""
from __future__ import annotations

import gc
import os
import subprocess
import time
from pathlib import Path

from livedeck.build.reports import LessonResult, State
from livedeck.build.workers import Job


def timed(job: Job) -> LessonResult:
    """Sleeps a little, and writes down when it ran (start and end, on the clock all processes share) in the
    file its payload names."""
    start = time.monotonic()
    time.sleep(0.3)
    Path(job.payload).write_text(f"{start} {time.monotonic()}")
    return LessonResult(job.name, job.path, State.RAN)


def exits(job: Job) -> LessonResult:
    """Exits at once when asked to (its payload), as a lesson calling `os._exit(3)` does; else finishes."""
    if job.payload == "exit":
        os._exit(3)
    return LessonResult(job.name, job.path, State.RAN)


def hangs(job: Job) -> LessonResult:
    while True:
        time.sleep(0.05)


def leaves_a_child(job: Job) -> LessonResult:
    """Starts a process in the background, as a lesson may (a Pool, a server), and writes down its pid."""
    child = subprocess.Popen(["sleep", "60"], start_new_session=False)
    Path(job.payload).write_text(str(child.pid))
    return LessonResult(job.name, job.path, State.RAN)


def hangs_in_layout(job: Job) -> LessonResult:
    """Says it is laying out, as a lesson's worker does once its code ran, and never finishes."""
    from livedeck.build.workers import phase

    phase("running the lesson's code")
    phase("laying out its decks")
    while True:
        time.sleep(0.05)


def collector(job: Job) -> LessonResult:
    """Writes down whether the garbage collector is on, and how many objects it keeps frozen, as a lesson finds them."""
    Path(job.payload).write_text(f"{gc.isenabled()} {gc.get_freeze_count()}")
    return LessonResult(job.name, job.path, State.RAN)
