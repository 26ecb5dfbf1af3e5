"""The lesson reader: cells, their file lines, options, and mistakes located in the file."""
from pathlib import Path

import pytest

from livedeck.read.lesson import LessonError, find_lessons, lesson_name, read_lesson
from support.builds import ROOT, write_lesson

LESSON = '''
# %% [markdown]
# # Title
# Subtitle

# %%
#| echo: false
#| fig-cap: "A caption: with colon"
import math

# %% [markdown]
# ## A slide

# %%
x = 1
x + 1
'''


def test_cells_kinds_lines_and_options(tmp_path: Path) -> None:
    lesson = read_lesson(write_lesson(tmp_path, "01_demo.py", LESSON))
    assert lesson.name == "demo"
    assert [c.kind for c in lesson.cells] == ["markdown", "code", "markdown", "code"]
    hidden = lesson.cells[1]
    assert hidden.options.echo is False and hidden.options.fig_cap == "A caption: with colon"
    assert hidden.source == "import math"  # option lines are never part of the code
    assert hidden.line == 8  # the line of `import math` in the file
    assert lesson.cells[3].line == 14 and lesson.cells[3].options.echo is True
    assert lesson.cells[0].source.startswith("# Title")


def test_code_line_steps_are_parsed_once_by_the_reader(tmp_path: Path) -> None:
    path = write_lesson(tmp_path, "01_steps.py", '# %% [markdown]\n# # T\n\n# %%\n#| code-line-numbers: "1-2|3,5|4"\nx = 1\n')
    assert read_lesson(path).cells[1].options.code_line_numbers == ((1, 2), (3, 5), (4,))
    # Quarto lectures as written: a leading `|` shows every line alike first; `true` (line numbers) asks no steps
    for written, steps in (('"|1-2|3"', ((), (1, 2), (3,))), ("true", ()), ("2,3", ((2, 3),))):
        path.write_text(f"# %% [markdown]\n# # T\n\n# %%\n#| code-line-numbers: {written}\nx = 1\n")
        assert read_lesson(path).cells[1].options.code_line_numbers == steps, written


def test_helpers_are_not_lessons_and_order_is_by_number(tmp_path: Path) -> None:
    for name in ("02_b.py", "01_a.py", "_helpers.py", "10_c.py"):
        write_lesson(tmp_path, name, LESSON)
    assert [p.name for p in find_lessons(tmp_path)] == ["01_a.py", "02_b.py", "10_c.py"]
    assert lesson_name(Path("slides/01_derivatives.py")) == "derivatives"


@pytest.mark.parametrize("option, fragment", [
    ("#| echo: maybe", "'echo' must be true or false"),
    ("#| fig_cap: x", "unknown cell option 'fig_cap'"),
    ("#| echo: [unclosed", "not valid YAML"),
    ('#| code-line-numbers: "1-x|3"', "groups of lines such as"),
])
def test_bad_options_name_file_and_line(tmp_path: Path, option: str, fragment: str) -> None:
    path = write_lesson(tmp_path, "01_bad.py", f"# %% [markdown]\n# # T\n\n# %%\n{option}\nx = 1\n")
    with pytest.raises(LessonError) as caught:
        read_lesson(path)
    assert fragment in str(caught.value)
    assert caught.value.line == 5 and str(path) in str(caught.value)


def test_real_lessons_read(tmp_path: Path) -> None:
    root = ROOT / "slides"
    names = [read_lesson(p).name for p in find_lessons(root)]
    assert names == ["derivatives", "partials", "custom_backward", "is_leaf"]


