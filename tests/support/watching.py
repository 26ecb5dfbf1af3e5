"""`build.py --watch` run by a test, and waiting on what it serves."""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Error as PageError

from support.builds import ROOT


def wait_until(check, timeout: float = 30.0):
    """`check()`'s first true value, asked every 0.2 s. A page that is reloading under the check (its
    document gone, an element not there yet) is asked again; any other exception is the test's failure."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except PageError as exc:
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s" + (f"; the page last said: {last}" if last else ""))


@contextlib.contextmanager
def watch_server(folder: Path) -> Iterator[str]:
    """`build.py --watch` on a free port in `folder`; yields its URL once the first build is served."""
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--watch", "--port", "0", "-f", "html"],
                               cwd=folder, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = wait_until(lambda: (m := re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline()))
                         and m.group(0), timeout=120)
        # keep reading what it prints, so a full pipe never blocks it
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
