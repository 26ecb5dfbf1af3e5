"""Lessons as lecturers already write them (issue 14): notebooks, Jupyter's magics and shell lines,
slides from headings as pandoc makes them, GitHub tables, pictures, callouts, raw HTML's safe subset,
and paths that never show the machine. In-process where the rule is the executor's, the structure's
or the layout's; one lesson of every feature is built and looked at in Chromium and LibreOffice."""
from __future__ import annotations

import json
import re
import subprocess
import sysconfig
from pathlib import Path

import nbformat
import pytest
from nbformat import v4
from pptx import Presentation
from pptx.oxml.ns import qn

from livedeck.layout.richtext import markdown_paragraphs
from livedeck.model import Callout, CalloutKind, Code, Image, Layout, Markdown, Stream, Table
from livedeck.model.structure import build_deck
from livedeck.read.lesson import LessonError, read_lesson
from livedeck.read.magics import needs_ipython, notices
from livedeck.run.execute import execute
from livedeck.run.printable import path_prefixes, short_paths
from support.browser import MARKUP, axe
from support.builds import MATERIAL, shared_build, write_lesson
from support.layout_checks import layout_problems
from support.pptx_checks import accessibility_problems, rendered_problems


def deck_of(path: Path):
    lesson = read_lesson(path)
    return build_deck(lesson, tuple(() for _ in lesson.cells))


def titles(deck) -> list[tuple[str, str]]:
    return [(slide.title, slide.layout) for slide in deck.slides]


# ---- the lesson's title, and slides from headings

def test_the_title_is_the_first_h1_else_the_first_heading_else_the_file_name(tmp_path: Path) -> None:
    h1 = write_lesson(tmp_path, "01_a.py", "# %% [markdown]\n# ## Before\n# text\n#\n# # The title\n# more\n")
    assert deck_of(h1).title == "The title"
    h2 = write_lesson(tmp_path, "02_b.py", "# %% [markdown]\n# ## Only a slide\n# text\n")
    assert deck_of(h2).title == "Only a slide"
    bare = write_lesson(tmp_path, "03_no_heading.py", "# %%\nprint(1)\n")
    assert deck_of(bare).title == "no_heading"  # never rejected: the file's name


def test_a_bold_line_before_any_heading_is_the_title(tmp_path: Path) -> None:
    """Notebooks often write their title as a bold line (`**Tools - pandas**`), then a description, then their
    first `#` section ("Setup"): the deck was titled "Setup". The bold line is the title, what follows it the
    subtitle, and the `#` headings are the sections they are."""
    nb = write_lesson(tmp_path, "01_tools.py", "# %% [markdown]\n# **Tools - tensors**\n#\n# *Tensors, from zero.*\n\n"
                                               "# %% [markdown]\n# # Setup\n# ## Importing\n# Text.\n\n"
                                               "# %% [markdown]\n# # Shapes\n# ## Views\n# More.\n")
    deck = deck_of(nb)
    assert deck.title == "Tools - tensors" and deck.subtitle == "*Tensors, from zero.*"
    assert [slide.title for slide in deck.slides] == ["Setup", "Importing", "Shapes", "Views"]
    plain = write_lesson(tmp_path, "02_plain.py", "# %% [markdown]\n# **Bold** words start this text.\n#\n# # Title\n")
    assert deck_of(plain).title == "Title"  # bold words in a sentence are no title


def sectioned_notebook(path: Path) -> Path:
    """A notebook sectioned the way many are: `##` parts, `###` slides, `####` subheadings."""
    cells = [v4.new_markdown_cell("# Gradients\n\nA first look."),
             v4.new_markdown_cell("## Part one"),
             v4.new_markdown_cell("### Leaves\n\nA leaf is made by the user.\n\n#### Why it matters\n\nIts .grad fills."),
             v4.new_code_cell("x = 1"),
             v4.new_markdown_cell("## Part two\n\n### Graphs\n\nThe graph is dynamic.")]
    nbformat.write(v4.new_notebook(cells=cells), path)
    return path


