"""Code that evolves on screen (`#| morph:`), code annotations (`# <1>` and the numbered list after the cell)
and click markers in speaker notes (`[click]`), in the deck model, Chromium, PowerPoint, LibreOffice, the
printed PDF's view and the student notebook."""
from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest
from pptx import Presentation

from livedeck.writers.pptx.schema import schema_errors
from support.browser import axe
from support.builds import build_here, one_lesson_built, write_lesson

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P159 = "{http://schemas.microsoft.com/office/powerpoint/2015/09/main}"

LESSON = '''
# %% [markdown]
# # Code that evolves
# ## A loop, first

# %%
#| morph: loop
w = 0.0
print(w)

# %% [markdown]
# ## A loop, then

# %%
#| morph: loop
w = 0.0
w = w - 0.1 * 2 * (w - 1)
print(w)

# %% [markdown]
# ## A loop, last

# %%
#| morph: loop
w = 0.0
for step in range(3):
    w = w - 0.1 * 2 * (w - 1)
print(w)

# %% [markdown]
# ## Annotated
#
# ::: notes
# Ask what the first line makes.
# [click]
# Say the square is recorded.
# [click]
# Say backward fills x.grad.
# :::

# %%
import torch
x = torch.tensor(2.0, requires_grad=True)  # <1>
y = x ** 2  # <2>
y.backward()  # <3>

# %% [markdown]
# ::: incremental
# 1. A leaf that keeps its gradient.
# 2. The square, recorded.
# 3. Backward fills `x.grad`.
# :::
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return one_lesson_built(tmp_path_factory, "01_evolve.py", LESSON, "html", "pptx", "json", "ipynb")


def _blocks(built: Path) -> list[list[dict]]:
    slides = json.loads((built / "dist" / "evolve.json").read_text())["deck"]["slides"]
    return [[b for b in s["blocks"] if b["type"] == "Code"] for s in slides]


def test_the_model_ties_a_morphs_states_and_takes_the_markers_off(built: Path) -> None:
    first, then, last, annotated = (codes[0] for codes in _blocks(built))
    assert [c["morph"] for c in (first, then, last)] == ["loop"] * 3
    assert [c["superseded"] for c in (first, then, last)] == [True, True, False]  # read once, as it ends
    assert (first["changed"], then["changed"], last["changed"]) == ([], [2], [2, 3])  # new or changed lines
    assert "# <" not in annotated["source"] and annotated["markers"] == [[2, 1], [3, 2], [4, 3]]
    # as the incremental list's k-th item shows, the lines marked k stand out: the code's line steps
    assert annotated["line_steps"] == [[], [2], [3], [4]] and annotated["lines_from"] == 1


@pytest.fixture
def page(browser, built: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((built / "dist" / "evolve.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    yield page
    assert errors == []
    page.close()


LINE_IDS = "[...document.querySelectorAll('section.present pre.ld-code .ld-line')].map(l => [l.textContent, l.dataset.id])"


@pytest.mark.browser
def test_html_moves_each_line_of_a_morph_between_its_states(page) -> None:
    page.evaluate("window.animated = []; Reveal.on('autoanimate', () => animated.push(Reveal.getIndices().h))")
    states = []
    for slide in (1, 2, 3):
        page.evaluate("Reveal.next()" if slide > 1 else "Reveal.slide(1)")
        page.wait_for_timeout(100)
        states.append(dict(page.evaluate(LINE_IDS)))
    assert page.evaluate("animated") == [2, 3]  # reveal.js auto-animated into the second and third states
    # the titles are one element to reveal.js, which moves it (to where it is) instead of fading it out and in
    assert page.evaluate("document.querySelectorAll('section[data-auto-animate] h2[data-id=ld-title]').length") == 3
    assert states[0]["w = 0.0"] == states[1]["w = 0.0"] == states[2]["w = 0.0"]
    assert states[1]["print(w)"] == states[2]["print(w)"]
    # a line indented into the loop keeps its id: it moves there; a new line has its own
    assert states[1]["w = w - 0.1 * 2 * (w - 1)"] == states[2]["    w = w - 0.1 * 2 * (w - 1)"]
    assert len({i for state in states for i in state.values()}) == 4
    # only the last state is read by a screen reader; the others say where it is
    hidden = page.evaluate("[...document.querySelectorAll('pre.ld-code')].map(p => p.getAttribute('aria-hidden'))")
    assert hidden == ["true", "true", None, None]


@pytest.mark.browser
def test_every_state_passes_axe(browser, built: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto((built / "dist" / "evolve.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    for slide in (1, 2, 3, 4):
        page.evaluate(f"Reveal.slide(0); Reveal.slide({slide})")  # from a slide with no morph: no motion to wait for
        assert axe(page) == [], slide
    page.close()


@pytest.mark.browser
def test_less_motion_swaps_the_states(browser, built: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    page.goto((built / "dist" / "evolve.html").as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("window.animated = []; Reveal.on('autoanimate', () => animated.push(1)); Reveal.slide(1)")
    page.evaluate("Reveal.next()")
    assert page.evaluate("Reveal.getIndices().h") == 2 and page.evaluate("animated") == []
    page.close()


@pytest.mark.browser
def test_on_paper_each_state_marks_its_changed_lines(browser, built: Path) -> None:
    page = browser.new_page()
    page.goto((built / "dist" / "evolve.html").as_uri() + "?print-pdf")
    page.wait_for_function("window.livedeckPdfReady === true")
    background = ("[...document.querySelectorAll('pre.ld-code')].map(p => [...p.querySelectorAll('.ld-line')]"
                  ".map(l => getComputedStyle(l).backgroundColor !== 'rgba(0, 0, 0, 0)'))")
    assert page.evaluate(background)[:3] == [[False, False], [False, True, False], [False, True, True, False]]
    page.close()


@pytest.mark.browser
def test_annotations_show_their_numbers_and_light_their_lines_item_by_item(page) -> None:
    page.evaluate("Reveal.slide(4)")
    code = "document.querySelector('section.present pre.ld-code')"
    assert re.findall(r"\(\d\)", page.evaluate(f"{code}.textContent")) == ["(1)", "(2)", "(3)"]
    focused = f"[...{code}.querySelectorAll('.ld-line-focus')].map(l => l.dataset.line)"
    assert page.evaluate(focused) == ["1", "2", "3", "4"]
    for line in ("2", "3", "4"):
        page.evaluate("Reveal.next()")
        assert page.evaluate(focused) == [line]


def _speaker_highlight(view) -> str:
    return view.evaluate("(document.querySelector('.speaker-controls-notes [data-ld-click][style]') || {})"
                         ".textContent || ''").strip()


@pytest.mark.browser
def test_the_speaker_view_follows_the_notes_click_markers(page) -> None:
    page.evaluate("Reveal.slide(4)")
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    view = popup.value
    deadline = time.monotonic() + 20
    while not _speaker_highlight(view) and time.monotonic() < deadline:
        time.sleep(0.1)
    seen = [_speaker_highlight(view)]
    for _ in range(3):
        page.evaluate("Reveal.next()")
        time.sleep(0.3)
        seen.append(_speaker_highlight(view))
    assert seen == ["Ask what the first line makes.", "Say the square is recorded.", "Say backward fills x.grad.",
                    "Say backward fills x.grad."]
    view.close()


def test_powerpoint_morphs_between_states_and_keeps_markers_list_and_notes(built: Path) -> None:
    deck = built / "dist" / "evolve.pptx"
    slides = list(Presentation(str(deck)).slides)[1:]
    for index, slide in enumerate(slides[:3]):
        morph = slide._element.find(f"{MC}AlternateContent")
        if index == 0:  # the first state comes in as any slide does
            assert morph is None
            continue
        choice, fallback = morph.find(f"{MC}Choice"), morph.find(f"{MC}Fallback")
        assert choice.get("Requires") == "p159" and choice.find(f"{P}transition/{P159}morph").get("option") == "byWord"
        assert fallback.find(f"{P}transition/{P}fade") is not None
    names = [[sh.name for sh in slide.shapes if sh.has_text_frame and "w = 0.0" in sh.text_frame.text]
             for slide in slides[:3]]
    assert names == [["!!loop"]] * 3  # one name on every state: PowerPoint's Morph moves its words
    annotated = slides[3]
    code = next(sh for sh in annotated.shapes if sh.has_text_frame and "requires_grad" in sh.text_frame.text)
    assert re.findall(r"\(\d\)", code.text_frame.text) == ["(1)", "(2)", "(3)"] and "# <" not in code.text_frame.text
    listed = next(sh for sh in annotated.shapes if sh.has_text_frame and "A leaf" in sh.text_frame.text)
    assert len(listed._element.findall(".//{*}buAutoNum")) == 3  # a native numbered list
    paragraphs = {int(r.get("st")) for r in annotated._element.iter(f"{P}pRg")}
    assert paragraphs == {0, 1, 2}  # each item on its own click
    assert "[click]" in annotated.notes_slide.notes_text_frame.text  # the notes keep the markers as text
    assert schema_errors(deck) == []


@pytest.mark.libreoffice
def test_libreoffice_draws_every_state_and_every_step(built: Path, soffice: str, poppler, tmp_path: Path) -> None:
    result = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(built / "dist" / "evolve.pptx")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "Error" not in result.stderr
    pages = subprocess.run(["pdftotext", "-layout", str(tmp_path / "evolve.pdf"), "-"], capture_output=True,
                           text=True).stdout.split("\f")
    assert len([page for page in pages if page.strip()]) == 5  # one page a slide, its clicks' targets all drawn
    assert "(3)" in pages[4] and "Backward fills x.grad" in pages[4]
    assert "w = 0.0" in pages[1] and "w = w - 0.1" not in pages[1]
    assert "w = w - 0.1" in pages[2] and "for step" not in pages[2]
    assert "for step in range(3):" in pages[3]


def test_the_student_notebook_has_no_markers(built: Path) -> None:
    cells = json.loads((built / "dist" / "evolve.ipynb").read_text())["cells"]
    code = "".join(next(c["source"] for c in cells if "requires_grad=True" in "".join(c["source"])))
    assert code.splitlines()[1:] == ["x = torch.tensor(2.0, requires_grad=True)", "y = x ** 2", "y.backward()"]
    assert not [c for c in cells if "morph" in "".join(c["source"])]


def test_a_morph_name_is_checked_at_its_line(tmp_path: Path) -> None:
    bad = LESSON.replace("#| morph: loop\nw = 0.0\nprint", "#| morph: a loop\nw = 0.0\nprint")
    write_lesson(tmp_path / "slides", "01_bad.py", bad)
    result = build_here("-f", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert "slides/01_bad.py:6: cell option 'morph' is a name: letters, digits, _ and - only, not 'a loop'" in result.stderr
