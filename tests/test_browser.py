"""Each built deck in a real headless Chromium, opened from disk with the network blocked."""
import json
from pathlib import Path

import pytest

from test_build import LESSONS

pytestmark = pytest.mark.browser

# Every element inside each slide's box, checked on every slide (reveal.js scales all alike).
OVERFLOW_JS = """
() => {
  const problems = [];
  const total = Reveal.getTotalSlides();
  for (let i = 0; i < total; i++) {
    Reveal.slide(i);
    const section = Reveal.getCurrentSlide();
    const box = section.querySelector('.ld-slide').getBoundingClientRect();
    for (const el of section.querySelectorAll('.ld-slide *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      // Inside a formula only the formula's own box counts (KaTeX positions struts and hidden MathML freely).
      if (el.closest('.katex') && !el.classList.contains('katex')) continue;
      if (r.bottom > box.bottom + 1 || r.right > box.right + 1 || r.left < box.left - 1 || r.top < box.top - 1) {
        problems.push(`slide ${i + 1}: <${el.tagName.toLowerCase()} class="${el.className}"> runs past the slide`
          + ` (${Math.round(r.right - box.right)} px right, ${Math.round(r.bottom - box.bottom)} px down)`);
        break;
      }
    }
    for (const pre of section.querySelectorAll('pre')) {
      if (pre.scrollWidth > pre.clientWidth + 1) problems.push(`slide ${i + 1}: code scrolls sideways`);
    }
  }
  return problems;
}
"""


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
    assert page.evaluate("Reveal.getTotalSlides()") == len(deck["slides"]) + 1
    assert errors == [] and blocked == [] and failed == []
    broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
    assert broken == 0 and page.evaluate("document.images.length") > 0


def test_math_is_typeset_by_katex(opened) -> None:
    page, deck, *_ = opened
    assert page.evaluate("document.querySelectorAll('.katex').length") > 0
    assert page.evaluate("document.querySelectorAll('.katex-error').length") == 0
    leftover = page.evaluate("[...document.querySelectorAll('.ld-slide')].some(s => /\\\\\\(|\\\\\\[/.test(s.innerText))")
    assert not leftover, "raw LaTeX delimiters left on a slide"
    # KaTeX's own fonts load from disk (dist/assets), not from a CDN
    assert page.evaluate("document.fonts.load('20px KaTeX_Main').then(faces => faces.length)") > 0


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


def test_no_slide_runs_past_its_box(opened) -> None:
    page, *_ = opened
    assert page.evaluate(OVERFLOW_JS) == []