def test_the_slide_level_is_the_highest_heading_followed_by_content(tmp_path: Path) -> None:
    deck = deck_of(sectioned_notebook(tmp_path / "01_sectioned.ipynb"))
    assert deck.title == "Gradients" and deck.subtitle == "A first look."
    assert titles(deck) == [("Part one", Layout.SECTION), ("Leaves", Layout.STACK), ("Part two", Layout.SECTION),
                            ("Graphs", Layout.STACK)]
    leaves = deck.slides[1].blocks
    assert isinstance(leaves[0], Markdown) and "#### Why it matters" in leaves[0].text  # below the level: on the slide
    assert isinstance(leaves[1], Code)
    heading = [p for p in markdown_paragraphs(leaves[0].text) if p.heading]
    assert [p.text for p in heading] == ["Why it matters"] and all(r.bold for r in heading[0].runs)


def test_a_rule_starts_an_untitled_slide(tmp_path: Path) -> None:
    path = write_lesson(tmp_path, "01_r.py", "# %% [markdown]\n# # T\n#\n# ## S\n# one\n#\n# ---\n#\n# two\n")
    assert [(s.title, s.blocks) for s in deck_of(path).slides] == [("S", (Markdown("one"),)), ("", (Markdown("two"),))]


def test_content_before_any_heading_gets_a_slide_and_a_setup_cell_none(tmp_path: Path) -> None:
    path = write_lesson(tmp_path, "01_nav.py", "# %%\n# %matplotlib inline\nimport math\n\n"
                        "# %% [markdown]\n# [Home](index.html) || **This**\n#\n# # Title\n# Under the title.\n\n"
                        "# %%\nx = math.pi\n")
    deck = deck_of(path)
    assert deck.title == "Title" and deck.subtitle == "Under the title."
    assert [s.blocks for s in deck.slides] == [(Markdown("[Home](index.html) || **This**"),), (Code("x = math.pi"),)]
    assert not any("import math" in getattr(b, "source", "") for s in deck.slides for b in s.blocks)


# ---- notebooks

def test_a_notebook_is_a_lesson_like_a_script(tmp_path: Path) -> None:
    hidden = v4.new_code_cell("secret = 41")
    hidden.metadata["tags"] = ["remove-input"]
    shown = v4.new_code_cell("#| fig-cap: A caption\nvalue = secret + 1\nvalue")
    shown.outputs = [v4.new_output("execute_result", data={"text/plain": "999"}, execution_count=1)]  # stale
    broken = v4.new_code_cell("y = 1\nz = 1 / 0")
    path = tmp_path / "01_nb.ipynb"
    nbformat.write(v4.new_notebook(cells=[v4.new_markdown_cell("# N\n\n## S"), hidden, shown, broken]), path)
    lesson = read_lesson(path)
    code = [c for c in lesson.cells if c.kind == "code"]
    assert code[0].options.echo is False and code[1].options.fig_cap == "A caption"
    lines = path.read_text().splitlines()
    assert lines[code[1].line - 1].strip() == '"value = secret + 1\\n",'  # its line in the JSON file
    done = execute(lesson)
    assert done.outputs[2][0].text == "42"  # run, never the stored 999
    assert done.failure.path == str(path) and done.failure.line == code[2].line + 1
    assert lines[done.failure.line - 1].strip() == '"z = 1 / 0"'
    with pytest.raises(LessonError, match=r"not a readable notebook") as caught:
        (tmp_path / "02_bad.ipynb").write_text("{ not json")
        read_lesson(tmp_path / "02_bad.ipynb")
    assert caught.value.path.endswith("02_bad.ipynb")


# ---- Jupyter's magics and shell lines

MAGIC_LESSON = """# %% [markdown]
# # Magics

# %%
# %matplotlib inline
# %config InlineBackend.figure_format = 'retina'
# !pip install torchvision
# !touch made_by_the_shell.txt
# %time total = sum(range(10))
print(total)

# %%
# %%writefile made_by_magic.txt
written by the lesson

# %%
listing = !ls
print(open("made_by_magic.txt").read().strip(), listing)
# %timeit -n 1 sum(range(5))
# %unknownmagic now
"""


