"""Outputs as Jupyter shows them (run/rich.py): the display protocol's bundle, made the deck model's block
every format draws. In process: the executor, on one lesson that displays every kind of object."""
from __future__ import annotations

from pathlib import Path

import pytest

from livedeck.model import Figure, Image, Markdown, Math, Table, Value
from livedeck.read.lesson import read_lesson
from livedeck.run.execute import execute
from support.builds import write_lesson

pytest.importorskip("pandas")  # test dependencies, never the build's: a course without them never pays

LESSON = r'''# %% [markdown]
# # Rich
# %%
import numpy as np
import pandas as pd
pd.DataFrame(np.arange(24).reshape(3, 8) / 4, columns=[f"col{i}" for i in range(8)])
# %%
display(pd.DataFrame(np.arange(90).reshape(3, 30), columns=[f"c{i}" for i in range(30)]))
# %%
pd.Series([1.5, 2.25], index=["a", "b"], name="grade")
# %%
index = pd.MultiIndex.from_product([["train", "test"], [1, 2]], names=["split", "fold"])
pd.DataFrame({"loss": [0.5, 0.4, 0.45, 0.41]}, index=index)
# %%
pd.DataFrame({"acc": [0.81234, 0.5]}).style.format("{:.1%}")
# %%
from PIL import Image
Image.new("RGB", (64, 32), "red")
# %%
import sympy
x = sympy.symbols("x")
sympy.diff(sympy.sin(x) ** 2, x)
# %%
from IPython.display import HTML, SVG, Markdown, Math, Image as Picture
display(Markdown("**bold**"), Math(r"\frac{a}{b}"), HTML("<b>kept</b><script>document.title='owned'</script>"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'))
import io
png = io.BytesIO()
Image.new("RGB", (12, 6), "blue").save(png, format="PNG")
display(Picture(data=png.getvalue()))
# %%
from matplotlib.figure import Figure
figure = Figure(figsize=(3, 2))
figure.add_subplot().plot([1, 3, 2])
figure
# %%
{f"key{i}": list(range(i, i + 12)) for i in range(6)}
# %%
pd.DataFrame()
'''


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    lesson = read_lesson(write_lesson(tmp_path_factory.mktemp("rich"), "01_rich.py", LESSON))
    done = execute(lesson)
    assert done.failure is None, done.failure and done.failure.message()
    return [out for cell, out in zip(lesson.cells, done.outputs) if cell.kind == "code"]


def test_data_frames_are_tables_in_pandas_formats_with_their_index(shown) -> None:
    [eight], [wide], [series], [multi], [styled] = shown[:5]
    assert isinstance(eight, Table) and eight.header == ("", *(f"col{i}" for i in range(8)))
    assert eight.rows[1][:3] == ("1", "2.0", "2.25")  # pandas' own formats, the index as the row header
    assert isinstance(wide, Table) and len(wide.header) == 13 and wide.caption == "18 more columns not shown"
    assert isinstance(series, Value) and series.text.startswith("a    1.50")  # as Jupyter: a Series is text
    assert isinstance(multi, Table) and multi.header == ("split", "fold", "loss")
    assert multi.rows[2] == ("test", "1", "0.45")  # each level of the MultiIndex, on every row
    assert isinstance(styled, Table) and styled.rows[0][-1] == "81.2%"  # the Styler's number format
    saved = dict(eight.bundle)  # what the frame offered, for student notebooks: pandas' own HTML and text
    assert 'class="dataframe"' in saved["text/html"] and saved["text/plain"].startswith("   col0")


def test_pictures_formulas_markdown_and_html(shown) -> None:
    [pil], [formula], displayed, [figure] = shown[5:9]
    assert isinstance(pil, Image) and pil.src.startswith("data:image/png;base64,")
    assert pil.alt == "an image, 64 × 32 px, RGB"
    assert formula == Math(r"2 \sin{\left(x \right)} \cos{\left(x \right)}")
    markdown, math, html, svg, picture = displayed
    assert markdown == Markdown("**bold**") and math == Math(r"\frac{a}{b}")
    assert isinstance(html, Markdown) and "kept" in html.text and "owned" not in html.text and "script" not in html.text
    assert isinstance(svg, Image) and svg.src.startswith("data:image/svg+xml;base64,") and svg.alt == "a vector picture"
    assert isinstance(picture, Image) and picture.alt == "an image, 12 × 6 px"  # IPython's Image
    assert isinstance(figure, Figure) and figure.alt.startswith("Line plot")  # a figure made without pyplot


def test_plain_text_is_pretty_printed_at_a_slides_width(shown) -> None:
    [nested], [empty] = shown[9:11]
    lines = nested.text.splitlines()
    assert len(lines) == 6 and all(len(line) <= 80 for line in lines) and lines[0].startswith("{'key0': [0, 1,")
    assert empty == Value("Empty DataFrame\nColumns: []\nIndex: []")


def test_a_failing_repr_is_the_lessons_error_at_its_line(tmp_path: Path) -> None:
    lesson = read_lesson(write_lesson(tmp_path, "01_bad.py", "# %%\nclass Broken:\n    def _repr_html_(self):\n"
                                                             "        raise ValueError('no table today')\n\n"
                                                             "# %%\ndisplay(Broken())\n"))
    failure = execute(lesson).failure
    assert failure is not None and failure.error == "ValueError: no table today" and failure.line == 4


def test_an_output_only_a_browsers_script_draws_shows_its_fallback_and_says_so(tmp_path: Path) -> None:
    lesson = read_lesson(write_lesson(tmp_path, "01_widget.py", "# %%\nclass Slider:\n"
                                      "    def _repr_mimebundle_(self, include=None, exclude=None):\n"
                                      "        return {'application/vnd.jupyter.widget-view+json': {'model_id': 'x'},"
                                      " 'text/plain': 'Slider(value=3)'}\n\n# %%\nSlider()\n"))
    done = execute(lesson)
    assert done.outputs[1] == (Value("Slider(value=3)"),)
    assert done.notices == ("7: Slider (application/vnd.jupyter.widget-view+json) needs a browser's script; "
                            "the slide shows its static fallback",)


def test_a_wide_styler_is_cut_without_changing_the_lessons_own_styler() -> None:
    """Styler.hide changes the Styler it is called on: a lesson's styled frame kept what livedeck hid."""
    import numpy as np
    import pandas as pd

    from livedeck.run.rich import _frame

    styled = pd.DataFrame(np.arange(30).reshape(2, 15)).style.format("{:.1f}")
    table = _frame(styled)
    assert table is not None and len(table.header) == 13 and table.rows[0][-1] == "11.0"
    assert table.caption == "3 more columns not shown" and list(styled.hidden_columns) == []
