"""Outputs as Jupyter shows them: a cell's last value, `display(...)` and IPython's display objects go
through IPython's own display formatter, which asks each object for its representations (`_repr_html_`,
`_repr_png_`, `_repr_latex_`, `_repr_mimebundle_` …) and gives a bundle of MIME types.

The bundle becomes the deck model's block that every format can draw, richest first (layout decides
geometry once, for all formats, so the choice is made here, once):
- a pandas DataFrame or Styler: a table, in pandas' own number formats, its index as row headers;
- a picture (PNG, JPEG, SVG: a PIL image, `Image`, `SVG`, a figure returned as a value): a picture;
- LaTeX (sympy, `Math`, `Latex`): a display formula;
- markdown (`Markdown`): markdown; HTML (`HTML`): markdown's safe HTML subset, which runs nothing;
- else the text IPython's pretty printer gives at a slide's width (containers over lines, as in Jupyter).
A representation not chosen is never used, and never run. A `_repr_*_` method that raises is the lesson's
error at its line, not a warning lost on the terminal.
"""
from __future__ import annotations

import base64
import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any, Optional, cast

from livedeck.helpers.display import TableData
from livedeck.model import Block, Image, Markdown, Math, Value

PRETTY_WIDTH = 80  # characters of pretty-printed text a line: a slide's code column at its floor size
MAX_FRAME_COLUMNS = 12  # a wider frame shows its first columns, and says how many more it has
SLIDE_CHARACTERS = 110  # characters of a table's text across a slide at the smallest table size, with padding
MAX_FRAME_ROWS = 1_000  # rows of a frame read (the slides show 30; all that were read go in a CSV)
PICTURES = ("image/svg+xml", "image/png", "image/jpeg")
# Outputs only a browser running their script can draw: the slide shows the fallback the object offers
SCRIPTED = ("application/vnd.jupyter.widget-view+json", "application/javascript", "application/vnd.plotly.v1+json",
            "application/vnd.vegalite.v5+json", "application/vnd.vega.v5+json", "application/vnd.bokehjs_exec.v0+json")

Shown = Block | TableData


def _formatter() -> Any:
    """IPython's display formatter, its plain text at a slide's width; and a stand-in shell through which a
    failing `_repr_*_` raises (IPython prints its traceback and goes on), made once per process."""
    if "formatter" not in _state:
        from IPython.core.formatters import DisplayFormatter
        from IPython.core.interactiveshell import InteractiveShell

        class LessonDisplay(InteractiveShell):  # never initialised, and stands in only while an object is formatted
            def showtraceback(self, exc_tuple: Any = None, filename: Any = None, tb_offset: Any = None,
                              exception_only: bool = False, running_compiled_code: bool = False) -> None:
                raise exc_tuple[1]  # the lesson's error, at the line of its _repr_*_

        formatter = DisplayFormatter()
        formatter.formatters["text/plain"].max_width = PRETTY_WIDTH
        # `display(fig)` shows the figure as Jupyter's inline backend would (which registers this formatter)
        formatter.formatters["image/png"].for_type_by_name("matplotlib.figure", "Figure", _figure_png)
        _state["formatter"], _state["shell"] = formatter, LessonDisplay.__new__(LessonDisplay)
    return _state["formatter"]


_state: dict[str, Any] = {}


def _figure_png(fig: Any) -> bytes:
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, "png")


def bundle(obj: Any, include: Any = None, exclude: Any = None) -> dict:
    """The object's representations by MIME type, as Jupyter asks for them."""
    from IPython.core.interactiveshell import InteractiveShell

    formatter = _formatter()
    before = getattr(InteractiveShell, "_instance", None)
    InteractiveShell._instance = _state["shell"]  # only while formatting: libraries that look for a shell
    try:  # (matplotlib registers its hooks in one) must not find it while the lesson runs
        return formatter.format(obj, include=include, exclude=exclude)[0]
    finally:
        InteractiveShell._instance = before


def display(*objs: Any, include: Any = None, exclude: Any = None, raw: bool = False, **kwargs: Any) -> None:
    """IPython's `display(...)` while a lesson runs: each object and its bundle go to the cell being run (the
    sink `displaying` sets); with no cell running, their text is printed, as IPython does without a shell."""
    for obj in objs:
        if _state.get("sink") is None:
            print(obj)
        else:
            _state["sink"](obj, obj if raw else bundle(obj, include, exclude))


