"""Jobs for the worker pool's tests: importable by the pool's fork server, as a lesson's job is."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from livedeck.build.workers import Job, Outcome


def timed(job: Job) -> Outcome:
    """Sleeps a little, and says when it ran: (start, end) on the clock all processes share."""
    start = time.monotonic()
    time.sleep(0.3)
    return Outcome(job.name, result=(start, time.monotonic()))


def exits(job: Job) -> Outcome:
    """Exits at once when asked to (its payload), as a lesson calling `os._exit(3)` does; else finishes."""
    if job.payload == "exit":
        os._exit(3)
    return Outcome(job.name, result="fine")


def hangs(job: Job) -> Outcome:
    while True:
        time.sleep(0.05)


def leaves_a_child(job: Job) -> Outcome:
    """Starts a process in the background, as a lesson may (a Pool, a server), and writes down its pid."""
    child = subprocess.Popen(["sleep", "60"], start_new_session=False)
    Path(job.payload).write_text(str(child.pid))
    return Outcome(job.name, result="done")
