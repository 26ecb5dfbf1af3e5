"""Interrupted builds and two builds at once, through the real CLI: no half-written file, ever.

A build killed by Ctrl-C, SIGTERM or SIGKILL at any moment leaves every output and cache
entry whole (old or new), and the next build removes its temporaries.
"""
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import ROOT, run_build
from livedeck import cache


def assert_all_complete(folder: Path) -> None:
    """Every visible output and cache entry is whole: no half-written file anywhere."""
    for path in folder.rglob("*"):
        if not path.is_file() or any(part.startswith(".") and part != ".livedeck-cache"
                                     for part in path.relative_to(folder).parts):
            continue  # temporaries are hidden, and removed by the next build
        data = path.read_bytes()
        if path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
        elif path.suffix == ".pptx":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path
            Presentation(str(path))
        elif path.suffix == ".png":
            assert data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82"), path
        elif path.suffix == ".svg":
            assert data.rstrip().endswith(b"</svg>"), path
    executed = folder / ".livedeck-cache" / "executed"
    if executed.is_dir():
        for entry in executed.iterdir():
            if not entry.name.startswith("."):
                assert cache.load_executed(folder / ".livedeck-cache", entry.name) is not None, entry


@pytest.mark.parametrize("signum, after", [
    (signal.SIGINT, 0.5), (signal.SIGTERM, 1.5), (signal.SIGKILL, 2.5), (signal.SIGKILL, 3.2),
])
def test_an_interrupted_build_leaves_no_half_written_file(tmp_path: Path, signum: int, after: float) -> None:
    shutil.copytree(ROOT / "slides", tmp_path / "slides")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    # it was interrupted, not finished: Ctrl-C and SIGTERM end it with 130, SIGKILL kills it
    assert process.returncode == (-signal.SIGKILL if signum == signal.SIGKILL else 130), stderr
    assert "Traceback" not in stderr
    time.sleep(1.0)  # workers of a SIGKILLed build finish (or die) on their own
    assert_all_complete(tmp_path)
    result = run_build("-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_all_complete(tmp_path)
    assert not [p for p in tmp_path.rglob(".*.tmp")], "temporaries of the killed build are still there"


def test_two_builds_at_once_both_finish_with_valid_outputs(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "slides", tmp_path / "slides")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    builds = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for process in builds:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    assert_all_complete(tmp_path)
    for name in ("derivatives", "partials", "custom_backward", "is_leaf"):
        assert (tmp_path / "dist" / f"{name}.html").exists() and (tmp_path / "dist" / f"{name}.pptx").exists()


# What a build killed while asking the fork server for a worker leaves the server with: a request
# cut short. The server ends; it must not print a traceback into the user's terminal.
CUT_SHORT_REQUEST = """
import socket, time
from multiprocessing import forkserver
from livedeck import workers
workers.start_server(torch=False)
server = forkserver._forkserver
with socket.socket(socket.AF_UNIX) as s:
    s.connect(server._forkserver_address)
deadline = time.time() + 30
while time.time() < deadline:  # the server notices, and ends
    try:
        forkserver.os.kill(server._forkserver_pid, 0)
    except ProcessLookupError:
        break
    if forkserver.os.waitpid(server._forkserver_pid, forkserver.os.WNOHANG)[0]:
        break
    time.sleep(0.05)
else:
    raise SystemExit("the fork server did not end")
"""


def test_the_fork_server_ends_quietly_when_its_build_vanishes() -> None:
    result = subprocess.run([sys.executable, "-c", CUT_SHORT_REQUEST], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "EOFError" not in result.stderr, result.stderr
