"""Every slide of the bundled lessons, of a stress lesson and of a public tutorial, as Chromium draws
them: each HTML deck opened from disk with the network blocked, nothing outside its box, no line of
code drawn on two lines, the same slides as the PowerPoint deck, and figure text legible from the
back row in both formats. (As LibreOffice draws the .pptx: test_layout_libreoffice.py.)"""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pptx import Presentation

from support.browser import MARKUP, axe
from support.builds import LESSONS, MATERIAL
from support.layout_checks import SLIDES_JS, layout_problems, structure_problems

pytestmark = pytest.mark.browser
DECKS = [("course", name) for name in LESSONS] + [("material", name) for name in MATERIAL]


@dataclass
class Opened:
    dist: Path
    name: str
    page: object  # a Playwright page showing dist/NAME.html
    errors: list[str] = field(default_factory=list)  # console errors, and requests blocked or failed
    model: dict = field(default_factory=dict)


@pytest.fixture(scope="module", params=DECKS, ids=[name for _, name in DECKS])
def opened(request, built: dict[str, Path], browser):
    """Each deck opened once, offline: every request outside file:// is blocked, and recorded."""
    where, name = request.param
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    deck = Opened(built[where], name, page, model=json.loads((built[where] / f"{name}.json").read_text())["deck"])
    page.on("console", lambda m: deck.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: deck.errors.append(str(e)))
    page.on("requestfailed", lambda r: deck.errors.append(f"failed: {r.url}"))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
               else (deck.errors.append(f"blocked: {route.request.url}"), route.abort()))
    page.goto((deck.dist / f"{name}.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
    page.evaluate("document.fonts.ready")
    yield deck
    page.close()


def test_deck_presents_offline(opened: Opened) -> None:
    page = opened.page
    assert opened.errors == []
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
    assert broken == 0


def test_math_is_typeset_and_fonts_load_from_disk(opened: Opened) -> None:
    page = opened.page
    # Formulas are MathJax's SVG, typeset at build time, each drawn at a size; no TeX is left as text
    sizes = page.evaluate("[...document.querySelectorAll('.ld-formula > svg')].map(s => parseFloat(s.getAttribute('width')))")
    model = json.dumps(opened.model)
    has_math = "$" in model or "\\\\(" in model or '"Math"' in model  # JSON writes \( as \\(
    assert (sizes and min(sizes) > 0) if has_math else sizes == []
    text = page.evaluate("""[...document.querySelectorAll('.ld-slide')].map(s => {
        const copy = s.cloneNode(true);
        copy.querySelectorAll('.ld-mathml, pre.ld-code').forEach(m => m.remove());  // code shows what it is
        return copy.textContent; }).join(' ')""")
    assert "\\frac" not in text and "\\partial" not in text and "$" not in text
    # The fonts the layout measured with load from disk (dist/assets/fonts), not from the system or a CDN
    assert page.evaluate("document.fonts.load('bold 20px \"LD Sans\"').then(faces => faces.length)") > 0
    assert page.evaluate("document.fonts.load('20px \"LD Mono\"').then(faces => faces.length)") > 0


def test_no_markup_or_tex_shows_as_text(opened: Opened) -> None:
    """Prose, titles, tables and captions (code and its output show what they are)."""
    texts = opened.page.evaluate("""[...document.querySelectorAll(
        '.ld-text, .ld-heading, table.ld-table td, table.ld-table th, figcaption')].map(e => {
        const copy = e.cloneNode(true);
        copy.querySelectorAll('.ld-mathml, code').forEach(m => m.remove());
        return copy.textContent; })""")
    assert texts and [t for t in texts if MARKUP.search(t)] == []


def test_code_is_highlighted_in_colour(opened: Opened) -> None:
    colours = opened.page.evaluate("[...document.querySelectorAll('pre.ld-code span')].map(s => getComputedStyle(s).color)")
    assert len(set(colours)) >= 3


def test_speaker_notes_are_present(opened: Opened) -> None:
    expected = sum(bool(s["notes"]) for s in opened.model["slides"]) + bool(opened.model["title_notes"])
    assert opened.page.evaluate("document.querySelectorAll('section > aside.notes').length") == expected
    assert opened.page.evaluate("typeof RevealNotes") != "undefined"
    # reachable: in the speaker view (S), and by a screen reader, as notes (not display:none, as reveal.js has them)
    shown = opened.page.evaluate("[...document.querySelectorAll('section > aside.notes')].map(a => "
                                 "getComputedStyle(a).display !== 'none' && a.getAttribute('aria-label'))")
    assert set(shown) <= {"Speaker notes"}
    # the copies each step carries for the speaker view (`[click]`) are not read a second time
    copies = opened.page.evaluate("[...document.querySelectorAll('.ld-notes-step')].map(s => "
                                  "s.getAttribute('aria-hidden') === 'true' && getComputedStyle(s).display)")
    assert set(copies) <= {"none"}
    # and the deck is a region a screen reader can browse, not reveal.js's role="application" (which stops that)
    assert opened.page.evaluate("Reveal.getRevealElement().getAttribute('role')") == "region"


def test_every_slide_fits_as_chromium_draws_it(opened: Opened) -> None:
    assert layout_problems(opened.page) == []


def test_html_and_powerpoint_have_the_same_slides(opened: Opened) -> None:
    dist, name, page = opened.dist, opened.name, opened.page
    # each slide's title, its formulas left out (PowerPoint writes them as Unicode text)
    titles = page.evaluate("""[...document.querySelectorAll('.slides > section')].map(s => {
        const heading = s.querySelector('.ld-heading');
        if (!heading) return null;
        const copy = heading.cloneNode(true);
        copy.querySelectorAll('.ld-formula').forEach(f => f.remove());
        return copy.textContent; })""")
    slides = Presentation(str(dist / f"{name}.pptx")).slides
    assert len(titles) == len(slides)
    for html, slide in zip(titles, slides):  # a title in both or in neither, and the same words
        powerpoint = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        assert (html is not None) == bool(powerpoint.strip()), (html, powerpoint)
        assert set(re.findall(r"\w+", html or "")) <= set(re.findall(r"\w+", powerpoint)), (html, powerpoint)


def test_figure_text_is_at_least_12_points_in_both_formats(opened: Opened) -> None:
    dist, name, page, model = opened.dist, opened.name, opened.page, opened.model
    figures = {b["name"]: b for s in model["slides"] for b in s["blocks"] if b["type"] == "Figure"}
    # shown width on a 13.33 in slide: CSS px of the 1280 px slide, points of the 960 pt slide
    shown = page.evaluate("[...document.querySelectorAll('img[data-ld-figure]')].map(i => "
                          "[i.dataset.ldFigure, parseFloat(i.style.width) * 0.75])")
    shown += [(s.name, s.width / 12700) for slide in Presentation(str(dist / f"{name}.pptx")).slides
              for s in slide.shapes if s.name in figures]
    assert len(shown) == 2 * len(figures)
    for figure, width in shown:
        block = figures[figure]
        if block["text_size"]:
            assert block["text_size"] * width / (block["width"] * 72) >= 11.99, (figure, width)


def test_every_slide_passes_axe_cores_wcag_aa_rules(opened: Opened, browser) -> None:
    """axe-core over the deck as presented (the page: language, title, landmarks, what is hidden), and over
    its print view, where every slide and every step is shown at once (as in the PDF)."""
    assert axe(opened.page) == []
    printed = browser.new_page(viewport={"width": 1280, "height": 720})
    printed.goto((opened.dist / f"{opened.name}.html").as_uri() + "?print-pdf")
    printed.wait_for_function("window.livedeckPdfReady === true", timeout=20_000)
    try:
        assert printed.evaluate("document.querySelectorAll('.pdf-page').length") > 1
        assert axe(printed) == []
    finally:
        printed.close()
    # no figure passes as decorative (alt=""), which axe-core would allow: only the course logo, on every slide, is
    unsaid = opened.page.evaluate("[...document.querySelectorAll('.slides img:not(.ld-logo)')]"
                                  ".filter(i => !i.alt.trim()).map(i => i.src)")
    assert unsaid == []


def test_a_code_column_widens_rather_than_wrap_its_lines(course: Path) -> None:
    """is_leaf "The rules" wrapped `requires_grad=Tru ↪ e)` in its 42% code column while the bullets beside
    it had room to spare: a column whose code wraps takes the width its longest line needs, when the other
    columns still hold what they hold."""
    page = (course / "dist" / "is_leaf.html").read_text()
    rules = next(section for section in re.findall(r"<section.*?</section>", page, re.S) if "The rules" in section)
    assert "↪" not in rules and "requires_grad" in rules


def test_every_code_cell_of_the_bundled_lessons_shares_a_slide_with_its_figure(course: Path) -> None:
    """"ReLU and its derivative" showed its code alone on a half-empty slide and the plot on "(cont.)": a slide
    size is chosen only if it keeps each code cell with the figure it drew, as the smallest size does."""
    for name in LESSONS:
        page = (course / "dist" / f"{name}.html").read_text()
        kinds = [re.findall(r'class="ld-box (ld-\w+)', section) for section in re.findall(r"<section.*?</section>", page, re.S)]
        apart = [i for i, (before, this) in enumerate(itertools.pairwise(kinds), start=1)
                 if this and this[0] == "ld-figure" and before and before[-1] == "ld-code"]
        assert apart == [], (name, apart)


def test_slides_are_cut_by_the_lessons_structure(opened: Opened) -> None:
    """The rules a lecturer reads a deck by, on every deck as Chromium draws it (PowerPoint has the same slides
    and titles: test_html_and_powerpoint_have_the_same_slides): no title more than three times, no loop header
    apart from its body, a figure apart from its code saying whose it is, no orphaned lines of output, no word
    broken by a line break the build did not name."""
    warnings = (opened.dist.parent / "build.log").read_text() if (opened.dist.parent / "build.log").exists() else ""
    said = "\n".join(line for line in warnings.splitlines() if f"/{opened.name}." in line or f"_{opened.name}." in line)
    assert structure_problems(opened.page.evaluate(SLIDES_JS), said) == []


def test_the_course_page_counts_each_lessons_findings(built: dict[str, Path]) -> None:
    """The course page says, per lesson, how many findings (the build's warnings) its decks have."""
    page = (built["material"] / "index.html").read_text()
    log = (built["material"].parent / "build.log").read_text()
    cards = re.findall(r"<li>\s*<h2>.*?</ul>\s*</li>", page, re.S)
    for name in MATERIAL:
        warned = sum(1 for line in log.splitlines() if line.startswith("⚠") and f"_{name}." in line.split(":")[0])
        card = next(card for card in cards if f'href="{name}.html"' in card)
        found = re.search(r"(\d+) findings? to look at", card)
        assert (int(found.group(1)) if found else 0) == warned, (name, warned)
    assert any("finding" in card for card in cards)  # the material has findings: the count is shown
