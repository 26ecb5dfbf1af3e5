"""PDFs and handouts, read back with poppler: pages, text, fonts, colours; and what happens without Chromium."""
from __future__ import annotations

import json
import math
import os
import re
import subprocess
from pathlib import Path

import pytest

from support.builds import run_build, write_lesson

LESSONS = ("derivatives", "partials", "custom_backward", "is_leaf")


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def pages(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


def text_of(path: Path, page: int = 0) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def words(text: str) -> str:
    return " ".join(re.sub(r"[`*$\\{}]", " ", text).split())


def letters(title: str) -> list[str]:
    """A title's runs of letters ("ReLU(x) and its derivative" → ReLU, x, and, its, derivative): what
    any PDF text of it holds, whatever punctuation or formula stands between them."""
    return re.findall(r"[^\W\d_]+", words(title))


def deck(dist: Path, name: str) -> dict:
    return json.loads((dist / f"{name}.json").read_text())["deck"]


@pytest.mark.browser
@pytest.mark.parametrize("name", LESSONS)
def test_one_page_per_slide_with_its_text(printed: Path, name: str) -> None:
    model = deck(printed, name)
    pdf = printed / f"{name}.pdf"
    # One page per slide of the HTML deck (the layout's slides: "(cont.)" ones included)
    assert pages(pdf) == (printed / f"{name}.html").read_text().count('<section data-ld-kind=')
    width, height = map(float, re.findall(r"[\d.]+", pdf_info(pdf)["Page size"])[:2])
    assert abs(width / height - 16 / 9) < 0.01
    everything = words(text_of(pdf))
    assert words(model["title"]) in everything
    number = 1
    for slide in model["slides"]:  # each slide's title on a page of its own, in order
        title_words = letters(slide["title"])
        assert title_words or not slide["title"].strip(), slide["title"]  # a title is looked for, never skipped
        number += 1
        while not all(w in words(text_of(pdf, number)) for w in title_words):
            number += 1
            assert number <= pages(pdf), (name, slide["title"])
        page = words(text_of(pdf, number))
        assert "\\frac" not in page and "$$" not in page  # math is typeset, no LaTeX source left as text
    # Code is text, not a picture of text.
    assert "backward()" in everything


@pytest.mark.browser
def test_math_and_code_are_typeset_as_on_the_slides(printed: Path) -> None:
    fonts = subprocess.run(["pdffonts", str(printed / "derivatives.pdf")], capture_output=True, text=True,
                           check=True).stdout
    assert "DejaVuSans" in fonts and "DejaVuSansMono" in fonts, fonts  # the fonts the layout measured, from disk
    # The page of `x = torch.tensor(2.0, requires_grad=True)`, drawn: Pygments' colours are there.
    from PIL import Image

    number = next(i for i in range(2, pages(printed / "derivatives.pdf") + 1)
                  if "Tensors that remember" in text_of(printed / "derivatives.pdf", i))
    out = printed.parent / "page"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(number), "-l", str(number), "-singlefile",
                    str(printed / "derivatives.pdf"), str(out)], check=True)
    colours = {c for _, c in Image.open(f"{out}.png").convert("RGB").getcolors(1 << 20)}
    coloured = {c for c in colours if max(c) - min(c) > 80}  # saturated: syntax colours, not greys
    assert len(coloured) > 20
    # The autograd-graph figure is drawn on its page: its leaf (green) and node (blue) fills are there.
    number = next(i for i in range(2, pages(printed / "derivatives.pdf") + 1)
                  if "graph backward() walked" in text_of(printed / "derivatives.pdf", i))
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(number), "-l", str(number), "-singlefile",
                    str(printed / "derivatives.pdf"), str(out)], check=True)
    counts = {c: n for n, c in Image.open(f"{out}.png").convert("RGB").getcolors(1 << 20)}
    for fill in ((0xd9, 0xf2, 0xd9), (0xdb, 0xe8, 0xf8)):
        near = sum(n for c, n in counts.items() if max(abs(a - b) for a, b in zip(c, fill)) <= 6)
        assert near > 200, (fill, near)


