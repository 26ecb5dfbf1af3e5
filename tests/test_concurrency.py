"""Builds that meet: two builds of one course at once, and a fork server whose build vanished."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from test_interrupts import assert_all_complete


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
