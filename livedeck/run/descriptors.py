"""What a cell writes to file descriptors 1 and 2 below Python's `print`: `os.write(1, …)`, C code, and
child processes such as `subprocess.run(["echo", …])`. Jupyter shows that text with the cell's output;
so does livedeck, within the same size bound as printed text, instead of letting it reach the build's
terminal (a 2 GB `os.write` went straight to it).

Each descriptor is pointed at a pipe for the cell's run; a thread drains the pipe as it fills (a writer
never blocks on a full pipe) and keeps what the capture's bound allows.
"""
from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import struct
import sys
import termios
import threading
import time
from collections.abc import Iterator
from typing import Protocol

CHUNK = 1 << 16
SETTLE_SECONDS = 2.0  # at most this long after the cell for what is still in the pipe (a child may hold it open)


class Sink(Protocol):
    lines_dropped: int

    def write(self, text: str) -> int: ...


class _Drain:
    """One descriptor pointed at a pipe, and the thread that empties it."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd, self.limit = fd, limit
        self.saved = os.dup(fd)
        self.read_end, write_end = os.pipe()
        os.dup2(write_end, fd)
        os.close(write_end)
        self.kept: list[bytes] = []
        self.size = 0
        self.lines_dropped = 0
        self.listening = True  # False once the cell's text was taken: what comes later is not the cell's
        self.thread = threading.Thread(target=self._pump, name=f"livedeck-fd{fd}", daemon=True)
        self.thread.start()

    def _pump(self) -> None:
        try:
            while chunk := os.read(self.read_end, CHUNK):
                if not self.listening:
                    continue
                room = self.limit - self.size
                if room > 0:
                    self.kept.append(chunk[:room])
                    self.size += min(room, len(chunk))
                if len(chunk) > room:
                    self.lines_dropped += chunk[max(room, 0):].count(b"\n")
        finally:
            os.close(self.read_end)

    def _pending(self) -> int:
        with contextlib.suppress(OSError):
            return struct.unpack("i", fcntl.ioctl(self.read_end, termios.FIONREAD, b"\0\0\0\0"))[0]
        return 0

    def finish(self) -> tuple[str, int]:
        """Point the descriptor back, and give the text the cell wrote and the lines beyond the bound.
        The pipe ends when no process holds it any more; a child still running (a Pool left open) holds it,
        so what was written is taken once the pipe stands empty."""
        os.dup2(self.saved, self.fd)
        os.close(self.saved)
        deadline = time.monotonic() + SETTLE_SECONDS
        self.thread.join(0.01)
        while self.thread.is_alive() and self._pending() and time.monotonic() < deadline:
            self.thread.join(0.01)
        self.listening = False
        return b"".join(self.kept).decode("utf-8", "replace"), self.lines_dropped


def _flush_c_stdio() -> None:
    """C code's printf is buffered when its stdout is a pipe: flushed here, so it lands in this cell."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).fflush(None)


@contextlib.contextmanager
def captured(out: Sink, err: Sink, limit: int) -> Iterator[None]:
    """Descriptors 1 and 2 go to `out` and `err` (after what Python printed) while the block runs."""
    for stream in (sys.__stdout__, sys.__stderr__):  # livedeck's own pending text is not the cell's
        with contextlib.suppress(Exception):
            stream.flush()  # type: ignore[union-attr]
    drains = [(_Drain(1, limit), out), (_Drain(2, limit), err)]
    try:
        yield
    finally:
        _flush_c_stdio()
        for drain, sink in drains:
            text, dropped = drain.finish()
            if text:
                sink.write(text)
            sink.lines_dropped += dropped