def test_magics_run_as_in_jupyter_and_shell_lines_do_not(tmp_path: Path) -> None:
    path = write_lesson(tmp_path, "01_magic.py", MAGIC_LESSON)
    lesson = read_lesson(path)
    done = execute(lesson)
    assert done.failure is None
    shown = [b.text for cell in done.outputs for b in cell if isinstance(b, Stream)]
    assert shown[0].startswith("Wall time: ") and shown[0].endswith("\n45")
    assert shown[1] == "Writing made_by_magic.txt"
    assert (tmp_path / "made_by_magic.txt").read_text() == "written by the lesson\n"
    assert shown[2].startswith("written by the lesson []\n") and "per loop (mean ± std. dev. of 3 runs" in shown[2]
    # the shell line stays on the slide as code; the build says, once, at its line, that it did not run it
    assert "!pip install torchvision" in next(c for c in lesson.cells if c.kind == "code").source
    said = lesson.notices  # gathered as the lesson was read
    assert not (tmp_path / "made_by_the_shell.txt").exists()
    assert said == (f"{path}:7: shell command not run by the build: !pip install torchvision",
                    f"{path}:8: shell command not run by the build: !touch made_by_the_shell.txt",
                    f"{path}:17: shell command not run by the build: !ls",
                    f"{path}:20: magic %unknownmagic is not one livedeck runs: skipped")


def test_plain_python_never_reads_as_ipython() -> None:
    assert not needs_ipython("x = 1\nprint(x)  # 100% sure\n")
    assert needs_ipython("%matplotlib inline") and needs_ipython("files = !ls") and needs_ipython("torch.tensor?")
    assert notices("%pip install x\n%%bash\necho hi", 10) == [
        notices("%pip install x", 10)[0], notices("%%bash", 11)[0]]


# ---- paths

def test_paths_on_slides_are_shortened(tmp_path: Path) -> None:
    installed = sysconfig.get_paths()["purelib"]
    text = f'{installed}/torch/nn/modules/module.py:1: UserWarning: x\n  File "{tmp_path}/data/points.csv"'
    shown = short_paths(text, path_prefixes(tmp_path))
    assert shown == '<python>/torch/nn/modules/module.py:1: UserWarning: x\n  File "data/points.csv"'
    path = write_lesson(tmp_path, "01_p.py", "# %%\nimport pathlib, sys\n"
                        "print(pathlib.Path('.').resolve() / 'x.txt', sys.prefix)\n")
    done = execute(read_lesson(path), project=tmp_path)
    assert done.outputs[0][0].text == "x.txt <python>"


# ---- one lesson of every markdown feature, built and looked at

FEATURES = '''# %% [markdown]
# # Markdown as notebooks write it
#
# ## Text
#
# Plain, <strong>strong</strong>, **bold**, *em*, ~~struck~~, H<sub>2</sub>O and x<sup>2</sup>.
#
# > A quoted line.
#
# ### A subheading
#
# 1. first
#    - nested
# 2. second
#
# <script>document.title = "owned"</script>
# <a href="javascript:alert(1)" onclick="alert(2)">a harmless link text</a>
# <iframe src="https://example.org"></iframe>
#
# ## A table
#
# | Name | Formula | Code |
# |:-----|:-------:|-----:|
# | square | $x^2$ | `x ** 2` |
# | cube | $x^3$ | `x ** 3` |
#
# ## Callouts
#
# ::: {.callout-tip}
# ## Try it
# Change **one** line.
# :::
#
# <div class="alert alert-block alert-warning">
# <b>Careful:</b> gradients add up.
# </div>
#
# ## Pictures
#
# ![A blue square beside the lesson](square.png)
#
# <center><img src="logo.svg" alt="The course logo"></center>
#
# ![A picture no one saved](missing.png)
#
# ![A picture on the web](https://example.org/figure.png)
#
# <p align="center">Centred words</p>
#
# ::: notes
# Say **why** it <b>matters</b><script>alert(3)</script>.
#
# - a point in `code`
# :::

# %%
# !pip install torchvision
print("ran")
'''


def write_pictures(folder: Path) -> None:
    import numpy as np
    from matplotlib.image import imsave

    pixels = np.zeros((120, 160, 3), dtype=np.uint8)
    pixels[..., 2] = 200
    imsave(folder / "square.png", pixels)
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80">'
                                     '<rect width="240" height="80" fill="#0B3D91"/></svg>')


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> Path:
    slides = tmp_path_factory.mktemp("feature-slides")
    write_lesson(slides, "01_features.py", FEATURES)
    write_pictures(slides)
    sectioned_notebook(slides / "02_sectioned.ipynb")
    return shared_build(tmp_path_factory, "features", "-f", "html", "-f", "pptx", "-f", "json", slides=slides)


