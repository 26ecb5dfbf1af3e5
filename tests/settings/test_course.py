"""A course, not a folder of decks: course.toml, lesson front matter, title-slide metadata, footers,
logo and slide numbers in both formats, and the course page."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from support.builds import build_here, run_build, write_lesson
from support.layout_checks import layout_problems

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
    result = build_here("-f", "html", "-f", "pptx", "-f", "json", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "→ html, pptx, json in dist/" in result.stdout  # the last line says what was written, and where
    return root


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sections(page: str) -> list[str]:
    """Each slide's HTML, without its speaker notes."""
    return [re.sub(r'<aside class="notes"[^>]*>.*?</aside>', "", s, flags=re.S)
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
        assert re.search(r'class="ld-footer ld-footer-text"[^>]*><span>Deep Learning 101 · <strong>Week 3</strong></span>', section)
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


def test_an_svg_logo_is_the_svg_in_html_and_a_drawn_picture_in_powerpoint(tmp_path: Path) -> None:
    """An SVG logo (the guide lists SVG) failed every lesson's layout: Pillow cannot measure it."""
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30">'
                                       '<rect width="90" height="30" fill="#1f4e79"/></svg>')
    (tmp_path / "course.toml").write_text('title = "DL"\nlogo = "logo.svg"\n')
    write_lesson(tmp_path / "slides", "01_gradients.py", LESSON)
    result = build_here("-f", "html", "-f", "pptx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'class="ld-logo" src="data:image/svg+xml;base64,' in (tmp_path / "dist" / "gradients.html").read_text()
    layout = list(Presentation(str(tmp_path / "dist" / "gradients.pptx")).slides)[1].slide_layout
    [logo] = [s for s in layout.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert logo.image.content_type == "image/png" and logo.width == pytest.approx(3 * logo.height, rel=0.01)


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
        # The footer is a flex box; its text sits in one span so the space before the bold stays.
        footers = page.eval_on_selector_all(".ld-footer-text", "els => els.map(e => e.innerText)")
        assert footers and all("Deep Learning 101 · Week 3" in text for text in footers), footers
        page.close()


def test_a_bad_course_toml_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text('title = "DL"\nautor = "Ada"\n')
    write_lesson(tmp_path / "slides", "01_a.py", LESSON)
    result = run_build(cwd=tmp_path)
    assert result.returncode == 2 and "course.toml:2: unknown key 'autor'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "dist" / "a.html").exists()


@pytest.mark.parametrize("text, line, fragment", [
    ('title = "DL"\nauthor = 3\n', 2, "'author' must be a name or a list of names"),
    ('\n\nlogo = "missing.png"\n', 3, "logo 'missing.png': no such file"),
    ('title = "DL\n', 1, "not valid TOML"),
    ('title = "DL"\nmemory = "lots"\n', 2, "'memory' must be a size, such as 4 (gigabytes) or \"512 MB\""),
    ('memory = -2\n', 1, "'memory' must be a size"),
    ('memory = true\n', 1, "'memory' must be a size"),
])
def test_every_course_key_is_checked(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    from livedeck.settings.course import SettingsError, read_course

    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(SettingsError) as caught:
        read_course(tmp_path)
    assert caught.value.line == line and fragment in caught.value.message


@pytest.mark.parametrize("value, gigabytes", [("4", 4.0), ("1.5", 1.5), ('"2 GB"', 2.0), ('"512 MB"', 0.5),
                                               ('"512MiB"', 0.5)])
def test_memory_is_a_size_in_gigabytes(tmp_path: Path, value: str, gigabytes: float) -> None:
    from livedeck.settings.course import read_course

    (tmp_path / "course.toml").write_text(f"memory = {value}\n")
    assert read_course(tmp_path).memory == gigabytes


def test_bad_front_matter_names_the_lesson_and_line(tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_a.py", FRONT_MATTER.replace("author:", "authr:"))
    result = build_here(cwd=tmp_path)
    assert result.returncode == 2 and "slides/01_a.py:3: unknown key 'authr'" in result.stdout + result.stderr


def test_the_date_is_never_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With settings but no date, a deck is dated by the lesson file's last commit, or SOURCE_DATE_EPOCH."""
    import subprocess

    from livedeck.settings.course import Settings, lesson_settings

    lesson = write_lesson(tmp_path, "01_a.py", LESSON)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert lesson_settings(Settings(footer="DL"), {}, lesson).date == "2023-11-14"  # not in git
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(git + ["-C", str(tmp_path), "add", "01_a.py"], check=True)
    subprocess.run(git + ["-C", str(tmp_path), "commit", "-q", "-m", "a", "--date", "2024-02-03T10:00:00"],
                   check=True, env={**os.environ, "GIT_COMMITTER_DATE": "2024-02-03T10:00:00"})
    assert lesson_settings(Settings(footer="DL"), {}, lesson).date == "2024-02-03"  # its last commit
    assert lesson_settings(Settings(footer="DL"), {"date": "Week 3"}, lesson).date == "Week 3"  # set: kept


@pytest.mark.parametrize("where, line", [("course.toml", 3), ("slides/01_a.py", 3)])
def test_a_date_too_long_for_the_footer_is_one_line_naming_where_it_is_set(tmp_path: Path, where: str,
                                                                             line: int) -> None:
    """A 47-character date beside a footer once sent the layout into an endless loop (no room was left
    for the footer's text); now it is the setting's error, at the line that sets it."""
    date = "Wednesday, 3 December 2026, 10:00 in Room 1.23"
    (tmp_path / "course.toml").write_text('title = "DL"\nfooter = "Deep Learning 101 · **Week 3**"\n'
                                          + (f'date = "{date}"\n' if where == "course.toml" else ""))
    lesson = FRONT_MATTER.replace("author: Grace Hopper", f"date: {date}") if where != "course.toml" else LESSON
    write_lesson(tmp_path / "slides", "01_a.py", lesson)
    result = build_here("-f", "html", cwd=tmp_path)
    message = f"{where}:{line}: 'date' is too long for the footer: {len(date)} characters,"
    assert result.returncode == 1 and message in result.stdout + result.stderr, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "dist" / "a.html").exists()


def test_a_word_wider_than_any_line_is_measured_at_once_and_no_room_is_an_error() -> None:
    from livedeck.layout.measure import width, wrapped_lines
    from livedeck.layout.richtext import markdown_paragraphs

    def line_by_line(used: float, available: float) -> int:  # how it was counted before: one line a turn
        lines = 1
        while used > available + 0.01:
            lines, used = lines + 1, used - available
        return lines

    [word] = markdown_paragraphs("x" * 10_000)
    assert wrapped_lines(word, 12, 100) == line_by_line(width("x" * 10_000, 12), 100)
    assert wrapped_lines(word, 12, 0.001) > 10_000_000  # counted, not looped line by line
    with pytest.raises(ValueError, match="no room"):
        wrapped_lines(word, 12, 0)
