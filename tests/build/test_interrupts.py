"""Interrupted builds, through the real CLI: no half-written file, ever (two builds at once: test_concurrency.py).

A build killed by Ctrl-C, SIGTERM or SIGKILL at any moment leaves every output and cache
entry whole (old or new), and the next build removes its temporaries.
"""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.builds import ROOT, build_here, ctrl_c_heard
from support.outputs import assert_all_complete

FIRST_DECK = "first deck"  # the moment the first lesson's deck is published, the others still being built


def wait_for(moment: float | str, folder: Path) -> None:
    """Seconds after the start, or the first deck: a fixed time the build may have finished by, on a fast machine."""
    if moment != FIRST_DECK:
        time.sleep(float(moment))
        return
    deadline = time.monotonic() + 120
    while not list((folder / "dist").glob("*.html")) and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("signum, after", [
    (signal.SIGINT, 0.5), (signal.SIGTERM, 1.5), (signal.SIGKILL, FIRST_DECK),
])
def test_an_interrupted_build_leaves_no_half_written_file(tmp_path: Path, signum: int, after: float | str) -> None:
    shutil.copytree(ROOT / "slides", tmp_path / "slides")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q"], cwd=tmp_path, env=env,
                               preexec_fn=ctrl_c_heard, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(after, tmp_path)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    # it was interrupted, not finished: Ctrl-C and SIGTERM end it with 130, SIGKILL kills it
    assert process.returncode == (-signal.SIGKILL if signum == signal.SIGKILL else 130), stderr
    assert "Traceback" not in stderr
    time.sleep(1.0)  # workers of a SIGKILLed build finish (or die) on their own
    assert_all_complete(tmp_path)
    # The next build (of one lesson: the folders' temporaries go whichever lessons a build makes, and
    # every other lesson's cache entries were checked whole above) succeeds and cleans up
    result = build_here("-q", "--lesson", "derivatives", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_all_complete(tmp_path)
    assert not [p for p in tmp_path.rglob(".*.tmp")], "temporaries of the killed build are still there"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_build_stopped_while_python_still_loads_it_stops_quietly(tmp_path: Path, signum: int) -> None:
    """Ctrl-C or SIGTERM in the second or so that Python spends importing the build (longer on a slow
    machine) is no traceback and no -2: the signal is sent here from inside the import of the pipeline."""
    shutil.copytree(ROOT / "slides", tmp_path / "slides")
    code = ("import os, sys, time\n"
            "class Interrupting:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'livedeck.build.pipeline':\n"
            f"            os.kill(os.getpid(), {int(signum)})\n"
            "            time.sleep(5)\n"
            "sys.meta_path.insert(0, Interrupting())\n"
            "import runpy\n"
            f"sys.argv = [{str(ROOT / 'build.py')!r}, '-q']\n"
            "runpy.run_path(sys.argv[0], run_name='__main__')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            preexec_fn=ctrl_c_heard, capture_output=True, text=True, timeout=60)
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()
