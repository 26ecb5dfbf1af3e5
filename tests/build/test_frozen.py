"""Frozen results (build/frozen.py): the bundled course frozen, then built on a machine without torch, deck for
deck the same. (Two freezes of an unchanged course: tests/build/test_check.py.)"""
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from support.builds import LESSONS, ROOT, build_here, run_build

FORMATS = ("-f", "html", "-f", "pptx", "-f", "ipynb", "-f", "json")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def frozen_course(course: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled course copied and frozen, its results taken from the shared build's cache (a copy)."""
    project = tmp_path_factory.mktemp("frozen-course")
    shutil.copytree(ROOT / "slides", project / "slides", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(course / "cache", project / "cache")
    result = build_here("--freeze", *FORMATS, "--cache", "cache", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_a_frozen_course_builds_every_format_where_torch_cannot_be_imported(frozen_course: Path,
                                                                             tmp_path: Path) -> None:
    blocker = tmp_path / "no-torch" / "torch"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no torch on this machine')\n")
    out = tmp_path / "out"
    result = run_build("--frozen", *FORMATS, "-f", "pdf", "--slides", str(frozen_course / "slides"), "--out",
                       str(out / "dist"), "--figures", str(out / "figures"), "--cache", str(out / "cache"),
                       cwd=frozen_course, env={"PYTHONPATH": f"{blocker.parent}:{ROOT}"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("built from its frozen record") == len(LESSONS), result.stdout
    normal, thawed = _files(frozen_course / "dist"), _files(out / "dist")
    for name in LESSONS:  # every deck as the normal build wrote it, byte for byte
        for suffix in (".html", ".pptx", ".ipynb", ".json"):
            assert thawed[name + suffix] == normal[name + suffix], name + suffix
        # PDFs carry their printing's date, so no two builds' are byte-identical: one page per slide of the deck
        pdf = PdfReader(out / "dist" / f"{name}.pdf")
        assert len(pdf.pages) == thawed[f"{name}.html"].count(b"<section data-ld-kind=") > 3
    assert _files(out / "figures") == _files(frozen_course / "figures")


def test_the_store_is_text_and_figures_that_diff(frozen_course: Path) -> None:
    store = frozen_course / "frozen"
    assert sorted(p.name for p in store.iterdir()) == sorted(LESSONS)
    record = (store / "partials" / "record.json").read_text()
    assert '"code cells"' in record and '"python"' in record and '"seconds"' in record
    assert (store / "partials" / "outputs.json").read_text().count("\n") > 50  # one value a line: it diffs
    assert {p.suffix for p in (store / "partials" / "files").iterdir()} == {".svg", ".png"}