def test_the_build_says_what_it_did_not_run_or_show(features: Path) -> None:
    said = (features / "build.log").read_text()
    lesson = "01_features.py"
    assert re.search(rf"{lesson}:\d+: shell command not run by the build: !pip install torchvision", said)
    assert re.search(rf"{lesson}:44: the picture missing.png is not shown: no such file", said)
    assert re.search(rf"{lesson}:46: the picture https://example.org/figure.png is not shown: it is on the web", said)
    assert re.search(rf"{lesson}:16: <script> dropped", said)
    assert re.search(rf"{lesson}:17: <a onclick=…> dropped", said) and "javascript:alert(1)" in said
    assert re.search(rf"{lesson}:18: <iframe> dropped", said)


def test_the_model_holds_tables_callouts_and_pictures(features: Path) -> None:
    import json

    from livedeck.model import from_json

    deck = from_json((features / "dist" / "features.json").read_text())
    blocks = {s.title: s.blocks for s in deck.slides}
    [table] = blocks["A table"]
    assert table == Table("", ("Name", "Formula", "Code"), (("square", "$x^2$", "`x ** 2`"),
                                                              ("cube", "$x^3$", "`x ** 3`")),
                          align=("left", "center", "right"), markdown=True)
    tip, warning = blocks["Callouts"]
    assert (tip.kind, tip.title, tip.text) == (CalloutKind.TIP, "Try it", "Change **one** line.")
    assert (warning.kind, warning.title) == (CalloutKind.WARNING, "Warning")
    square, logo, missing, web = blocks["Pictures"][:4]
    assert square.alt == "A blue square beside the lesson" and (square.width, square.height) == (1.667, 1.25)
    assert logo.alt == "The course logo" and (logo.width, logo.height) == (2.5, 0.833)
    assert isinstance(missing, Callout) and missing.kind == CalloutKind.MISSING and "no one saved" in missing.text
    assert isinstance(web, Callout) and "https://example.org/figure.png" in web.text
    assert not any(isinstance(b, Image) for s in deck.slides for b in s.blocks)  # all resolved before layout
    assert json.loads((features / "dist" / "features.json").read_text())["version"]


