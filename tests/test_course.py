"""A course, not a folder of decks: course.toml, lesson front matter, title-slide metadata, footers,
logo and slide numbers in both formats, and the course page."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from conftest import run_build, write_lesson
from layout_checks import layout_problems

COURSE = '''
title = "Deep Learning 101"
author = ["Ada Lovelace", "Alan Turing"]
institute = "University of Somewhere"
date = "Spring 2027"
lang = "en-GB"
logo = "logo.png"
footer = "Deep Learning 101 · **Week 3**"
'''
LESSON = '''
    # %% [markdown]
    # # Gradients
    # Why slopes matter
    #
    # ## First slide
    # Some words on the first slide.

    # %%
    print("hello")

    # %% [markdown]
    # ## Second slide
    # - one
    # - two
'''
FRONT_MATTER = '''
    # %% [markdown]
    # ---
    # author: Grace Hopper
    # subtitle: "Set in the front matter"
    # ---
    # # Partials
    #
    # ## Only slide
    # Words.
'''


def _logo(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (300, 100), "#0b3d91").save(path)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("course")
    (root / "course.toml").write_text(COURSE)
    _logo(root / "logo.png")
    write_lesson(root / "slides", "01_gradients.py", LESSON)
    write_lesson(root / "slides", "02_partials.py", FRONT_MATTER)
    result = run_build("-f", "html", "-f", "pptx", "-f", "json", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "→ html, pptx, json in dist/" in result.stdout  # the last line says what was written, and where
    return root


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sections(page: str) -> list[str]:
    """Each slide's HTML, without its speaker notes."""
    return [re.sub(r'<aside class="notes">.*?</aside>', "", s, flags=re.S)
            for s in re.findall(r"<section .*?</section>", page, re.S)]


def test_title_slides_show_the_author_institute_and_date(course: Path) -> None:
    first = text_of(sections((course / "dist" / "gradients.html").read_text())[0])
    assert "Ada Lovelace, Alan Turing" in first and "University of Somewhere" in first and "Spring 2027" in first
    assert "slides/01_gradients.py" not in first  # the file moved to the speaker notes
    model = json.loads((course / "dist" / "gradients.json").read_text())["deck"]
    assert "slides/01_gradients.py" in model["title_notes"]
    overridden = text_of(sections((course / "dist" / "partials.html").read_text())[0])
    assert "Grace Hopper" in overridden and "Ada Lovelace" not in overridden  # the front matter wins
    assert "Set in the front matter" in overridden and "University of Somewhere" in overridden
    title = Presentation(str(course / "dist" / "gradients.pptx")).slides[0]
    text = " ".join(s.text_frame.text for s in title.shapes if s.has_text_frame)
    assert "Ada Lovelace, Alan Turing" in text and "University of Somewhere" in text and "Spring 2027" in text


def test_every_other_slide_has_the_footer_logo_and_number_in_html(course: Path) -> None:
    page = (course / "dist" / "gradients.html").read_text()
    assert '<html lang="en-GB">' in page
    for number, section in enumerate(sections(page)[1:], start=2):
        assert re.search(r'class="ld-footer ld-footer-text"[^>]*>Deep Learning 101 · <strong>Week 3</strong>', section)
        assert 'class="ld-logo" src="data:image/png;base64,' in section
        assert re.search(rf'class="ld-footer ld-number"[^>]*>{number}</div>', section)
        assert "Spring 2027" in section
    assert "ld-footer" not in sections(page)[0]


def test_every_other_slide_has_powerpoint_footer_placeholders_and_the_logo_on_the_layout(course: Path) -> None:
    prs = Presentation(str(course / "dist" / "gradients.pptx"))
    for number, slide in enumerate(list(prs.slides)[1:], start=2):
        kinds = {p._element.ph.get("type"): p for p in slide.placeholders}
        assert kinds["ftr"].text_frame.text == "Deep Learning 101 · Week 3"
        assert kinds["dt"].text_frame.text == "Spring 2027"
        field = kinds["sldNum"]._element.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}fld")
        assert field.get("type") == "slidenum" and kinds["sldNum"].text_frame.text == str(number)
        assert not any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes)  # the logo is not copied
        langs = {r.get("lang") for r in slide._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr")}
        assert langs == {"en-GB"}
    layout = list(prs.slides)[1].slide_layout
    assert [s.name for s in layout.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE] == ["Logo"]


def test_the_course_page_shows_the_course(course: Path) -> None:
    page = text_of((course / "dist" / "index.html").read_text())
    assert "Deep Learning 101" in page and "Ada Lovelace, Alan Turing" in page and "University of Somewhere" in page
    assert re.search(r"01 Gradients Why slopes matter \d+ slides", page)
    assert re.search(r"02 Partials Set in the front matter \d+ slides", page)
    assert re.search(r"Slides \([\d.]+ kB\)", page) and re.search(r"PowerPoint \([\d.]+ kB\)", page)
    assert re.search(r"Built \d{4}-\d\d-\d\d \d\d:\d\d UTC", page)


@pytest.mark.browser
def test_footers_take_their_room_from_the_layout(course: Path, browser) -> None:
    for name in ("gradients", "partials"):
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto((course / "dist" / f"{name}.html").as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
        assert layout_problems(page) == []
        page.close()


@pytest.mark.parametrize("text, line, fragment", [
    ('title = "DL"\nautor = "Ada"\n', 2, "unknown key 'autor'"),
    ('title = "DL"\nauthor = 3\n', 2, "'author' must be a name or a list of names"),
    ('logo = "missing.png"\n', 1, "logo 'missing.png': no such file"),
])
def test_a_bad_course_toml_is_one_line_with_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    (tmp_path / "course.toml").write_text(text)
    write_lesson(tmp_path / "slides", "01_a.py", LESSON)
    result = run_build(cwd=tmp_path)
    assert result.returncode == 2 and f"course.toml:{line}: {fragment}" in result.stderr, result.stderr
    assert not (tmp_path / "dist" / "a.html").exists()


def test_bad_front_matter_names_the_lesson_and_line(tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_a.py", FRONT_MATTER.replace("author:", "authr:"))
    result = run_build(cwd=tmp_path)
    assert result.returncode == 2 and "slides/01_a.py:3: unknown key 'authr'" in result.stdout + result.stderr


def test_without_course_toml_the_date_is_never_the_clock(tmp_path: Path) -> None:
    """With settings but no date, a deck is dated by SOURCE_DATE_EPOCH (or the file's last commit)."""
    (tmp_path / "course.toml").write_text('footer = "DL"\n')
    write_lesson(tmp_path / "slides", "01_a.py", LESSON)
    result = run_build("-f", "json", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "dist" / "a.json").read_text())["deck"]["date"] == "2023-11-14"


@pytest.mark.libreoffice
def test_libreoffice_draws_the_footers_inside_their_placeholders(course: Path, soffice: str, poppler,
                                                                  tmp_path: Path) -> None:
    import subprocess

    from pptx_checks import rendered_problems

    deck = course / "dist" / "gradients.pptx"
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(deck)], check=True, capture_output=True, timeout=300)
    assert rendered_problems(deck, tmp_path / "gradients.pdf") == []
    text = subprocess.run(["pdftotext", str(tmp_path / "gradients.pdf"), "-"], capture_output=True, text=True).stdout
    assert text.count("Deep Learning 101 · Week 3") == len(Presentation(str(deck)).slides) - 1
