"""Presenting: pauses, incremental lists, fragment cells, code-line steps, columns, drawing, speaker view.

Each feature is checked in the deck model, in the HTML (structure, then live in Chromium)
and in PowerPoint (the timing XML of its appear-on-click animations).
"""
import json
import re
import time
from pathlib import Path

import pytest
from pptx import Presentation

from livedeck.style.theme import load_theme
from livedeck.writers.pptx.schema import schema_errors
from support.builds import one_lesson_built, write_lesson
from support.watching import wait_until, watch_server

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"

LESSON = '''
# %% [markdown]
# # Presenting
# ## A derivation
# $$y = x^2$$
#
# . . .
#
# $$\\frac{dy}{dx} = 2x$$
#
# ::: incremental
# - first point
# - second point
# :::

# %%
#| fragment: true
print("after the list")

# %% [markdown]
# ## Line by line

# %%
#| code-line-numbers: "1|2-3|4"
a = 1
b = 2
c = a + b
print(c)

# %% [markdown]
# ## By hand
# :::: columns
# ::: {.column width="30%"}
# Left words.
# :::
# ::: {.column width="70%"}

# %%
print("right column")

# %% [markdown]
# :::
# ::::
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return one_lesson_built(tmp_path_factory, "01_presenting.py", LESSON, "html", "pptx", "json")


def model(built: Path) -> list[dict]:
    return json.loads((built / "dist" / "presenting.json").read_text())["deck"]["slides"]


def test_steps_and_columns_in_the_model(built: Path) -> None:
    derivation, lines, by_hand = model(built)
    steps = [(b["type"], b["step"], b.get("items_from", 0)) for b in derivation["blocks"]]
    assert steps == [("Math", 0, 0), ("Math", 1, 0), ("Markdown", 1, 2), ("Code", 4, 0), ("Stream", 4, 0)]
    code = lines["blocks"][0]
    assert code["line_steps"] == [[1], [2, 3], [4]] and code["lines_from"] == 1  # parsed once, by the reader
    assert by_hand["layout"] == "columns"
    assert [b["type"] for b in by_hand["blocks"]] == ["ColumnBreak", "Markdown", "ColumnBreak", "Code", "Stream",
                                                      "ColumnBreak"]
    breaks = [(b["width"], b["end"]) for b in by_hand["blocks"] if b["type"] == "ColumnBreak"]
    assert breaks == [(0.3, False), (0.7, False), (0.0, True)]  # the last closes the columns (`::::`)


def test_html_fragments_and_columns(built: Path) -> None:
    page = (built / "dist" / "presenting.html").read_text()
    assert re.search(r'class="ld-box ld-math fragment" data-fragment-index="1"', page)
    assert page.count('<li class="fragment" data-fragment-index=') == 2
    assert 'data-fragment-index="2"' in page and 'data-fragment-index="3"' in page
    assert re.search(r'<pre class="ld-box ld-code fragment" data-fragment-index="4"', page)
    assert 'data-line-steps="1|2,3|4"' in page and 'data-lines="2,3"' in page
    # `::: {.column width="30%"}` and 70 %: the columns' boxes, placed by the layout, in that ratio
    left = float(re.search(r'<div class="ld-box ld-text" style="left:[\d.]+px;top:[\d.]+px;width:([\d.]+)px[^"]*">'
                           r'<p>Left words', page).group(1))
    right = float(re.search(r'<pre class="ld-box ld-code[^"]*"[^>]*style="left:[\d.]+px;top:[\d.]+px;width:([\d.]+)px',
                            page.split("Left words", 1)[1]).group(1))
    assert abs(left / (left + right) - 0.3) < 0.01


def test_pptx_appear_on_click(built: Path) -> None:
    slides = list(Presentation(str(built / "dist" / "presenting.pptx")).slides)
    timing = slides[1]._element.find(f"{P}timing")
    assert timing is not None
    clicks = timing.findall(f".//{P}cTn[@nodeType='mainSeq']/{P}childTnLst/{P}par")
    assert len(clicks) == 4  # derivation step, two list items, the fragment cell
    first_targets = clicks[0].findall(f".//{P}spTgt")
    assert len(first_targets) == 2  # the second formula and the list's text box (its frame appears with it)
    items = [t for click in clicks[1:3] for t in click.findall(f".//{P}spTgt")]
    assert all(t.find(f"{P}txEl") is not None for t in items)  # list items appear paragraph by paragraph
    builds = timing.findall(f".//{P}bldP")
    assert any(b.get("build") == "p" for b in builds)
    ids = {int(shape.shape_id) for shape in slides[1].shapes}
    assert {int(t.get("spid")) for t in timing.iter(f"{P}spTgt")} <= ids
    assert slides[2]._element.find(f"{P}timing") is None  # code-line steps do not animate in PowerPoint
    code = next(sh for sh in slides[2].shapes if sh.has_text_frame and "a = 1" in sh.text_frame.text)
    colours = [{str(r.font.color.rgb) for r in p.runs if r.font.color.type} for p in code.text_frame.paragraphs]
    dimmed = load_theme().code_dimmed
    assert dimmed not in colours[0] and colours[1] == {dimmed}  # first group emphasised, the rest grey
    by_hand = slides[3]
    left = next(sh for sh in by_hand.shapes if sh.has_text_frame and "Left words" in sh.text_frame.text)
    right = next(sh for sh in by_hand.shapes if sh.has_text_frame and "right column" in sh.text_frame.text)
    assert left.left + left.width <= right.left and right.width > 1.5 * left.width
    assert schema_errors(built / "dist" / "presenting.pptx") == []  # the timing XML is valid OOXML


@pytest.fixture
def page(browser, built: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto((built / "dist" / "presenting.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    yield page
    assert errors == []
    page.close()


@pytest.mark.browser
def test_steps_appear_click_by_click(page) -> None:
    page.evaluate("Reveal.slide(1)")
    visible = "[...document.querySelectorAll('.present .fragment.visible')].length"
    assert page.evaluate(visible) == 0
    for expected in (2, 3, 4, 6):  # the math step shows formula + list box; then items; then code + output
        page.evaluate("Reveal.next()")
        assert page.evaluate(visible) == expected
    page.evaluate("Reveal.next()")
    assert page.evaluate("Reveal.getIndices().h") == 2


@pytest.mark.browser
def test_code_line_steps_move_the_highlight(page) -> None:
    page.evaluate("Reveal.slide(2)")
    focus = "[...document.querySelectorAll('.present .ld-line-focus')].map(l => l.dataset.line).join(',')"
    assert page.evaluate(focus) == "1"
    page.evaluate("Reveal.next()")
    assert page.evaluate(focus) == "2,3"
    page.evaluate("Reveal.next()")
    assert page.evaluate(focus) == "4"
    page.evaluate("Reveal.prev()")
    assert page.evaluate(focus) == "2,3"


@pytest.mark.browser
def test_drawing_on_a_slide(page) -> None:
    page.evaluate("Reveal.slide(2)")
    page.keyboard.press("c")  # the chalkboard plugin's pen over the slide
    canvas = "[...document.querySelectorAll('canvas')].filter(c => getComputedStyle(c.parentElement).visibility === 'visible')"
    wait_until(lambda: page.evaluate(f"{canvas}.length") >= 1, timeout=10)
    page.mouse.move(300, 300)
    page.mouse.down()
    page.mouse.move(700, 500, steps=10)
    page.mouse.up()
    inked = page.evaluate(f"""(() => {{ const c = {canvas}[0];
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true; return false; }})()""")
    assert inked


@pytest.mark.browser
def test_the_whiteboard_opens_at_once_after_a_slide_change(page) -> None:
    board = "[...document.querySelectorAll('canvas')].some(c => c.parentElement.id === 'chalkboard' && " \
            "getComputedStyle(c.parentElement).visibility === 'visible')"
    page.evaluate("Reveal.slide(1)")
    page.evaluate("Reveal.slide(2)")
    time.sleep(0.1)
    page.keyboard.press("b")  # a tenth of a second on: the plugin used to ignore keys for 0.8 s after a change
    wait_until(lambda: page.evaluate(board), timeout=2)  # an ignored key never opens it, however long we wait
    page.keyboard.press("b")


def open_speaker_view(page) -> str:
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    view = popup.value
    wait_until(lambda: "TIME" in view.inner_text("body") and "NOTES" in view.inner_text("body"), timeout=20)
    assert view.evaluate("document.querySelectorAll('iframe').length") >= 2  # this slide and the next
    text = view.inner_text("body")
    view.close()
    return text


@pytest.mark.browser
def test_speaker_view_from_disk(browser, course: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto((course / "dist" / "derivatives.html").as_uri() + "#/3")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    text = open_speaker_view(page)
    assert "Neither step alone is enough" in text  # this slide's notes
    page.close()


@pytest.mark.browser
def test_speaker_view_from_the_watch_server(browser, tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_presenting.py", LESSON.replace("## Line by line", "## Line by line\n#\n"
                                                                         "# ::: notes\n# Say the lines.\n# :::"))
    with watch_server(tmp_path) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url + "presenting.html#/2")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        assert "Say the lines." in open_speaker_view(page)
        page.close()
