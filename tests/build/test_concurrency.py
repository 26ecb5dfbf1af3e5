"""Builds that meet: two builds of one course at once, and a fork server whose build vanished."""
import os
import subprocess
import sys
from pathlib import Path

from support.builds import ROOT, write_lesson
from support.outputs import assert_all_complete

# A course that writes every kind of file a build shares with another build of the same folder:
# figures (SVG and PNG), typeset formulas, the run cache, both decks and the index.
# No torch: the race is in livedeck's writes, and the real lessons' torch runs would only lengthen it.
COURSE = {
    "01_curve.py": """
        # %% [markdown]
        # # A curve
        # The square $f(x) = x^2$ and its slope $$f'(x) = 2x$$

        # %%
        import matplotlib.pyplot as plt
        plt.plot([0, 1, 2, 3], [0, 1, 4, 9])
        plt.title("x squared")
        plt.show()
        """,
    "02_numbers.py": """
        # %% [markdown]
        # # Numbers
        # A table of $n$ and $n^2$.

        # %%
        from livedeck import table
        table([(n, n * n) for n in range(5)], header=["n", "n²"], caption="squares")
        """,
    "03_words.py": """
        # %% [markdown]
        # # Words

        # %%
        print(" ".join(["many"] * 5))
        """,
}


def test_two_builds_at_once_both_finish_with_valid_outputs(tmp_path: Path) -> None:
    for filename, body in COURSE.items():
        write_lesson(tmp_path / "slides", filename, body)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    builds = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for process in builds:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    assert_all_complete(tmp_path)
    for name in ("curve", "numbers", "words"):
        assert (tmp_path / "dist" / f"{name}.html").exists() and (tmp_path / "dist" / f"{name}.pptx").exists()
    assert list((tmp_path / "figures").rglob("*.svg")) and list((tmp_path / "figures").rglob("*.png"))
    assert (tmp_path / "dist" / "curve.html").read_text().count("<svg") == 2  # both formulas typeset
    assert (tmp_path / "dist" / "index.html").exists()


# What a build killed while asking the fork server for a worker leaves the server with: a request
# cut short. The server ends; it must not print a traceback into the user's terminal.
CUT_SHORT_REQUEST = """
import socket, time
from multiprocessing import forkserver
from livedeck.build import workers
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
