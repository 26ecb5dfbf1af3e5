"""Each built deck in a real headless Chromium, opened from disk with the network blocked."""
import json
from pathlib import Path

import pytest

from test_build import LESSONS

pytestmark = pytest.mark.browser

@pytest.fixture(params=LESSONS)
def opened(request, browser, course: Path):
    name = request.param
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors, blocked, failed = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))

    def only_local(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto((course / "dist" / f"{name}.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
    deck = json.loads((course / "dist" / f"{name}.json").read_text())["deck"]
    yield page, deck, errors, blocked, failed
    page.close()


def test_deck_presents_offline(opened) -> None:
    page, deck, errors, blocked, failed = opened
    assert page.evaluate("Reveal.getTotalSlides()") >= len(deck["slides"]) + 1  # "(cont.)" slides may be added
    assert errors == [] and blocked == [] and failed == []
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
    assert broken == 0 and page.evaluate("document.images.length") > 0


def test_math_is_typeset_and_fonts_load_from_disk(opened) -> None:
    page, deck, *_ = opened
    # Formulas are MathJax's SVG, typeset at build time, each drawn at a size
    sizes = page.evaluate("[...document.querySelectorAll('.ld-formula > svg')].map(s => parseFloat(s.getAttribute('width')))")
    assert sizes and min(sizes) > 0
    leftover = page.evaluate("[...document.querySelectorAll('.ld-slide')].some(s => /\\\\(frac|partial)|\\$/.test("
                             "[...s.childNodes].map(n => n.cloneNode(true)).map(n => { n.querySelectorAll && "
                             "n.querySelectorAll('.ld-mathml').forEach(m => m.remove()); return n.textContent; }).join(' ')))")
    assert not leftover, "raw LaTeX left on a slide"
    # The fonts the layout measured with load from disk (dist/assets/fonts), not from the system or a CDN
    assert page.evaluate("document.fonts.load('bold 20px \"LD Sans\"').then(faces => faces.length)") > 0
    assert page.evaluate("document.fonts.load('20px \"LD Mono\"').then(faces => faces.length)") > 0


def test_code_is_highlighted_in_colour(opened) -> None:
    page, *_ = opened
    colours = page.evaluate("""[...document.querySelectorAll('pre.ld-code span')]
        .map(s => getComputedStyle(s).color)""")
    assert len(set(colours)) >= 3


def test_speaker_notes_are_present(opened) -> None:
    page, deck, *_ = opened
    expected = sum(bool(s["notes"]) for s in deck["slides"]) + bool(deck["title_notes"])
    assert page.evaluate("document.querySelectorAll('section > aside.notes').length") == expected
    assert page.evaluate("typeof RevealNotes") != "undefined"
