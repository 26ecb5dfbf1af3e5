"""Run lessons in worker processes forked from a server that has torch and matplotlib loaded.

Every lesson gets a fresh process (its state dies with it) without paying the
torch import again: the fork server imports once, each lesson is a fork of it.
A worker that crashes (segfault, os._exit, out of memory) or overruns its time
is reported as that lesson's failure; the others go on.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from livedeck.model import Deck

PRELOAD = ["livedeck.preload"]


@dataclass(frozen=True)
class Job:
    path: Path
    style: Optional[Path]
    timeout: float  # per cell, seconds; 0 = none
    allow_errors: bool


@dataclass(frozen=True)
class Outcome:
    """What running one lesson gave: a deck and its figure files, or a failure message."""
    path: Path
    deck: Optional[Deck]
    files: dict[str, bytes]
    error: str = ""  # the message for the user when deck is None
    seconds: float = 0.0


def run_job(job: Job) -> Outcome:
    """Read, execute and lay out one lesson in this process."""
    from livedeck.execute import execute
    from livedeck.lesson import LessonError, read_lesson
    from livedeck.structure import build_deck

    start = time.perf_counter()
    try:
        lesson = read_lesson(job.path)
        executed = execute(lesson, job.style, job.timeout, job.allow_errors)
    except LessonError as exc:
        return Outcome(job.path, None, {}, str(exc), time.perf_counter() - start)
    if executed.failure is not None:
        return Outcome(job.path, None, {}, executed.failure.message(), time.perf_counter() - start)
    deck = build_deck(lesson, executed.outputs, source=_display_path(job.path))
    return Outcome(job.path, deck, executed.files, "", time.perf_counter() - start)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _child(conn: multiprocessing.connection.Connection, job: Job) -> None:
    try:
        outcome = run_job(job)
    except BaseException as exc:  # livedeck's own bug, not the lesson's: still report, never hang
        import traceback

        outcome = Outcome(job.path, None, {}, "internal error:\n" + traceback.format_exc())
        del exc
    conn.send(outcome)
    conn.close()


def _crash_message(path: Path, exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"{path}: the lesson crashed its interpreter: killed by {name}{hint}"
    return f"{path}: the lesson crashed its interpreter: it exited with status {exitcode} before finishing"


def _context() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def run_all(jobs: list[Job], workers: int, hard_limit: Callable[[Job], float] = lambda job: 0) -> Iterator[Outcome]:
    """Yield one Outcome per job as each finishes, at most `workers` running at once."""
    ctx = _context()
    pending = list(jobs)
    running: dict[object, tuple[Job, object, multiprocessing.connection.Connection, float]] = {}
    while pending or running:
        while pending and len(running) < max(1, workers):
            job = pending.pop(0)
            receive, send = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(send, job), daemon=True)
            process.start()
            send.close()
            running[receive] = (job, process, receive, time.perf_counter())
        ready = multiprocessing.connection.wait(list(running), timeout=0.5)
        for conn in ready:
            job, process, receive, started = running.pop(conn)
            try:
                outcome = receive.recv()
            except (EOFError, OSError):
                process.join()
                outcome = Outcome(job.path, None, {}, _crash_message(job.path, process.exitcode),
                                  time.perf_counter() - started)
            process.join()
            receive.close()
            yield outcome
        now = time.perf_counter()
        for conn, (job, process, receive, started) in list(running.items()):
            limit = hard_limit(job)
            if limit and now - started > limit:  # stuck in C code that the cell alarm cannot interrupt
                process.kill()
                process.join()
                receive.close()
                del running[conn]
                yield Outcome(job.path, None, {}, f"{job.path}: stopped after {limit:g} s without finishing",
                              now - started)


def default_workers() -> int:
    return os.cpu_count() or 1
