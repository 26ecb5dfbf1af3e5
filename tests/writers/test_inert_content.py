"""What a lesson shows is inert and stays home, checked where it matters: in Chromium, every request
intercepted. Markdown, raw HTML, pictures and formulas each try to run script, add a handler, or fetch
an address or a file outside the course; none of them may (formulas alone: layout/test_math_safety.py;
theme values are refused before they reach a deck: style/test_theme.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from support.builds import build_here, write_lesson

pytestmark = pytest.mark.browser

HOSTILE = r"""# %% [markdown]
# # Inert
# ## Links and pictures
# A [script link](javascript:document.title='owned') and a [data link](data:text/html,<script>x</script>),
# a web picture ![beacon](http://127.0.0.1:9/beacon.png) and a private one ![secret]({secret}).
#
# <a href="javascript:document.title='owned'" onclick="document.title='owned'">raw link</a>
# <img src="http://127.0.0.1:9/raw.png" onerror="document.title='owned'" alt="raw">
# <img src="{secret}" alt="raw private">
#
# ## Blocks that run or fetch
# <script>document.title = 'owned'</script>
# <iframe src="http://127.0.0.1:9/frame"></iframe>
# <object data="http://127.0.0.1:9/object"></object>
# <link rel="stylesheet" href="http://127.0.0.1:9/style.css">
# <style>@import url(http://127.0.0.1:9/import.css); body {{ background: url(http://127.0.0.1:9/bg.png) }}</style>
# <div style="background:url(http://127.0.0.1:9/div.png)" onmouseover="document.title='owned'">a box</div>
# <svg width="10" height="10"><image href="http://127.0.0.1:9/svg.png"/><script>document.title='owned'</script></svg>
#
# $\href{{javascript:document.title='owned'}}{{x}}$ and $\style{{background:url(http://127.0.0.1:9/math)}}{{y}}$
"""


def test_no_script_no_handler_no_request_leaves_the_deck(tmp_path: Path, browser) -> None:
    secret = tmp_path / "private" / "secret.png"  # beside the course, not in it
    secret.parent.mkdir()
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(secret)
    course = tmp_path / "course"
    write_lesson(course / "slides", "01_inert.py", HOSTILE.format(secret=secret))
    result = build_here("-f", "html", cwd=course)
    assert result.returncode == 0, result.stdout + result.stderr
    deck = course / "dist" / "inert.html"
    page = browser.new_page()
    outside: list[str] = []

    def route(request_route) -> None:  # the deck's own folder may be read; nothing else
        url = request_route.request.url
        if url.startswith((course / "dist").as_uri()) or url.startswith("data:"):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(deck.as_uri())
    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()")
    for index in range(page.evaluate("Reveal.getTotalSlides()")):
        page.evaluate(f"Reveal.slide({index})")
        for element in page.query_selector_all(".reveal .slides section.present a, .reveal .slides section.present div"):
            if element.is_visible():
                element.hover()
                element.click(no_wait_after=True, modifiers=["Alt"])  # Alt: a link is not followed away
    page.wait_for_timeout(300)
    assert page.title() != "owned" and outside == [], outside
    handlers = page.evaluate("""[...document.querySelectorAll('.reveal .slides *')].flatMap(e =>
        [...e.attributes].filter(a => a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value)).map(a => a.name))""")
    assert handlers == []
    assert page.evaluate("document.querySelectorAll('.reveal .slides script, .reveal .slides iframe, "
                         ".reveal .slides object, .reveal .slides link, .reveal .slides style').length") == 0
    assert str(secret) not in deck.read_text()
    assert not any(p.read_bytes() == secret.read_bytes() for p in (course / "figures").rglob("*.png"))
    page.close()