@pytest.mark.browser
@pytest.mark.parametrize("name", LESSONS)
def test_handout_two_slides_a_page_with_notes(printed: Path, name: str) -> None:
    from PIL import Image

    model = deck(printed, name)
    handout = printed / f"{name}-handout.pdf"
    count = pages(printed / f"{name}.pdf")
    assert pages(handout) == math.ceil(count / 2)  # two slides a page (the bundled lessons' notes are short)
    assert "A4" in pdf_info(handout)["Page size"]
    # Drawn: every slide at least 16 cm wide; no page but the last more than a quarter empty
    out = printed.parent / f"handout-{name}"
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(handout), str(out)], check=True)
    for number, png in enumerate(sorted(printed.parent.glob(f"handout-{name}-*.png")), start=1):
        image = Image.open(png).convert("L")
        below_header = image.crop((0, image.height // 10, image.width, image.height))  # the header rule spans the page
        inked = below_header.point(lambda v: 255 if v < 200 else 0).getbbox()  # the frames' grey borders and all ink
        inked = (inked[0], inked[1], inked[2], inked[3] + image.height // 10)
        centimetres = (inked[2] - inked[0]) / 30 * 2.54
        assert centimetres >= 16, (name, number, centimetres)
        if number < pages(handout):
            assert inked[3] >= 0.75 * image.height, (name, number, inked[3] / image.height)
    text = words(text_of(handout))
    notes = [s["notes"] for s in model["slides"] if s["notes"]] + [model["title_notes"]] * bool(model["title_notes"])
    assert notes
    for note in notes:
        first = " ".join(words(note).split()[:6])
        assert first in text, (name, first)
    for slide in model["slides"]:
        assert letters(slide["title"]) and all(w in text for w in letters(slide["title"])), slide["title"]


def figure_alt_texts(path: Path) -> list[str]:
    """The alt text of every Figure in the PDF's structure tree (its tags), in reading order."""
    from pypdf import PdfReader

    found: list[str] = []

    def walk(element) -> None:
        element = element.get_object()
        if not isinstance(element, dict):
            return  # a marked-content id: a leaf
        if element.get("/S") == "/Figure":
            found.append(str(element.get("/Alt", "")))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(PdfReader(str(path)).trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.browser
@pytest.mark.parametrize("name", LESSONS)
def test_pdfs_and_handouts_are_tagged_and_every_figure_has_its_alt_text(printed: Path, name: str) -> None:
    blocks = [b for s in deck(printed, name)["slides"] for b in s["blocks"]]
    figures = [b["alt"] for b in blocks if b["type"] == "Figure"]
    said = any(b["type"] == "Math" for b in blocks)  # display math is said in words; inline reads as its text
    assert figures
    for pdf in (printed / f"{name}.pdf", printed / f"{name}-handout.pdf"):
        assert pdf_info(pdf)["Tagged"].strip() == "yes", pdf.name
        alts = figure_alt_texts(pdf)
        assert all(alt.strip() for alt in alts), pdf.name  # no Figure without alt text: formulas say themselves
        assert set(figures) <= set(alts), pdf.name
        assert any(" equals " in alt for alt in alts) == said, pdf.name  # a display formula, in words


@pytest.mark.browser
def test_index_links_every_format_of_every_lesson(printed: Path) -> None:
    index = (printed / "index.html").read_text()
    for name in LESSONS:
        for file in (f"{name}.html", f"{name}.pdf", f"{name}-handout.pdf", f"{name}.ipynb", f"{name}.json"):
            assert f'href="{file}"' in index and (printed / file).exists(), file
    assert "Handout (PDF)" in index and "Notebook" in index


def _tiny(tmp_path: Path) -> Path:
    write_lesson(tmp_path / "slides", "01_tiny.py", '''
        # %% [markdown]
        # # Tiny
        # ## One slide
        # Some text.

        # %%
        print(1 + 1)
    ''')
    return tmp_path


def _without(tmp_path: Path, *args: str, path: str, chromium: str = "") -> subprocess.CompletedProcess:
    return run_build(*args, cwd=tmp_path, timeout=300, env={"PATH": path, "LIVEDECK_CHROMIUM": chromium})


def test_no_chromium_and_no_libreoffice_is_one_clear_line(tmp_path: Path) -> None:
    result = _without(_tiny(tmp_path), "-f", "pdf", path=str(tmp_path / "empty"))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "needs Chromium or LibreOffice" in lines[0] and "chromium" in lines[0], result.stderr
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").glob("*.pdf"))


def test_a_handout_without_chromium_names_chromium(tmp_path: Path) -> None:
    result = _without(_tiny(tmp_path), "--handout", path=os.environ["PATH"], chromium="/nonexistent/chromium")
    assert result.returncode == 2 and "--handout needs Chromium" in result.stderr, result.stderr


@pytest.mark.libreoffice
def test_without_chromium_libreoffice_makes_the_pdf_from_the_pptx(tmp_path: Path, soffice: str, poppler) -> None:
    result = _without(_tiny(tmp_path), "-f", "pdf", path=os.environ["PATH"], chromium="/nonexistent/chromium")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "dist" / "tiny.pdf"
    assert pages(pdf) == 2 and "One slide" in text_of(pdf)
    assert pdf_info(pdf)["Tagged"].strip() == "yes"
    assert not (tmp_path / "dist" / "tiny.html").exists()  # nothing printed from HTML: no HTML needed


@pytest.mark.browser
def test_pdf_is_rebuilt_only_when_needed(tmp_path: Path, browser, poppler) -> None:
    _tiny(tmp_path)
    # in a process of its own: PDFs are printed with Playwright's sync API, which cannot run inside a test
    # process that drives Chromium with it too (the `browser` fixture)
    first = run_build("-f", "pdf", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "dist" / "tiny.html").exists()  # a PDF is printed from the HTML deck
    again = run_build("-f", "pdf", cwd=tmp_path)
    assert "up to date" in again.stdout
    (tmp_path / "dist" / "tiny.pdf").unlink()
    third = run_build("-f", "pdf", cwd=tmp_path)
    assert "re-rendered" in third.stdout and (tmp_path / "dist" / "tiny.pdf").exists()


def test_a_chromium_that_fails_fails_that_lesson_plainly(tmp_path: Path) -> None:
    broken = tmp_path / "bin" / "chromium"
    broken.parent.mkdir()
    broken.write_text("#!/bin/sh\necho 'no display today' >&2\nexit 1\n")
    broken.chmod(0o755)
    result = _without(_tiny(tmp_path), "-f", "pdf", "--cache", str(tmp_path / "cache"), path=os.environ["PATH"],
                      chromium=str(broken))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Chromium could not print tiny.html to PDF" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not (tmp_path / "dist" / "tiny.pdf").exists()
