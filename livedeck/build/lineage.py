"""Every process a lesson starts ends with its lesson, and with the build, however the build ends.

A lesson may start processes that leave its process group (`start_new_session=True`, `setsid`), so a
group kill does not reach them. On Linux, the fork server and each lesson worker are made *subreapers*:
a process whose parent dies is handed to the nearest of them instead of to init, so it stays in their
tree, and sweeping that tree (read from /proc) finds it. The worker sweeps its tree when its lesson is
done; the fork server sweeps its own when it ends, which it does as soon as the build is gone (killed
by SIGKILL, or its terminal closed): no worker of a dead build is left to publish an old deck over a
newer one. Elsewhere (macOS) the process-group kill is what there is.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
LINUX = sys.platform.startswith("linux")


def _prctl(option: int, value: int) -> None:
    if LINUX:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def adopt_orphans() -> None:
    """This process becomes the new parent of any process below it whose own parent dies."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent() -> None:
    """This process is killed when its parent (the fork server) ends, even if nothing else notices."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def forget_fork_server() -> None:
    """In a worker: let go of the fork server's lifeline. Each process the server forks inherits the pipe
    whose end tells the server that its build is gone, so while any worker ran, a killed build's server
    never heard of it. Dropped here, the server ends with its build; a lesson that asks for a fork
    server of its own starts a fresh one."""
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver  # type: ignore[attr-defined]  # its state is private to Python
    if server._forkserver_alive_fd is not None:
        with contextlib.suppress(OSError):
            os.close(server._forkserver_alive_fd)
    server._forkserver_alive_fd = server._forkserver_address = server._forkserver_pid = None


def _children() -> tuple[dict[int, list[int]], set[int]]:
    """parent pid → pids of its children, and the pids that are zombies (ended already). A zombie is still
    walked through: a killed process with threads shows as one while its threads end, its children not yet
    handed on."""
    tree: dict[int, list[int]] = {}
    zombies = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
        if fields[0] == "Z":
            zombies.add(int(entry.name))
    return tree, zombies


def descendants(pid: int) -> list[int]:
    """The processes below `pid` still running."""
    (tree, zombies), found, todo = _children(), [], [pid]
    while todo:
        below = tree.get(todo.pop(), [])
        found += below
        todo += below
    return [pid for pid in found if pid not in zombies]


def end_descendants() -> None:
    """Kill every process below this one, until none is left (one may fork while the sweep runs; its
    children come to this process, a subreaper, and the next round finds them)."""
    if not LINUX:
        return
    for _ in range(100):
        found = descendants(os.getpid())
        if not found:
            return
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
