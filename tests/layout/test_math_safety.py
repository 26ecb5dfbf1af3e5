"""A formula is the lesson's content, which never runs script nor fetches anything: `\\href` keeps http(s) and
relative links only, and `\\style`, `\\class` and `\\cssId` leave nothing on the page (MathJax's safe filter)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from support.builds import build_here, write_lesson

pytestmark = pytest.mark.browser

LESSON = r"""# %% [markdown]
# # Inert formulas
# ## Links and styles
# A link that would run script: $\href{javascript:document.title='owned'}{x}$, one that may stay
# $\href{https://example.org/}{y}$, and a style that would fetch $\style{background:url(http://127.0.0.1:9/fetched)}{a}$.
#
# $$\class{ld-slide}{b} + \cssId{owned}{c} + \style{background-image:url(http://127.0.0.1:9/display)}{d}$$
"""


def test_formulas_run_no_script_and_fetch_nothing(tmp_path: Path, browser) -> None:
    write_lesson(tmp_path / "slides", "01_inert.py", LESSON)
    result = build_here("-f", "html", "-f", "pptx", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    page = browser.new_page()
    requests: list[str] = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
               else (requests.append(route.request.url), route.abort()))
    try:
        page.goto((tmp_path / "dist" / "inert.html").as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
        page.evaluate("Reveal.slide(1)")
        links = page.evaluate("[...document.querySelectorAll('.ld-formula a, .ld-formula [href]')]"
                              ".map(a => a.getAttribute('href'))")
        assert set(links) == {"https://example.org/"}  # in the picture and in its MathML
        assert page.evaluate("[...document.querySelectorAll('.ld-formula *')].filter(e => /url\\(/.test("
                             "e.getAttribute('style') || '') || e.id || /ld-slide/.test(e.getAttribute('class') || '')"
                             ").length") == 0
        page.wait_for_timeout(300)  # what a style would fetch, it would fetch as the slide shows
        assert page.title() != "owned" and requests == [], requests
    finally:
        page.close()
    with zipfile.ZipFile(tmp_path / "dist" / "inert.pptx") as deck:
        xml = " ".join(deck.read(name).decode("utf-8", "replace") for name in deck.namelist() if name.endswith(".rels"))
    assert "javascript:" not in xml and "127.0.0.1" not in xml
