"""`build.py --watch` in a real headless Chromium: save a lesson, the open deck reloads on its slide."""
from pathlib import Path

import pytest

from support.builds import write_lesson
from support.watching import wait_until, watch_server

pytestmark = pytest.mark.browser

LESSON = """
# %% [markdown]
# # Watched
# ## First
# One.
#
# ## Second
# Before the edit.

# %%
print(6 * 7)
"""


@pytest.fixture
def watching(tmp_path: Path):
    lesson = write_lesson(tmp_path / "slides", "01_watched.py", LESSON)
    with watch_server(tmp_path) as url:
        yield lesson, url


def test_saving_a_lesson_reloads_the_deck_on_the_same_slide(watching, browser) -> None:
    lesson, url = watching
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(url + "watched.html#/2")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    assert page.evaluate("Reveal.getIndices().h") == 2
    assert "Before the edit" in page.inner_text(".present")

    lesson.write_text(lesson.read_text().replace("Before the edit", "After the edit"))
    wait_until(lambda: "After the edit" in page.inner_text(".present"))
    assert page.evaluate("Reveal.getIndices().h") == 2  # still on the slide it showed

    # a mistake: the last good deck stays, with the error over it
    lesson.write_text(lesson.read_text().replace("print(6 * 7)", "print(6 / 0)"))
    message = wait_until(lambda: page.inner_text("#livedeck-error"))
    assert "ZeroDivisionError" in message and "01_watched.py" in message
    assert "After the edit" in page.inner_text(".present")

    # fixed: the error goes, the deck is rebuilt, without restarting anything
    lesson.write_text(lesson.read_text().replace("print(6 / 0)", "print(6 * 9)"))
    wait_until(lambda: "54" in page.inner_text(".present") and page.query_selector("#livedeck-error") is None)
    page.close()


def test_a_lesson_that_never_built_shows_an_error_page(tmp_path: Path, browser) -> None:
    lesson = write_lesson(tmp_path / "slides", "01_broken.py", "# %% [markdown]\n# # Broken\n\n# %%\nraise KeyError('x')\n")
    with watch_server(tmp_path) as url:
        page = browser.new_page()
        page.goto(url + "broken.html")
        assert "KeyError" in wait_until(lambda: page.inner_text("#livedeck-error"))
        lesson.write_text(lesson.read_text().replace("raise KeyError('x')", "1 + 1"))
        wait_until(lambda: page.evaluate("window.Reveal && Reveal.isReady()"))
        page.close()
