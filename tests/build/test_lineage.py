"""A build's lesson processes end with it (build/lineage.py), and a lesson's own processes behave as under
`python lesson.py`: a top-level Pool and DataLoader work, and what they and child programs print is shown."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from livedeck.base.files import process_alive
from support.builds import ROOT, build_here, outputs_shown, write_lesson

# A lesson that starts a process in a session of its own (out of reach of a process-group kill), says
# which processes it has, and publishes its deck a few seconds later, unless its build is gone by then.
ESCAPING = """
# %%
import os, pathlib, subprocess, time
child = subprocess.Popen(["sleep", "600"], start_new_session=True)
pathlib.Path("../pids").write_text(f"{os.getpid()} {child.pid} {os.getppid()}")
time.sleep(3)
print("finished")
"""


def _wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGHUP])
def test_a_killed_build_leaves_no_process_and_never_publishes_later(tmp_path: Path, signum: int) -> None:
    """SIGKILL of the build alone, or SIGHUP to its process group (its terminal closed): within 2 s no
    process of the build is left (the lesson, the process it started with setsid, the fork server), and
    the lesson, which would have finished 3 s later, never writes its deck."""
    write_lesson(tmp_path / "slides", "01_escaping.py", ESCAPING)
    build = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q", "-f", "html"], cwd=tmp_path,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(tmp_path / "pids")
        pids = [int(pid) for pid in (tmp_path / "pids").read_text().split()]  # lesson, its child, the fork server
        if signum == signal.SIGKILL:
            build.kill()
        else:
            os.killpg(build.pid, signal.SIGHUP)
        build.wait(timeout=30)
        time.sleep(2)
        assert [pid for pid in pids if process_alive(pid)] == []
        time.sleep(3)  # past the moment the lesson would have finished and published
        assert not (tmp_path / "dist" / "escaping.html").exists()
    finally:
        for pid in [int(p) for p in (tmp_path / "pids").read_text().split()] if (tmp_path / "pids").exists() else []:
            if process_alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_what_a_lesson_starts_in_a_session_of_its_own_ends_with_the_lesson(tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_escaping.py", ESCAPING.replace("time.sleep(3)", ""))
    result = build_here("-q", "-f", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lesson, child, _ = (int(pid) for pid in (tmp_path / "pids").read_text().split())
    deadline = time.monotonic() + 2
    while process_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(child) and not process_alive(lesson)


# Written at the top level, as every tutorial writes them, without `if __name__ == "__main__":`.
WORKERS = """
# %%
import multiprocessing, os, subprocess, sys
import torch
from torch.utils.data import DataLoader, Dataset

class Squares(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return torch.tensor(i * i)

def cube(x):
    return x ** 3

print(multiprocessing.get_start_method())
print([int(batch.sum()) for batch in DataLoader(Squares(), batch_size=2, num_workers=2)])
with multiprocessing.Pool(2) as pool:
    print(pool.map(cube, range(5)))
sys.stdout.flush()
os.write(1, b"written to descriptor 1\\n")
subprocess.run(["echo", "printed by echo"])
"""


def test_a_top_level_pool_and_dataloader_print_what_python_prints(tmp_path: Path) -> None:
    """The lesson's multiprocessing starts as plain Python's does (fork on Linux); what the lesson writes
    to descriptor 1 itself and what a child program prints are on its slide, as Jupyter shows them."""
    lesson = write_lesson(tmp_path / "slides", "01_workers.py", WORKERS)
    plain = subprocess.run([sys.executable, str(lesson)], cwd=lesson.parent, capture_output=True, text=True,
                           timeout=120)
    assert plain.returncode == 0, plain.stderr
    result = build_here("-q", "-f", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    shown = "\n".join(text for kind, text in outputs_shown((tmp_path / "dist" / "workers.html").read_text())
                      if kind == "stdout")
    assert shown.split() == plain.stdout.split()
    assert "printed by echo" not in result.stdout + result.stderr  # not on the build's terminal


def test_a_memory_limit_stops_a_runaway_lesson_at_its_line(tmp_path: Path) -> None:
    """`memory` in course.toml (or a lesson's front matter, which wins): an allocation past it is the lesson's
    error at its line, "out of memory (limit N GB)", not the machine's out-of-memory killer. 3 GB of
    zeros costs nothing without a limit (the pages are never touched), so the limit is what refuses it."""
    (tmp_path / "course.toml").write_text('title = "Limits"\nmemory = 1\n')
    write_lesson(tmp_path / "slides", "01_runaway.py", "# %%\nx = 1\nbig = bytearray(3 * 2**30)\n")
    write_lesson(tmp_path / "slides", "02_own.py", "# %% [markdown]\n# ---\n# memory: 4 GB\n# ---\n# # Own\n\n"
                                                   "# %%\nbig = bytearray(3 * 2**30)\nprint(len(big))\n")
    result = build_here("-f", "html", cwd=tmp_path)
    assert "✗ slides/01_runaway.py:3: MemoryError — out of memory (limit 1 GB)" in result.stderr
    assert "✓ own" in result.stdout and "3221225472" in (tmp_path / "dist" / "own.html").read_text()