@pytest.mark.browser
def test_html_draws_section_slides_and_subheadings(features: Path, browser) -> None:
    """A notebook sectioned `##` → `###`: `##` makes section slides (centred titles), `###` slides,
    `####` subheadings on them."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto((features / "dist" / "sectioned.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    kinds = page.evaluate("[...document.querySelectorAll('.slides > section')].map(s => "
                          "[s.dataset.ldKind, s.querySelector('.ld-heading').textContent.trim()])")
    assert kinds == [["title", "Gradients"], ["section", "Part one"], ["content", "Leaves"], ["section", "Part two"],
                     ["content", "Graphs"]]
    heading = page.evaluate("(() => { const h = document.querySelector('section.ld-section h2'); const s = getComputedStyle(h);"
                            " return [s.textAlign, h.getBoundingClientRect().top > 200]; })()")
    assert heading == ["center", True]  # in the middle of the slide
    assert page.evaluate("[...document.querySelectorAll('h3.ld-subheading')].map(h => h.textContent)") == ["Why it matters"]
    assert layout_problems(page) == []
    page.close()


@pytest.mark.browser
def test_html_draws_markdown_as_meant_and_raw_html_inert(features: Path, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto((features / "dist" / "features.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    style = "(sel, prop) => [...document.querySelectorAll(sel)].map(e => getComputedStyle(e)[prop])"
    assert set(page.evaluate(f"({style})('.ld-text strong', 'fontWeight')")) == {"700"}
    assert page.evaluate(f"({style})('.ld-text em', 'fontStyle')")[0] == "italic"
    assert page.evaluate(f"({style})('.ld-text s', 'textDecorationLine')") == ["line-through"]
    assert page.evaluate(f"({style})('.ld-text sub', 'verticalAlign')") != ["baseline"]
    assert page.evaluate(f"({style})('.ld-text:not(.ld-callout) h3.ld-subheading', 'fontWeight')") == ["700"]
    assert page.evaluate(f"({style})('.ld-text blockquote', 'fontStyle')") == ["italic"]
    assert page.evaluate("[...document.querySelectorAll('.ld-text ol > li > ul > li')].map(li => li.textContent)") == [
        "nested"]
    assert page.evaluate(f"({style})('.ld-centred', 'textAlign')") == ["center"]
    # the table: a real table, its formula typeset, its columns aligned as written
    cells = page.evaluate("[...document.querySelectorAll('table.ld-table-text td')].map(td => "
                          "[td.textContent.trim(), getComputedStyle(td).textAlign, !!td.querySelector('svg')])")
    assert cells[0][0] == "square" and cells[0][1] == "left" and cells[1][1:] == ["center", True]
    assert cells[2][:2] == ["x ** 2", "right"]
    # callouts: tinted boxes framed in their kind's colour
    tints = page.evaluate(f"({style})('.ld-callout', 'backgroundColor')")
    assert tints == ["rgb(238, 247, 240)", "rgb(255, 245, 230)"] + ["rgb(242, 243, 245)"] * 2  # tip, warning, 2 missing
    # pictures: embedded in the page, never fetched
    sources = page.evaluate("[...document.querySelectorAll('figure img')].map(i => [i.src.slice(0, 22), i.alt, i.naturalWidth])")
    assert sources == [["data:image/png;base64,", "A blue square beside the lesson", 160],
                       ["data:image/svg+xml;bas", "The course logo", 240]]
    # raw HTML outside the safe subset never runs and never shows
    assert page.title() != "owned"
    assert page.evaluate("document.querySelectorAll('.slides iframe, .slides [onclick], a[href^=\"javascript\"]').length") == 0
    assert page.evaluate("[...document.querySelectorAll('.slides script')].length") == 0
    assert layout_problems(page) == []  # tables, callouts and pictures fit as drawn
    assert axe(page) == []  # and pass WCAG 2.1 AA as the other decks do
    text = page.evaluate("document.querySelector('.slides').innerText")
    assert "a harmless link text" in text
    for markup in ("<script", "<div", "<iframe", "**bold**", "**one**", "~~", "|:--", "![", "::: ", "alert("):
        assert markup not in text, markup
    # speaker notes keep their formatting, and their raw HTML is as inert as the slides'
    notes = page.evaluate("[...document.querySelectorAll('aside.notes')].map(n => n.innerHTML).join('')")
    assert "<strong>why</strong>" in notes and "<b>matters</b>" in notes and "<li><code>" not in notes
    assert "<code>code</code>" in notes and "<script" not in notes
    page.close()


def test_powerpoint_draws_native_tables_pictures_and_callouts(features: Path) -> None:
    prs = Presentation(str(features / "dist" / "features.pptx"))
    slides = {s.shapes.title.text_frame.text: s for s in prs.slides if s.shapes.title is not None}
    [table] = [s for s in slides["A table"].shapes if s.has_table]
    grid = [[cell.text for cell in row.cells] for row in table.table.rows]
    assert grid == [["Name", "Formula", "Code"], ["square", "x2", "x ** 2"], ["cube", "x3", "x ** 3"]]
    two = table.table.cell(1, 1).text_frame.paragraphs[0].runs[-1]
    assert two.text == "2" and two._r.get_or_add_rPr().get("baseline") == "30000"  # x², a raised 2
    assert [table.table.cell(1, c).text_frame.paragraphs[0].alignment for c in range(3)] == [1, 2, 3]  # l, c, r
    centred = [s for title, slide in slides.items() if title.startswith("Pictures") for s in slide.shapes
               if s.has_text_frame and s.text_frame.text == "Centred words"]
    assert [s.text_frame.paragraphs[0].alignment for s in centred] == [2]  # PP_ALIGN.CENTER
    pictures = [s for s in slides["Pictures"].shapes if s.shape_type == 13]
    assert [p._element.xpath("./*[1]/p:cNvPr")[0].get("descr") for p in pictures] == [
        "A blue square beside the lesson", "The course logo"]
    boxes = [s for s in slides["Callouts"].shapes if s.has_text_frame and s.text_frame.text.startswith(("Try it", "Warning"))]
    assert [str(b.fill.fore_color.rgb) for b in boxes] == ["EEF7F0", "FFF5E6"]
    runs = [r for p in slides["Text"].shapes[1].text_frame.paragraphs for r in p.runs]
    by_text = {r.text.strip(): r for r in runs if r.text.strip()}
    assert by_text["strong"].font.bold and by_text["bold"].font.bold and by_text["em"].font.italic
    assert by_text["struck"]._r.get_or_add_rPr().get("strike") == "sngStrike"
    assert by_text["A subheading"].font.bold and str(by_text["A subheading"].font.color.rgb) == "0B3D91"
    notes = slides["Pictures"].notes_slide.notes_text_frame
    said = {r.text: r for p in notes.paragraphs for r in p.runs}
    assert said["why"].font.bold and said["matters"].font.bold and said["code"].font.name == "Courier New"
    assert "alert(3)" not in notes.text and any(p._p.pPr.find(qn("a:buChar")) is not None for p in notes.paragraphs)
    text = " ".join(shape.text_frame.text for s in prs.slides for shape in s.shapes if shape.has_text_frame)
    for markup in ("<script", "<div", "<iframe", "**bold**", "**one**", "~~", "|:--", "![", "alert("):
        assert markup not in text, markup
    assert accessibility_problems(features / "dist" / "features.pptx") == []


@pytest.mark.libreoffice
def test_libreoffice_shows_the_table_and_the_pictures(features: Path, soffice: str, poppler, tmp_path: Path) -> None:
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(features / "dist" / "features.pptx")],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "features.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert re.search(r"square\s+x\s*2\s+x \*\* 2", text)
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "features.pdf")], capture_output=True, text=True,
                            check=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 2  # the PNG and the drawn SVG
    assert rendered_problems(features / "dist" / "features.pptx", tmp_path / "features.pdf") == []
    sectioned = Presentation(str(features / "dist" / "sectioned.pptx"))
    assert [s.shapes.title.text_frame.text for s in sectioned.slides] == ["Gradients", "Part one", "Leaves", "Part two",
                                                                           "Graphs"]


@pytest.mark.parametrize("name", MATERIAL)
def test_no_markup_or_tex_shows_in_powerpoint(material: Path, name: str) -> None:
    """Public tutorials as lecturers have them: no markdown, HTML or TeX left as text in their decks'
    prose, titles and tables (code, in the code font, shows what it is)."""
    prs = Presentation(str(material / "dist" / f"{name}.pptx"))
    frames = [shape.text_frame for slide in prs.slides for shape in slide.shapes if shape.has_text_frame]
    frames += [cell.text_frame for slide in prs.slides for shape in slide.shapes if shape.has_table
               for row in shape.table.rows for cell in row.cells]
    prose = ["".join(r.text for r in p.runs if r.font.name != "Courier New") for f in frames for p in f.paragraphs]
    assert [t for t in prose if MARKUP.search(t)] == []


def test_a_notebooks_attached_picture_is_shown(tmp_path: Path) -> None:
    """A picture pasted into a notebook's markdown cell (`attachment:`) is in the deck, alt text and all."""
    import base64
    import io

    from PIL import Image as PILImage

    from livedeck.model import Figure
    from livedeck.model.images import resolve_images

    png = io.BytesIO()
    PILImage.new("RGB", (96, 48), "red").save(png, format="PNG")
    cell = v4.new_markdown_cell("# Pasted\n\n## S\n\n![A red bar](attachment:bar.png)")
    cell.attachments = {"bar.png": {"image/png": base64.b64encode(png.getvalue()).decode()}}
    path = tmp_path / "01_pasted.ipynb"
    nbformat.write(v4.new_notebook(cells=[cell]), path)
    lesson = read_lesson(path)
    pictures = resolve_images(build_deck(lesson, ((),)), lesson)
    [figure] = pictures.deck.slides[0].blocks
    assert isinstance(figure, Figure) and figure.alt == "A red bar" and (figure.width, figure.height) == (1.0, 0.5)
    assert pictures.files[f"{figure.name}.png"] == png.getvalue() and pictures.warnings == ()