@contextlib.contextmanager
def displaying(shown: Callable[[Any, dict], None]) -> Iterator[None]:
    """While the block runs, IPython's `display(...)` (livedeck's `display` in its place) hands each object and
    its bundle to `shown`: without a running shell, IPython's would print their text."""
    import IPython.core.display_functions as functions
    import IPython.display as public

    before = functions.display, public.display
    functions.display = public.display = display  # type: ignore[assignment]
    _state["sink"] = shown
    try:
        yield
    finally:
        functions.display, public.display = before
        _state["sink"] = None


def blocks(obj: Any, data: dict, printable: Callable[[str], str]) -> tuple[list[Shown], str]:
    """What the slide shows of a displayed object (its bundle `data`), each block carrying the bundle's text
    representations for student notebooks; and a notice when that is a static fallback for an output only a
    browser's script can draw ("" otherwise)."""
    shown, notice = _blocks(obj, data, printable)
    saved = tuple((kind, value if isinstance(value, str) else base64.b64encode(value).decode("ascii"))
                  for kind, value in data.items() if isinstance(value, (str, bytes)))  # as Jupyter saves them
    return [replace(cast(Any, block), bundle=saved) for block in shown], notice  # each of them has a bundle


def _blocks(obj: Any, data: dict, printable: Callable[[str], str]) -> tuple[list[Shown], str]:
    notice = ""
    if any(kind in data for kind in SCRIPTED):
        kinds = ", ".join(kind for kind in data if kind in SCRIPTED)
        notice = f"{type(obj).__name__ if obj is not None else 'an output'} ({kinds}) needs a browser's script; " \
                 "the slide shows its static fallback"
    if _is_frame(obj):  # a table in pandas' formats; an empty frame in pandas' words ("Empty DataFrame …")
        table = _frame(obj)
        return ([table] if table else [Value(printable(data.get("text/plain", "")))]), notice
    picture = next((kind for kind in PICTURES if kind in data), None)
    if picture is not None:
        return [_picture(obj, picture, data[picture])], notice
    if "text/latex" in data:
        return [Math(_formula(data["text/latex"]))], notice
    if "text/markdown" in data:
        return [Markdown(data["text/markdown"])], notice
    if "text/html" in data:
        return _html(data["text/html"]), notice
    text = data.get("text/plain", "")
    return ([Value(printable(text))] if text else []), notice


def unmanaged_figure(value: Any) -> bool:
    """A matplotlib figure made without pyplot (`Figure()`) and returned: pyplot's figures are captured as
    the cell's figures already; this one is shown as the picture its bundle holds."""
    if type(value).__name__ != "Figure" or not type(value).__module__.startswith("matplotlib"):
        return False
    import matplotlib.pyplot as plt

    number = getattr(value, "number", None)  # pyplot numbers the figures it manages
    return number is None or not plt.fignum_exists(number)


def _formula(latex: str) -> str:
    """LaTeX from a `_repr_latex_` (`$\\displaystyle …$`, `$$…$$`, `\\[…\\]`) as a display formula's source."""
    text = latex.strip()
    for start, end in (("$$", "$$"), ("\\[", "\\]"), ("$", "$"), ("\\(", "\\)")):
        if text.startswith(start) and text.endswith(end) and len(text) > len(start) + len(end):
            text = text[len(start):-len(end)].strip()
            break
    return text.removeprefix("\\displaystyle").strip()


def _picture(obj: Any, kind: str, data: Any) -> Image:
    """A picture from its bundle, described as the other figures are (what it is, its size)."""
    raw = data.encode("utf-8") if isinstance(data, str) and kind == "image/svg+xml" else \
        (base64.b64decode(data) if isinstance(data, str) else data)
    return Image(f"data:{kind};base64,{base64.b64encode(raw).decode('ascii')}", _described(obj, kind, raw))


def _described(obj: Any, kind: str, raw: bytes) -> str:
    """Alt text: a figure's own description, or what kind of picture it is and its size."""
    if type(obj).__module__.startswith("matplotlib"):
        from livedeck.helpers.describe import describe_figure

        with contextlib.suppress(Exception):
            return describe_figure(obj)
    if kind == "image/svg+xml":
        return "a vector picture"
    try:
        from PIL import Image as Pillow

        with Pillow.open(io.BytesIO(raw)) as image:
            mode = f", {obj.mode}" if type(obj).__module__.startswith("PIL") else ""
            return f"an image, {image.width} × {image.height} px{mode}"
    except Exception:  # Pillow cannot read it: still a picture
        return "an image"


