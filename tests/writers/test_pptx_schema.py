"""Every .pptx livedeck writes is valid OOXML as PowerPoint reads it (ECMA-376, openxml-audit).

Why the validator is trusted: `test_planted_violations_are_caught` plants the three kinds of
fault that make PowerPoint offer to "repair" a file (an element out of the schema's order, a
required attribute removed, a relationship to a part that is not in the package) into a valid
deck, and each one is reported, naming its part.
"""
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from livedeck.base.package_data import TEMPLATES
from livedeck.writers import WriteContext
from livedeck.writers.pptx.draw import write_pptx
from livedeck.writers.pptx.schema import schema_errors
from support.builds import LESSONS, build_here, write_lesson
from support.decks import drawn, small_deck, stress_deck, write_figure


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("figures")
    write_figure(folder)
    return folder


@pytest.fixture(scope="module")
def libreoffice_template(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """python-pptx's default theme, opened and saved again by LibreOffice Impress."""
    folder = tmp_path_factory.mktemp("lo-template")
    Presentation().save(folder / "theme.pptx")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to",
                    "pptx:Impress Office Open XML", "--outdir", str(folder / "saved"), str(folder / "theme.pptx")],
                   check=True, capture_output=True, timeout=120)
    return folder / "saved" / "theme.pptx"


def _python_pptx_template(folder: Path) -> Path:
    path = folder / "python-pptx-default.pptx"
    if not path.exists():
        Presentation().save(path)
    return path


def _written(tmp_path: Path, deck, context: WriteContext) -> Path:
    path = tmp_path / f"{deck.name}.pptx"
    path.write_bytes(drawn(write_pptx, deck, context))
    return path


def test_the_shipped_theme_is_valid() -> None:
    assert schema_errors(TEMPLATES / "pptx" / "livedeck.pptx") == []


def test_bundled_lessons_are_valid(course: Path) -> None:
    for name in LESSONS:
        assert schema_errors(course / "dist" / f"{name}.pptx") == [], name


@pytest.mark.parametrize("theme", ["livedeck", "python-pptx"])
def test_stress_decks_with_animations_are_valid(theme: str, figures: Path, tmp_path: Path) -> None:
    template = _python_pptx_template(tmp_path) if theme == "python-pptx" else None
    context = WriteContext(figures=figures, pptx_template=template)
    for deck in (small_deck(), stress_deck()):
        path = _written(tmp_path, deck, context)
        assert schema_errors(path) == [], (theme, deck.name)
    # the stress deck's clicks (pauses, incremental list, fragment, code lines) are in the checked XML
    slides = [name for name in zipfile.ZipFile(path).namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", name)]
    assert sum(b"<p:timing>" in zipfile.ZipFile(path).read(name) for name in slides) >= 2


def test_a_libreoffice_template_builds_a_valid_deck(libreoffice_template: Path, figures: Path,
                                                    tmp_path: Path) -> None:
    assert schema_errors(libreoffice_template), "LibreOffice's save was expected to lack viewProps"
    for deck in (small_deck(), stress_deck()):
        path = _written(tmp_path, deck, WriteContext(figures=figures, pptx_template=libreoffice_template))
        assert schema_errors(path) == [], deck.name
        names = zipfile.ZipFile(path).namelist()
        assert len(names) == len(set(names))  # no duplicate core-properties entry


def test_an_invalid_template_is_a_warning_and_the_deck_is_built(libreoffice_template: Path, tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_tiny.py", """
        # %% [markdown]
        # # Tiny
        # ## One slide

        # %%
        print(1 + 1)
    """)
    result = build_here("-f", "pptx", "--template", str(libreoffice_template), "--cache", str(tmp_path / "cache"),
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("⚠")]
    assert len(warnings) == 1, result.stderr
    assert str(libreoffice_template) in warnings[0] and "/ppt/presentation.xml" in warnings[0]
    assert schema_errors(tmp_path / "dist" / "tiny.pptx") == []


def _planted(source: Path, target: Path, part: str, old: bytes, new: bytes) -> Path:
    """A copy of `source` with one replacement in one part."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == part:
                assert old in data, (part, old)
                data = data.replace(old, new, 1)
            copy.writestr(info, data)
    return target


def test_planted_violations_are_caught(figures: Path, tmp_path: Path) -> None:
    valid = _written(tmp_path, small_deck(), WriteContext(figures=figures))
    assert schema_errors(valid) == []
    master = "ppt/slideMasters/slideMaster1.xml"
    latin = re.search(rb'<a:latin typeface="[^"]*"/>', zipfile.ZipFile(valid).read(master)).group(0)
    plants = {
        # the theme's old fault: <a:latin> after <a:ea> and <a:cs>
        "out of order": (master, latin + b'<a:ea typeface="+mj-ea"/><a:cs typeface="+mj-cs"/>',
                         b'<a:ea typeface="+mj-ea"/><a:cs typeface="+mj-cs"/>' + latin),
        # every shape needs an id
        "missing attribute": ("ppt/slides/slide2.xml", b'<p:cNvPr id="2"', b"<p:cNvPr"),
        # the slide points at a layout that is not in the package
        "bad relationship": ("ppt/slides/_rels/slide2.xml.rels", b"../slideLayouts/slideLayout",
                             b"../slideLayouts/missingLayout"),
    }
    for name, (part, old, new) in plants.items():
        errors = schema_errors(_planted(valid, tmp_path / f"{name}.pptx", part, old, new))
        assert [e.part for e in errors] == ["/" + part], (name, errors)


def _template_with(tmp_path: Path, what: str) -> Path:
    """livedeck's own template, plus a link out of the file (a picture from the web, a network share), a
    web hyperlink (fine: nothing is fetched on opening), or macros."""
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE
    from pptx.opc.package import PackURI, Part

    from livedeck.base.package_data import TEMPLATES

    prs = Presentation(str(TEMPLATES / "pptx" / "livedeck.pptx"))
    layout = prs.slide_layouts[0].part
    if what == "web picture":
        layout.relate_to("http://example.org/seal.png", RELATIONSHIP_TYPE.IMAGE, is_external=True)
    elif what == "network share":
        layout.relate_to("file://fileserver/staff/seal.png", RELATIONSHIP_TYPE.IMAGE, is_external=True)
    elif what == "hyperlink":
        layout.relate_to("https://example.org/course", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    else:
        macros = Part(PackURI("/ppt/vbaProject.bin"), "application/vnd.ms-office.vbaProject", prs.part.package,
                      b"\0" * 64)
        prs.part.relate_to(macros, "http://schemas.microsoft.com/office/2006/relationships/vbaProject")
    path = tmp_path / f"{what.replace(' ', '-')}.pptx"
    prs.save(str(path))
    return path


@pytest.mark.parametrize("what, fragment", [
    ("web picture", "it links http://example.org/seal.png from /ppt/slideLayouts/slideLayout1.xml, outside the file"),
    ("network share", "it links file://fileserver/staff/seal.png"),
    ("macros", "it holds macros (/ppt/vbaProject.bin)"),
    ("hyperlink", None),
])
def test_a_template_that_reaches_outside_or_holds_macros_is_refused(tmp_path: Path, what: str,
                                                                      fragment: str | None) -> None:
    template = _template_with(tmp_path, what)
    write_lesson(tmp_path / "slides", "01_tiny.py", "# %% [markdown]\n# # Tiny\n# ## One slide\n# Text.\n")
    result = build_here("-f", "pptx", "--template", str(template), cwd=tmp_path)
    if fragment is None:  # a hyperlink to a web page is not fetched; the template is used
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 2 and fragment in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "dist" / "tiny.pptx").exists()