def test_a_subheading_never_ends_a_slide_without_what_it_heads() -> None:
    """When what a subheading heads goes on to the next slide, the subheading goes with it."""
    from livedeck.layout import lay_out
    from livedeck.model import Deck, Slide
    from livedeck.style.theme import CodeStyle

    text = "\n\n".join(f"Paragraph {i} of the introduction, long enough to take a line." for i in range(9))
    table = Table("", ("Name", "Meaning"), tuple((f"row {i}", "a cell " * 12) for i in range(8)), markdown=True)
    deck = Deck("t", "T", "", "t.py", (Slide("S", (Markdown(text + "\n\n### The table"), table)),))
    slides = lay_out(deck, {}, CodeStyle(), "figures/t")[1:]
    assert len(slides) >= 2
    ends = [s.items[-1].paragraphs[-1] for s in slides if s.items[-1].paragraphs]
    assert not any(p.heading for p in ends)
    assert any(p.heading and p.text == "The table" for s in slides[1:] for item in s.items for p in item.paragraphs)


def test_pictures_embedded_in_the_notebook_or_missing_beside_it(tmp_path: Path) -> None:
    """`<img src="data:…">` as notebooks embed pictures is shown; a missing file keeps the lesson from being
    up to date, so the picture is shown as soon as it is saved."""
    import base64
    import io

    from PIL import Image as PILImage

    from livedeck.build.cache import _same_files
    from livedeck.model import Figure
    from livedeck.model.images import resolve_images

    png = io.BytesIO()
    PILImage.new("RGB", (48, 96), "green").save(png, format="PNG")
    inline = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    svg = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='30' height='10'/%3E"
    path = write_lesson(tmp_path, "01_embedded.py", f'# %% [markdown]\n# # E\n# ## S\n# <img src="{inline}" alt="Green">\n'
                        f'#\n# <img src="{svg}" alt="Drawn">\n#\n# ![Later](later.png)\n')
    lesson = read_lesson(path)
    pictures = resolve_images(build_deck(lesson, ((),)), lesson)
    green, drawn, later = pictures.deck.slides[0].blocks
    assert isinstance(green, Figure) and green.alt == "Green" and (green.width, green.height) == (0.5, 1.0)
    assert isinstance(drawn, Figure) and drawn.alt == "Drawn" and (drawn.width, drawn.height) == (0.312, 0.104)
    assert isinstance(later, Callout)
    assert pictures.inputs == {str(tmp_path / "later.png"): ""} and not _same_files(pictures.inputs)


