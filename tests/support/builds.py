"""Building lessons as the tests do: a tiny-lesson writer, the CLI in a subprocess or in this process,
and lessons built once per run and shared."""
from __future__ import annotations

import fcntl
import html
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


CHROMIUM = "/usr/bin/chromium"


def outputs_shown(page: str) -> list[tuple[str, str]]:
    """(kind, text) of each printed output, value and error block of a deck page, as a reader sees it."""
    found = re.findall(r'<pre class="ld-box ld-output ld-(\w+)[^"]*"[^>]*>(.*?)</pre>', page, re.S)
    return [(kind, html.unescape(re.sub(r"<[^>]+>", "", body))) for kind, body in found]


def ctrl_c_heard() -> None:
    """Run in the child before it starts: Ctrl-C as a terminal delivers it. A shell without job control
    starts background commands with SIGINT ignored, and Python (rightly) keeps an inherited ignore, so a
    test run started in the background would otherwise send a Ctrl-C no build can hear."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def write_lesson(folder: Path, filename: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def _own_cache(args: tuple[str, ...], cwd: Path, cache: str) -> tuple[str, ...]:
    """Run from the project folder, a build gets a fresh cache of its own: tests never reuse (or
    disturb) the developer's .livedeck-cache."""
    if cwd == ROOT and "--cache" not in args and "--help" not in args:
        return (*args, "--cache", cache)
    return args


def run_build(*args: str, cwd: Path = ROOT, timeout: float = 600,
              env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess, as a lecturer runs it (`env`: variables to set or change): for what
    only a process of its own shows (its exit on a signal, its environment, what any of its processes
    print straight to the terminal)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    with tempfile.TemporaryDirectory(prefix="livedeck-cache-") as cache:  # removed after the build
        return subprocess.run([sys.executable, str(ROOT / "build.py"), *_own_cache(args, cwd, cache)], cwd=cwd,
                              env=env, capture_output=True, text=True, timeout=timeout)


def one_lesson_built(tmp_path_factory: pytest.TempPathFactory, filename: str, body: str, *formats: str) -> Path:
    """A course folder of one lesson (`body`, as write_lesson takes it), built in these formats in this process."""
    folder = tmp_path_factory.mktemp(Path(filename).stem)
    write_lesson(folder / "slides", filename, body)
    result = build_here(*(arg for name in formats for arg in ("-f", name)), cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder


def build_here(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The same command (livedeck.cli.command.run: its messages, its exit status) run in this test process, as
    `--watch` runs build after build in one process. The lessons still run each in a fresh process, forked
    from a fork server that this test process keeps (with torch loaded, whatever its lessons import)
    instead of one per build: a small build costs 0.1 CPU-seconds instead of 1.7 (torch's import: 1.2 more).
    Python's own tracebacks are caught into stderr, as the interpreter would print them.

    What it cannot show is run_build's: what other processes print straight to the terminal (a resource
    tracker's warnings), the exit on a signal, another environment or hash seed, and PDFs (Playwright's
    sync API cannot run inside a test process that drives Chromium with it too)."""
    from click.testing import CliRunner

    from livedeck.build import workers
    from livedeck.cli import command

    workers.start_server(torch=True)
    returncode, typed = 0, ["build.py", *args]
    with tempfile.TemporaryDirectory(prefix="livedeck-cache-") as cache, CliRunner().isolation() as (out, err, _):
        cwd_before, argv_before = os.getcwd(), sys.argv
        os.chdir(cwd)
        sys.argv = ["build.py", *_own_cache(args, cwd, cache)]
        try:
            command.run()
        except SystemExit as stop:
            returncode = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        except Exception:  # livedeck's bug: shown as `python build.py` would show it
            traceback.print_exc()
            returncode = 1
        finally:
            os.chdir(cwd_before)
            sys.argv = argv_before
    return subprocess.CompletedProcess(typed, returncode, out.getvalue().decode(), err.getvalue().decode())


def shared_build(tmp_path_factory: pytest.TempPathFactory, name: str, *args: str, slides: Path = ROOT / "slides",
                 cache: Optional[Path] = None,
                 runner: Callable[..., subprocess.CompletedProcess] = build_here) -> Path:
    """Lessons (the four real ones, unless `slides` says otherwise) built once per test run, whichever
    test process asks first (with pytest-xdist, the others wait for it and read the same folder);
    tests only read it. Its cache is `out/cache`, or `cache`: another shared build's, whose lessons'
    results it then re-renders rather than runs again. `runner`: how the build is run."""
    run = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run = run.parent  # the run's folder, shared by its workers (each has a basetemp inside it)
    out = run / f"shared-{name}"
    with open(run / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "complete").exists():
            shutil.rmtree(out, ignore_errors=True)
            result = runner("--slides", str(slides), "--out", str(out / "dist"), "--figures",
                            str(out / "figures"), "--cache", str(cache or out / "cache"), *args)
            assert result.returncode == 0, result.stdout + result.stderr
            (out / "build.log").write_text(result.stdout + result.stderr)  # what the build said
            (out / "complete").write_text("")
    return out


# tests/fixtures/lessons: one written to strain the layout, and public tutorials as lecturers have them (its README)
MATERIAL = ["stress", "gradient_tour", "graph_basics", "custom_cubic", "tensor_first_steps", "tensor_gallery",
            "line_fit_no_markdown", "training_frames", "optimizer_race", "tensor_ops_tour",
            "slope_check_no_markdown"]


# The bundled lessons, in slides/
LESSONS = ["derivatives", "partials", "custom_backward", "is_leaf"]
