"""`#| output-location:` (Quarto's revealjs option), each of its four values in both formats: the output on a
click, on the next slide, beside the code, beside it on a click; dropped from the student notebook."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pptx import Presentation

from livedeck.writers.pptx.schema import schema_errors
from support.builds import build_here, one_lesson_built, write_lesson

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"

LESSON = '''
# %% [markdown]
# # Where outputs appear
# ## On a click

# %%
#| output-location: fragment
print("asked first, shown after")

# %% [markdown]
# ## Beside

# %%
#| output-location: column
print("beside the code")

# %% [markdown]
# ## Beside, on a click

# %%
#| output-location: column-fragment
print("beside, later")

# %% [markdown]
# ## Next slide

# %%
#| output-location: slide
print("on a slide of its own")
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return one_lesson_built(tmp_path_factory, "01_where.py", LESSON, "html", "pptx", "json", "ipynb")


def _slides(built: Path) -> list[dict]:
    return json.loads((built / "dist" / "where.json").read_text())["deck"]["slides"]


def test_the_model_places_each_cells_outputs_where_it_says(built: Path) -> None:
    shape = [(s["title"], s["layout"], [(b["type"], b["step"]) for b in s["blocks"] if b["type"] != "ColumnBreak"])
             for s in _slides(built)]
    assert shape == [("On a click", "stack", [("Code", 0), ("Stream", 1)]),
                     ("Beside", "columns", [("Code", 0), ("Stream", 0)]),
                     ("Beside, on a click", "columns", [("Code", 0), ("Stream", 1)]),
                     ("Next slide", "stack", [("Code", 0)]),
                     ("Next slide", "stack", [("Stream", 0)])]


def test_html_hides_the_output_until_its_click_and_puts_it_beside_the_code(built: Path, browser) -> None:
    page = browser.new_page(viewport={"width": 960, "height": 540})
    page.goto((built / "dist" / "where.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    opacity = "getComputedStyle(document.querySelector('section.present pre.ld-output')).opacity"
    for slide in (1, 3):  # on a click; beside, on a click
        page.evaluate(f"Reveal.slide({slide})")
        page.wait_for_timeout(100)
        assert page.evaluate(opacity) == "0" and page.evaluate(
            "getComputedStyle(document.querySelector('section.present pre.ld-code')).opacity") == "1"
        page.evaluate("Reveal.next()")
        page.wait_for_function(f"{opacity} === '1'")
        assert page.evaluate("Reveal.getIndices().h") == slide  # the click showed it, on the same slide
    for slide in (2, 3):  # beside: the output's box starts right of the code's
        page.evaluate(f"Reveal.slide({slide}, 0, 5)")
        code, output = (page.evaluate(f"document.querySelector('section.present pre.{kind}').getBoundingClientRect()"
                                      ".toJSON()") for kind in ("ld-code", "ld-output"))
        assert output["left"] >= code["right"] and abs(output["top"] - code["top"]) < 5
    page.close()


def test_powerpoint_shows_the_output_on_its_click_beside_or_on_the_next_slide(built: Path) -> None:
    slides = list(Presentation(str(built / "dist" / "where.pptx")).slides)[1:]  # after the title slide
    texts = [[sh for sh in slide.shapes if sh.has_text_frame] for slide in slides]

    def shape(index: int, text: str):  # the text box that starts with `text` (a code box starts with print)
        return next(sh for sh in texts[index] if sh.text_frame.text.startswith(text))

    for index, printed in ((0, "asked first"), (2, "beside, later")):  # the output is what the click shows
        targets = {int(t.get("spid")) for t in slides[index]._element.iter(f"{P}spTgt")}
        assert targets == {shape(index, printed).shape_id}
    assert slides[1]._element.find(f"{P}timing") is None  # beside, at once
    for index, printed in ((1, "beside the code"), (2, "beside, later")):
        code = shape(index, "print(")
        assert shape(index, printed).left >= code.left + code.width
    assert not [sh for sh in texts[3] if sh.text_frame.text.startswith("on a slide of its own")]
    assert shape(4, "on a slide of its own")  # the next slide's
    assert schema_errors(built / "dist" / "where.pptx") == []


def test_the_student_notebook_has_no_trace_of_the_option(built: Path) -> None:
    notebook = (built / "dist" / "where.ipynb").read_text()
    assert "output-location" not in notebook and "on a slide of its own" in notebook


def test_an_unknown_location_is_an_error_at_its_line(tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_bad.py", LESSON.replace("output-location: slide", "output-location: below"))
    result = build_here("-f", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert ("slides/01_bad.py:27: cell option 'output-location' is one of fragment, slide, column, column-fragment, "
            "not 'below'") in result.stderr