def _html(html: str) -> list[Shown]:
    """HTML as the safe subset of raw HTML shows it (markdown's own): its text, tables and pictures; scripts,
    styles and handlers are left out. Read as one block, not as markdown, whose blank lines would end it."""
    from livedeck.markup.safe_html import html_block

    shown: list[Shown] = []
    for part in html_block(html):
        if part.rows:
            shown.append(TableData(part.header, part.rows))
        elif part.src:
            shown.append(Image(part.src, part.alt))
        elif part.text.strip():
            shown.append(Markdown(part.text, centred=part.centred))
    return shown


def _is_frame(obj: Any) -> bool:
    return type(obj).__module__.startswith("pandas") and type(obj).__name__ in ("DataFrame", "Styler")


def _frame(obj: Any) -> Optional[TableData]:
    """A pandas DataFrame or Styler as a table, in pandas' own formats (pandas lays its HTML out; its cells
    are read here), its index levels as row headers, a MultiIndex's levels each a column; None when the frame
    has no rows or no columns."""
    kind = type(obj).__name__
    frame = obj.data if kind == "Styler" else obj
    if frame.empty:
        return None
    reader = _TableReader()
    if kind == "Styler":  # cut by pandas itself (Styler.hide would change the lesson's own Styler)
        reader.feed(obj.to_html(sparse_index=False, sparse_columns=False, max_rows=MAX_FRAME_ROWS,
                                max_columns=MAX_FRAME_COLUMNS))
    else:
        reader.feed(frame.iloc[:MAX_FRAME_ROWS, :MAX_FRAME_COLUMNS].to_html(sparsify=False, notebook=False))
    header, rows = reader.table()
    wide, long = frame.shape[1] > MAX_FRAME_COLUMNS, frame.shape[0] > MAX_FRAME_ROWS
    if kind == "Styler":  # the column and the row of "..." a Styler cut short ends with
        header, rows = header[:len(header) - wide], tuple(row[:len(row) - wide] for row in rows[:len(rows) - long])
    header, rows, left_out = _fitting_columns(header, rows, reader.labels)
    more = left_out + max(0, frame.shape[1] - MAX_FRAME_COLUMNS)
    notes = ([f"{more} more columns not shown"] if more else []) + \
        ([f"the first {MAX_FRAME_ROWS:,} of {frame.shape[0]:,} rows"] if long else [])
    return TableData(header, rows, "; ".join(notes).capitalize())


def _fitting_columns(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...],
                     labels: int) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], int]:
    """The row labels (`labels` columns) and as many data columns as fit a slide's width at the smallest
    table size, counted in characters (a slide holds about SLIDE_CHARACTERS of a table's text a line);
    and how many columns were left out."""
    widths = [max(len(row[i]) if i < len(row) else 0 for row in (header, *rows)) + 3 for i in range(len(header))]
    used, keep = sum(widths[:labels]), labels
    while keep < len(widths) and used + widths[keep] <= SLIDE_CHARACTERS:
        used, keep = used + widths[keep], keep + 1
    keep = max(keep, min(labels + 1, len(widths)))  # one data column at least
    return header[:keep], tuple(row[:keep] for row in rows), len(header) - keep


class _TableReader(HTMLParser):
    """The cells of the one table pandas writes: its header rows and its body rows, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.head: list[list[str]] = []
        self.body: list[list[str]] = []
        self.part: list[list[str]] = self.body
        self.cell: Optional[list[str]] = None
        self.labels = 0  # the row-label columns: the header cells (<th>) a body row starts with

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("thead", "tbody"):
            self.part = self.head if tag == "thead" else self.body
        elif tag == "tr":
            self.part.append([])
        elif tag in ("th", "td") and self.part:
            self.cell = []
            if self.part is self.body and len(self.body) == 1 and tag == "th" and len(self.body[0]) == self.labels:
                self.labels += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.cell is not None and self.part:
            self.part[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def table(self) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """One header row (a column's header rows joined, a MultiIndex's levels read top down), and the rows."""
        width = max((len(row) for row in self.head + self.body), default=0)
        head = [row + [""] * (width - len(row)) for row in self.head if any(row)]
        header = tuple(" / ".join(cell for cell in column if cell) for column in zip(*head)) if head else ()
        return header, tuple(tuple(row + [""] * (width - len(row))) for row in self.body if row)
