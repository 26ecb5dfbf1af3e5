"""What a cell writes to file descriptors 1 and 2 below Python's `print`: `os.write(1, …)`, C code, and
child processes such as `subprocess.run(["echo", …])`. Jupyter shows that text with the cell's output;
so does livedeck, within the same size bound as printed text, instead of letting it reach the build's
terminal (a 2 GB `os.write` went straight to it).

While a cell runs, each descriptor points at a pipe of the lesson's. A thread (one a descriptor, started
once a lesson) empties the pipe as it fills, so a writer never blocks on a full pipe, and keeps what the
bound allows; when the cell ends, what is still in the pipe is read at once. Reading and keeping happen
under one lock, so a chunk the thread has read is never lost between two cells.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import select
import sys
import threading
from collections.abc import Iterator
from typing import Optional, Protocol

CHUNK = 1 << 16


class Sink(Protocol):
    lines_dropped: int

    def write(self, text: str) -> int: ...


class _Drain:
    """One descriptor's pipe for the lesson's run, and the thread that empties it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.read_end, self.write_end = os.pipe()
        os.set_blocking(self.read_end, False)
        self.lock = threading.Lock()
        self.kept: list[bytes] = []
        self.size = self.lines_dropped = self.limit = 0
        self.saved: Optional[int] = None
        self.closed = False
        threading.Thread(target=self._pump, name=f"livedeck-fd{fd}", daemon=True).start()

    def _pump(self) -> None:
        poller = select.poll()
        poller.register(self.read_end, select.POLLIN)
        while not self.closed:
            poller.poll()
            with self.lock:
                self._take()

    def _take(self) -> None:
        """Read what the pipe holds now, keeping what the bound allows (called with the lock held)."""
        while not self.closed:
            try:
                chunk = os.read(self.read_end, CHUNK)
            except BlockingIOError:
                return
            except OSError:  # the lesson closed the pipe's descriptors (os.closerange(3, …), as daemons do)
                chunk = b""
            if not chunk:
                self.closed = True  # no writer is left: a new drain is made for the next cell
                return
            room = self.limit - self.size
            if room > 0:
                self.kept.append(chunk[:room])
                self.size += min(room, len(chunk))
            if len(chunk) > room:
                self.lines_dropped += chunk[max(room, 0):].count(b"\n")

    def start(self, limit: int) -> None:
        with self.lock:
            self._take()  # what a child wrote after the last cell is no cell's
            self.kept, self.size, self.lines_dropped, self.limit = [], 0, 0, limit
        self.saved = os.dup(self.fd)
        os.dup2(self.write_end, self.fd)

    def finish(self) -> tuple[str, int]:
        """Point the descriptor back; the text the cell wrote, and the lines beyond the bound."""
        assert self.saved is not None
        try:
            os.dup2(self.saved, self.fd)
            os.close(self.saved)
        except OSError:  # the lesson closed the saved descriptor: what it points at now is nothing
            os.dup2(os.open(os.devnull, os.O_WRONLY), self.fd)
        self.saved = None
        with self.lock:
            self._take()
            text, dropped = b"".join(self.kept).decode("utf-8", "replace"), self.lines_dropped
            self.kept, self.size, self.lines_dropped, self.limit = [], 0, 0, 0
        return text, dropped


_drains: dict[int, _Drain] = {}


def _drain(fd: int) -> _Drain:
    """The descriptor's drain, made at the lesson's first cell (its thread lives as long as the lesson)."""
    drain = _drains.get(fd)
    if drain is None or drain.closed or not _open(drain.write_end):
        drain = _drains[fd] = _Drain(fd)
    return drain


def _open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True

_libc = ctypes.CDLL(None)


def _flush_c_stdio() -> None:
    """C code's printf is buffered when its stdout is a pipe: flushed here, so it lands in this cell."""
    with contextlib.suppress(OSError, AttributeError):
        _libc.fflush(None)


@contextlib.contextmanager
def captured(out: Sink, err: Sink, limit: int) -> Iterator[None]:
    """Descriptors 1 and 2 go to `out` and `err` (after what Python printed) while the block runs."""
    for stream in (sys.__stdout__, sys.__stderr__):  # livedeck's own pending text is not the cell's
        with contextlib.suppress(Exception):
            stream.flush()  # type: ignore[union-attr]
    drains = [(_drain(fd), sink) for fd, sink in ((1, out), (2, err))]
    for drain, _ in drains:
        drain.start(limit)
    try:
        yield
    finally:
        _flush_c_stdio()
        for drain, sink in drains:
            text, dropped = drain.finish()
            if text:
                sink.write(text)
            sink.lines_dropped += dropped
