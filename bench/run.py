"""Measure build speed in one run, as ratios to this machine's floor.

    python bench/run.py            # about a minute; prints a Markdown table for the README

floor     python -c "import torch, matplotlib.pyplot"  (what any build must pay once)
cold      the course, both formats, empty cache
no-op     again, nothing changed
edit      one lesson's code changed
template  the reveal.js stylesheet changed (re-render, no lesson runs)
40 lessons: the course copied ten times, cold, no-op and a one-lesson edit

Each figure is the median of REPEATS runs; peak memory is the largest process's.
Not a test: timing depends on the machine, so nothing here passes or fails.
"""
from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5


def _busy_and_total() -> tuple[int, int]:
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4], sum(fields)  # minus idle and iowait


def settle(limit: float = 5.0) -> None:
    """Wait until the CPUs are idle: a build's fork server (torch loaded) exits just after the
    build does, and its teardown must not be charged to the next measurement, floor included."""
    if not Path("/proc/stat").exists():
        time.sleep(1.5)
        return
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        busy0, total0 = _busy_and_total()
        time.sleep(0.25)
        busy1, total1 = _busy_and_total()
        if (busy1 - busy0) < 0.1 * max(1, total1 - total0):
            return


def timed(*command: str, cwd: Path) -> float:
    settle()
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start


def build(project: Path, *args: str) -> float:
    return timed(sys.executable, str(ROOT / "build.py"), "-q", "--templates", "templates", *args, cwd=project)


def project(tmp: Path, copies: int) -> Path:
    """A course folder: the real lessons (copied `copies` times, each copy's code made distinct)."""
    folder = tmp / f"course-{copies}"
    (folder / "slides").mkdir(parents=True)
    shutil.copytree(ROOT / "templates", folder / "templates")
    for copy in range(copies):
        for lesson in sorted((ROOT / "slides").glob("[0-9]*.py")):
            number, name = lesson.stem.split("_", 1)
            target = folder / "slides" / f"{copy:02d}{number}_{name}_{copy}.py"
            target.write_text(lesson.read_text() + f"\n# %%\n#| echo: false\ncopy_number = {copy}\n")
    return folder


def edit_code(folder: Path, counter: int) -> None:
    lesson = sorted((folder / "slides").glob("*.py"))[0]
    lesson.write_text(lesson.read_text() + f"\n# %%\n#| echo: false\nbench_edit = {counter}\n")


def edit_template(folder: Path, counter: int) -> None:
    css = folder / "templates" / "reveal" / "livedeck.css"
    css.write_text(css.read_text() + f"\n/* bench {counter} */\n")


def median_of(measure) -> float:
    return statistics.median(measure(i) for i in range(REPEATS))


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="livedeck-bench-"))
    try:
        floor = median_of(lambda i: timed(sys.executable, "-c", "import torch, matplotlib.pyplot", cwd=tmp))
        course = project(tmp, 1)

        def cold(i: int, folder: Path = course) -> float:
            shutil.rmtree(folder / ".livedeck-cache", ignore_errors=True)
            return build(folder)

        rows = [("floor: import torch, matplotlib.pyplot", floor)]
        rows.append(("cold build, 4 lessons, HTML + PowerPoint", median_of(cold)))
        rows.append(("no-op rebuild", median_of(lambda i: build(course))))
        rows.append(("one lesson's code edited", median_of(lambda i: (edit_code(course, i), build(course))[1])))
        rows.append(("template (CSS) edited", median_of(lambda i: (edit_template(course, i), build(course))[1])))
        large = project(tmp, 10)
        rows.append(("cold build, 40 lessons", cold(0, large)))
        rows.append(("no-op rebuild, 40 lessons", median_of(lambda i: build(large))))
        rows.append(("one lesson's code edited, 40 lessons",
                     median_of(lambda i: (edit_code(large, 100 + i), build(large))[1])))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; median of {REPEATS} runs (the 40-lesson cold build: one run).\n")
    print("| build | seconds | ÷ floor |")
    print("| --- | ---: | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / floor:.2f} |")
    print(f"\nPeak memory of one process: {peak:.0f} MB.")


if __name__ == "__main__":
    main()
