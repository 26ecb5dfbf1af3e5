"""Run lessons in worker processes, each lesson in a fresh process.

Workers are forked from a server that has matplotlib (and torch, when the lessons
name it) already imported, so no lesson pays those imports again. A worker that
crashes (segfault, os._exit, out of memory) or overruns its time is reported as
that lesson's failure; the others go on.
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Optional, cast

from livedeck.base.errors import Kind, internal_error
from livedeck.build import lineage
from livedeck.build.reports import LessonResult, failed

PRELOAD_FIRST, PRELOAD = ["livedeck.cli.preload_first"], ["livedeck.cli.preload"]  # torch between them
EXIT_GRACE = 2.0  # seconds a finished worker may take to exit before its process group is killed


@dataclass(frozen=True)
class Phase:
    """What a worker is doing now, sent to the build as it starts each part, so that a lesson stopped at the
    hard limit is named with what was running: its code, or livedeck's layout after it."""
    doing: str  # "running the lesson's code", "laying out and writing its decks (…)"


_to_build: Optional[Connection] = None  # in a worker: where phase() reports


def phase(doing: str) -> None:
    """Tell the build what this worker is doing now (a no-op outside a worker)."""
    if _to_build is not None:
        with contextlib.suppress(OSError):
            _to_build.send(Phase(doing))


@dataclass(frozen=True)
class Job:
    name: str
    path: Path
    payload: Any  # the job function's own record (plan.LessonJob), pickled to the worker
    hard_limit: float = 0  # seconds after which the worker is stopped, however it is stuck (0: no limit)


def _child(conn: multiprocessing.connection.Connection, function: Callable[[Job], LessonResult], job: Job) -> None:
    # A process group of its own: whatever the lesson starts (DataLoader workers, a Pool, a
    # `sleep` in the background) is ended with it, by the build, through the group.
    os.setpgid(0, 0)
    lineage.forget_fork_server()  # so that the fork server ends with the build …
    lineage.die_with_parent()  # … and this lesson with it
    lineage.adopt_orphans()  # what the lesson starts in a session of its own stays below, to be swept
    for signum in (signal.SIGHUP, signal.SIGTERM):  # the fork server's own way of ending is not the lesson's
        signal.signal(signum, signal.SIG_DFL)
    global _to_build
    _to_build = conn
    gc.enable()  # on in any Python: had the server's last import failed, it would still be paused (preload_first)
    try:
        outcome = function(job)
    except BaseException:  # livedeck's own bug, not the lesson's: still report, never hang
        outcome = failed(job.name, job.path, internal_error(job.path), Kind.INTERNAL)
    try:
        conn.send(outcome)
        conn.close()
    except OSError:  # the build was stopped meanwhile; what this worker wrote is complete
        pass
    lineage.end_descendants()


def quiet_when_the_build_vanished(kind: type[BaseException], value: BaseException, tb: Any) -> None:
    """The fork server's excepthook (set by livedeck.cli.preload). When the build that started the server
    is killed (kill -9, a closed terminal) while asking for a worker, the request arrives cut short
    and the server ends on EOFError: that is the build's end, not an error to show the user.
    Any other exception keeps its traceback."""
    if issubclass(kind, (EOFError, ConnectionError)):
        return
    sys.__excepthook__(kind, value, tb)


def crash_message(path: Path, exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"{path}: the lesson crashed its interpreter: killed by {name}{hint}"
    return f"{path}: the lesson crashed its interpreter: it exited with status {exitcode} before finishing"


_server: Optional[multiprocessing.context.ForkServerContext] = None


def start_server(torch: bool = True) -> multiprocessing.context.ForkServerContext:
    """The fork server with matplotlib and livedeck loaded, and torch when the lessons use it (`torch`:
    a course that never names it saves its second of import); started once per build, as early as possible."""
    global _server
    if _server is None:
        _server = multiprocessing.get_context("forkserver")
        _server.set_forkserver_preload(PRELOAD_FIRST + (["torch"] if torch else []) + PRELOAD)
        # Starting it now overlaps its torch import with the build's own preparations.
        from multiprocessing import forkserver

        forkserver.ensure_running()
    return _server


def _end(process: multiprocessing.process.BaseProcess, grace: float = 0) -> None:
    """Kill the worker's process group: the worker, if still there, and every process the lesson started.
    `grace`: seconds the worker may take to exit on its own first (a Pool cleans up its semaphores)."""
    process.join(grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if process.pid is not None:  # started
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()  # it may not have made its group yet
    process.join()


def run_all(jobs: list[Job], function: Callable[[Job], LessonResult], workers: int) -> Iterator[LessonResult]:
    """Yield each job's result as it finishes, at most `workers` running at once.

    Workers are not daemons, so lessons may start processes of their own (a daemon may not);
    each runs in its own process group, killed when its lesson is done or the build stops."""
    pending = list(jobs)
    running: dict[Connection, tuple[Job, multiprocessing.process.BaseProcess, float]] = {}
    doing: dict[Connection, str] = {}  # what each worker said it is doing
    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                job = pending.pop(0)
                ctx = start_server()
                receive, send = ctx.Pipe(duplex=False)
                process: multiprocessing.process.BaseProcess = ctx.Process(target=_child, args=(send, function, job),
                                                                           daemon=False)
                process.start()
                send.close()
                running[receive] = (job, process, time.perf_counter())
            for ready in multiprocessing.connection.wait(list(running), timeout=0.5):
                conn = cast(Connection, ready)  # wait() gives back the connections it was given
                job, process, started = running[conn]
                try:
                    outcome: LessonResult | Phase = conn.recv()
                    if isinstance(outcome, Phase):
                        doing[conn] = outcome.doing
                        continue
                except (EOFError, OSError):
                    process.join()
                    outcome = failed(job.name, job.path, crash_message(job.path, process.exitcode),
                                     seconds=time.perf_counter() - started)
                del running[conn]
                doing.pop(conn, None)
                _end(process, grace=EXIT_GRACE)
                conn.close()
                yield outcome
            now = time.perf_counter()
            for conn, (job, process, started) in list(running.items()):
                hard_limit = job.hard_limit
                if hard_limit and now - started > hard_limit:  # stuck in C code that the cell alarm cannot stop
                    _end(process)
                    conn.close()
                    del running[conn]
                    while_ = f" while {doing[conn]}" if conn in doing else ""
                    yield failed(job.name, job.path, f"{job.path}: stopped after {hard_limit:g} s without "
                                 f"finishing{while_}", seconds=now - started)
    finally:  # interrupted (Ctrl-C, SIGTERM): no lesson outlives the build
        for _, process, _ in running.values():
            _end(process)


def default_workers() -> int:
    return os.cpu_count() or 1