def test_control_characters_in_markdown_are_shown_as_the_replacement_character(tmp_path: Path) -> None:
    """A notebook whose docstring was not raw: `\\frac` became a form feed and `\\right` a carriage return.
    They were a crash of the text shaper ("raqm_layout() failed") under --allow-errors; now each control
    character reads as U+FFFD, tab and newline kept, a CRLF a newline."""
    import nbformat

    from livedeck.layout import measure
    from support.builds import build_here

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Poly\r\n\r\n## Fit\n\n$y = \x0crac{a}{b} \\left( x \right)$ and \x07\x1b[1m\tok"),
        nbformat.v4.new_code_cell("print(1)")])
    (tmp_path / "slides").mkdir()
    nbformat.write(notebook, tmp_path / "slides" / "01_poly.ipynb")
    [text, _] = read_lesson(tmp_path / "slides" / "01_poly.ipynb").cells
    assert text.source == "# Poly\n\n## Fit\n\n$y = \ufffdrac{a}{b} \\left( x \ufffdight)$ and \ufffd\ufffd[1m\tok"
    assert measure.width("a\rb\x85", 12) > 0
    result = build_here("--allow-errors", cwd=tmp_path)
    assert "✗ poly: ran" in result.stderr and "showing errors" in result.stderr, result.stderr  # the formula's
    assert "raqm" not in result.stderr and "could not be laid out" not in result.stderr
    page = (tmp_path / "dist" / "poly.html").read_text(encoding="utf-8")
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in page)


def test_a_slideshows_cell_types_are_read_as_they_present(tmp_path: Path) -> None:
    """RISE's and nbconvert's cell metadata, as lecture notebooks carry it: `notes` is for the speaker, `skip` for
    no one (a code cell of either runs, and shows nothing on the slides), `slide` starts a slide, `fragment`
    waits for a click."""
    path = write_lesson(tmp_path, "01_rise.py", '# %% [markdown]\n# # T\n\n'
                        '# %% [markdown] slideshow={"slide_type": "notes"}\n# Say it slowly.\n\n'
                        '# %% [markdown] slideshow={"slide_type": "skip"}\n# Not for the room.\n\n'
                        '# %% slideshow={"slide_type": "skip"}\nx = 1\n\n# %%\nprint(x)\n\n'
                        '# %% [markdown] slideshow={"slide_type": "slide"}\n# A new slide, without a heading\n\n'
                        '# %% [markdown] slideshow={"slide_type": "fragment"}\n# Then this.\n\n'
                        '# %% slideshow={"slide_type": "fragment"}\nprint(x + 1)\n')
    cells = read_lesson(path).cells
    assert [c.source for c in cells if c.kind == "markdown"] == [
        "# T", "::: notes\nSay it slowly.\n:::", "---", "A new slide, without a heading", ". . .\n\nThen this."]
    hidden, shown, later = (c.options for c in cells if c.kind == "code")
    assert (hidden.echo, hidden.output, shown.echo, shown.fragment, later.fragment) == (False, False, True, False, True)
    notes = next(c for c in cells if c.source.startswith("::: notes"))
    assert path.read_text().splitlines()[notes.line] == "# Say it slowly."  # its own line still, under the fence


def test_a_script_in_jupytexts_light_format_or_none_is_read_cell_by_cell(tmp_path: Path) -> None:
    """`# +` … `# -` cells and comment blocks (jupytext's light format, as older lecture scripts are kept), or a
    plain script: read as jupytext reads them, each cell at its line (such a file once gave an empty deck)."""
    path = write_lesson(tmp_path, "01_light.py", "# # Light\n#\n# A first look.\n\n"
                        '# + slideshow={"slide_type": "fragment"}\nimport math\nprint(math.pi)\n# -\n\n'
                        "# ## Squares\n\nsquares = [n * n for n in range(5)]\n")
    cells = read_lesson(path).cells
    assert [(c.kind, c.source.splitlines()[0], c.line) for c in cells] == [
        ("markdown", "# Light", 1), ("code", "import math", 6), ("markdown", "## Squares", 10),
        ("code", "squares = [n * n for n in range(5)]", 12)]
    assert cells[1].options.fragment
    plain = write_lesson(tmp_path, "02_plain.py", '"""A plain script."""\nimport math\n\n\ndef f(x):\n    return 2 * x\n\n'
                         "print(f(math.pi))\n")
    assert [(c.kind, c.line) for c in read_lesson(plain).cells] == [("code", 1), ("code", 5), ("code", 8)]
    spyder = write_lesson(tmp_path, "03_spyder.py", "#%% [markdown]\n# # Cells\n\n#%%\nx = 1\n\n#%% named\ny = 2\n")
    assert [(c.kind, c.source, c.line) for c in read_lesson(spyder).cells] == [  # Spyder's and VS Code's `#%%`
        ("markdown", "# Cells", 2), ("code", "x = 1", 5), ("code", "y = 2", 8)]