def test_notebooks_bold_vectors_are_typeset() -> None:
    """`\\bm{x}`, as course notes and notebooks write bold vectors, is typeset (as `\\boldsymbol`)."""
    from livedeck.layout.formula_cache import typeset

    [formula] = typeset([("\\bm{w}^\\top \\bm{x}", False)], None).values()
    assert formula.error == "" and formula.width > 1 and 'mathvariant="bold-italic"' in formula.mathml


def test_restructuredtext_left_in_markdown_cells_is_read_as_markdown(tmp_path: Path) -> None:
    """A sphinx-gallery script's text, as jupytext leaves it in markdown cells: read by pandoc."""
    from livedeck.read.restructuredtext import is_rest

    assert not is_rest("## A heading\n\nSome *markdown* with `code` and $x$.\n\n~~~python\nx = 1\n~~~")
    assert not is_rest("(reST `:math:` became `$…$`, ``.. math::`` and ``:ref:`x``` in markdown code)")
    assert is_rest("Bridge with NumPy\n~~~~~~~~~") and is_rest("See :ref:`label`.") and is_rest(".. note::\n   x")
    path = write_lesson(tmp_path, "01_sphinx.py", '''
        # %% [markdown]
        # Tensors
        # =======
        #
        # Tensors are like arrays; see `NumPy <https://numpy.org/>`_ and :math:`\\frac{a}{b}`.

        # %%
        import math

        # %% [markdown]
        # Initializing a Tensor
        # ~~~~~~~~~~~~~~~~~
        #
        # **Directly from data**, with ``torch.tensor``.
        #
        # .. note::
        #      In-place operations save memory.
        #
        # .. math:: y = \\sum_i x_i

        # %%
        x = math.pi
        ''')
    deck = deck_of(path)
    assert deck.title == "Tensors" and "[NumPy](https://numpy.org/)" in deck.subtitle and "$\\frac{a}{b}$" in deck.subtitle
    [slide] = deck.slides
    assert slide.title == "Initializing a Tensor"  # a short underline, as docutils allows
    text, callout, formula, code = slide.blocks
    assert text == Markdown("**Directly from data**, with `torch.tensor`.")
    assert (callout.kind, callout.text) == (CalloutKind.NOTE, "In-place operations save memory.")
    assert formula.latex == "y = \\sum_i x_i" and code.source == "x = math.pi"


