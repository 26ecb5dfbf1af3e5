"""Shared fixtures: the real course and the material fixtures built once, a headless Chromium, LibreOffice
and poppler, golden files, and the order test files start in. (Helpers that are no fixtures: tests/support/.)"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from support.builds import CHROMIUM, ROOT, run_build, shared_build


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four real lessons built once: decks, deck models and student notebooks."""
    return shared_build(tmp_path_factory, "course", "-f", "html", "-f", "pptx", "-f", "json", "-f", "ipynb")


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
LONGEST_FIRST = ("test_layout_decks.py", "test_pdf.py", "test_reliability.py", "test_ray.py", "test_build.py",
                 "test_interrupts.py", "test_notebook.py", "test_faults.py", "test_lineage.py", "test_install.py",
                 "test_frozen.py", "test_real_material.py", "test_layout_libreoffice.py", "test_presenting.py",
                 "test_pptx_schema.py", "test_layout.py", "test_pptx_writer.py", "test_concurrency.py",
                 "test_watch.py", "test_cache.py", "test_check.py", "test_formula_corpus.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # a stable sort: each file keeps its own order
