"""Shared fixtures: a tiny-lesson factory, the real course built once, and a headless Chromium."""
from __future__ import annotations

import fcntl
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import traceback
from pathlib import Path
from typing import Callable, Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def outputs_shown(page: str) -> list[tuple[str, str]]:
    """(kind, text) of each printed output, value and error block of a deck page, as a reader sees it."""
    found = re.findall(r'<pre class="ld-box ld-output ld-(\w+)[^"]*"[^>]*>(.*?)</pre>', page, re.S)
    return [(kind, html.unescape(re.sub(r"<[^>]+>", "", body))) for kind, body in found]


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


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four real lessons built once: decks, deck models and student notebooks."""
    return shared_build(tmp_path_factory, "course", "-f", "html", "-f", "pptx", "-f", "json", "-f", "ipynb")


# tests/fixtures/lessons: one written to strain the layout, and public tutorials as lecturers have them (its README)
MATERIAL = ["stress", "gradient_tour", "graph_basics", "custom_cubic", "tensor_first_steps", "tensor_gallery",
            "line_fit_no_markdown"]


@pytest.fixture(scope="session")
def material(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lessons of tests/fixtures/lessons, built once."""
    return shared_build(tmp_path_factory, "material", "-f", "html", "-f", "pptx", "-f", "json",
                        slides=ROOT / "tests" / "fixtures" / "lessons")


@pytest.fixture(scope="session")
def built(course: Path, material: Path) -> dict[str, Path]:
    """Where each set of lessons was built: "course" (slides/) and "material" (tests/fixtures/lessons)."""
    return {"course": course / "dist", "material": material / "dist"}


def _required(variable: str) -> bool:
    return os.environ.get(variable, "") not in ("", "0")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, offline; skips locally when Chromium is missing."""
    if not Path(CHROMIUM).exists():
        if _required("LIVEDECK_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing but LIVEDECK_REQUIRE_BROWSER is set")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def soffice() -> str:
    from livedeck.writers.pdf import libreoffice

    found = libreoffice()
    if not found:
        if _required("LIVEDECK_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is missing but LIVEDECK_REQUIRE_LIBREOFFICE is set")
        pytest.skip("LibreOffice is not installed")
    return found


@pytest.fixture(scope="session")
def poppler() -> None:
    """pdfinfo and pdftotext, to read the PDFs back."""
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext") and shutil.which("pdffonts")):
        if _required("LIVEDECK_REQUIRE_POPPLER"):
            pytest.fail("poppler-utils is missing but LIVEDECK_REQUIRE_POPPLER is set")
        pytest.skip("poppler-utils (pdfinfo, pdftotext) is not installed")


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory, course: Path, browser, poppler) -> Path:
    """The four real lessons built as PDFs, handouts and student notebooks (needs Chromium), from the
    results the course's build cached."""
    return shared_build(tmp_path_factory, "printed", "-f", "pdf", "-f", "ipynb", "-f", "json", "--handout",
                        cache=course / "cache", runner=run_build) / "dist"  # PDFs: see build_here


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite the checked-in golden descriptions from the current writers.")


@pytest.fixture
def golden_text(request: pytest.FixtureRequest):
    """Compare a text with tests/golden/NAME (a readable diff on failure); --update-golden rewrites it."""
    import difflib

    def check(name: str, text: str) -> None:
        path = ROOT / "tests" / "golden" / name
        if request.config.getoption("--update-golden") or not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if not request.config.getoption("--update-golden"):
                pytest.fail(f"{path} did not exist; written now, check it in")
            return
        expected = path.read_text(encoding="utf-8")
        if expected != text:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(path), "now"))
            pytest.fail(f"writer output changed (rerun with --update-golden if intended):\n{diff[:20000]}")

    return check


@pytest.fixture
def golden(golden_text):
    """Compare a structure with tests/golden/NAME.json; --update-golden rewrites it."""
    import json

    def check(name: str, actual: object) -> None:
        golden_text(f"{name}.json", json.dumps(actual, indent=1, ensure_ascii=False, sort_keys=True) + "\n")

    return check


# The test files that take longest start first, so that `make test`'s parallel workers (pytest-xdist,
# a file to a worker) do not end waiting on one long file started last.
LONGEST_FIRST = ("test_layout_decks.py", "test_reliability.py", "test_interrupts.py", "test_pdf.py", "test_notebook.py",
                 "test_faults.py", "test_build.py", "test_presenting.py", "test_pptx_schema.py",
                 "test_layout_libreoffice.py", "test_watch.py", "test_pptx_writer.py", "test_real_material.py",
                 "test_install.py", "test_concurrency.py", "test_formula_corpus.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # a stable sort: each file keeps its own order
