"""A deck students read rather than watch: reveal.js's scroll view (the course page's link, the R key) and
figures that open in a lightbox, in Chromium, on the bundled lessons' decks."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.browser import axe
from support.builds import LESSONS

READY = "window.Reveal && Reveal.isReady()"


@pytest.fixture
def open_deck(course: Path, browser):
    pages = []

    def opened(name: str, query: str = "", hash_: str = "", width: int = 960, height: int = 540):
        page = browser.new_page(viewport={"width": width, "height": height})
        pages.append(page)
        page.goto(f"{(course / 'dist' / f'{name}.html').as_uri()}{query}{hash_}")
        page.wait_for_function(READY)
        return page

    yield opened
    for page in pages:
        page.close()


def test_the_course_page_links_each_deck_as_one_scrolling_page(course: Path) -> None:
    index = (course / "dist" / "index.html").read_text()
    assert sorted(re.findall(r'href="(\w+)\.html\?view=scroll">as one scrolling page', index)) == sorted(LESSONS)


def test_the_scroll_view_reads_as_one_page_and_passes_axe_core(open_deck) -> None:
    page = open_deck("partials", "?view=scroll", width=420, height=800)  # a phone, held upright
    assert page.evaluate("Reveal.isScrollView()")
    slides = page.evaluate("Reveal.getSlides().length")
    # reveal.js scrolls its viewport, which holds every slide one under another
    assert page.evaluate("document.querySelector('.reveal-viewport').scrollHeight") > 800 * 2 and slides > 4
    assert axe(page) == []


def test_the_r_key_turns_the_deck_into_a_scrolling_page_and_back_on_the_same_slide(open_deck) -> None:
    page = open_deck("derivatives", hash_="#/3")
    page.keyboard.press("r")
    page.wait_for_function(READY)
    assert page.evaluate("Reveal.isScrollView()") and page.evaluate("Reveal.getIndices().h") == 3
    page.keyboard.press("r")
    page.wait_for_function(READY)
    assert not page.evaluate("Reveal.isScrollView()") and page.evaluate("Reveal.getIndices().h") == 3


def test_a_figure_opens_in_a_lightbox_and_escape_closes_it(open_deck) -> None:
    page = open_deck("partials")
    slide = page.evaluate("Reveal.getSlides().findIndex(s => s.querySelector('img[data-preview-image]'))")
    page.evaluate(f"Reveal.slide({slide})")
    figure = page.locator("section.present img[data-preview-image]").first
    source = figure.get_attribute("src")
    figure.click()
    page.wait_for_function("document.querySelector('.r-overlay-preview img')")
    shown = page.evaluate("document.querySelector('.r-overlay-preview img').getAttribute('src')")
    assert shown == source and source.startswith("data:image/svg+xml")  # its vector file, as large as the screen
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('.r-overlay-preview')")