def test_a_markdown_heading_in_a_cell_read_as_rest_stays_a_heading(tmp_path: Path) -> None:
    """A sphinx-gallery notebook's markdown cell that holds one reST directive (`.. figure::`) under a
    markdown `##` heading: the cell goes through pandoc, and the heading must not come out as `## …` text."""
    path = write_lesson(tmp_path, "01_mixed.py", '''
        # %% [markdown]
        # # Graphs

        # %% [markdown]
        # ## What the record holds
        #
        # The graph of ``z``:
        #
        # .. figure:: /_static/graph.png
        #    :alt:
        #
        # Its leaves are ``w`` and ``b``.

        # %%
        z = 1
        ''')
    deck = deck_of(path)
    assert [slide.title for slide in deck.slides] == ["What the record holds"]
    assert not any("## " in getattr(block, "text", "") for block in deck.slides[0].blocks)


def test_jupyters_other_math_delimiters_are_math(tmp_path: Path) -> None:
    """Jupyter's MathJax typesets `\\(…\\)` and `\\[…\\]` as it does `$…$` and `$$…$$`; code keeps them."""
    path = write_lesson(tmp_path, "01_brackets.py", r'''
        # %% [markdown]
        # # Slopes
        # ## By hand
        # The slope of \(3x^2 - 4x\) is \(6x - 4\), but `\(x\)` in code is code.
        #
        # \[ f'(3) = 6 \cdot 3 - 4 = 14 \]

        # %%
        slope = 6 * 3 - 4
        ''')
    from livedeck.markup.markdown import parser

    [slide] = deck_of(path).slides
    text, formula, code = slide.blocks
    [inline] = [token for token in parser().parse(text.text) if token.type == "inline"]
    assert [(c.type, c.content) for c in inline.children if c.type != "text"] == [
        ("math_inline", "3x^2 - 4x"), ("math_inline", "6x - 4"), ("code_inline", "\\(x\\)")]
    assert formula.latex.strip() == "f'(3) = 6 \\cdot 3 - 4 = 14" and code.source == "slope = 6 * 3 - 4"


def test_each_material_fixture_keeps_the_shape_it_imitates(material: Path) -> None:
    """What each lesson of tests/fixtures/lessons is there for (its README) comes out as the block it should."""
    def blocks(name: str) -> list[dict]:
        deck = json.loads((material / "dist" / f"{name}.json").read_text())["deck"]
        return [block for slide in deck["slides"] for block in slide["blocks"]]

    def count(name: str, kind: str) -> int:
        return sum(block["type"] == kind for block in blocks(name))

    notes = [b for b in blocks("graph_basics") if b["type"] == "Callout" and b["kind"] == "note"]
    assert len(notes) == 4 and all(b["title"] == "Note" for b in notes)  # <div class="alert alert-info"><h4>Note
    assert count("graph_basics", "Math") == 1 and count("gradient_tour", "Math") == 2  # bare \begin{align}
    assert [b["kind"] for b in blocks("tensor_gallery") if b["type"] == "Callout"] == ["note"]  # .. note::
    assert count("tensor_first_steps", "Table") == 1
    values = " ".join(b["text"] for b in blocks("tensor_first_steps") if b["type"] == "Value")
    assert "1.12.0" not in values and "tensor(3)" in values  # stored outputs are not shown, the run's are
    [code] = [b for b in blocks("custom_cubic") if b["type"] == "Code"]
    assert "class Cubic(torch.autograd.Function)" in code["source"]
    assert count("line_fit_no_markdown", "Figure") == 3 and count("line_fit_no_markdown", "Markdown") == 0
