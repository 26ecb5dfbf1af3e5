"""The executor: what each cell shows, figures, options, values and failures as data."""
from dataclasses import replace
from pathlib import Path

import pytest

from livedeck.model import Figure, Stream, Table, Value
from livedeck.read.lesson import LessonError, read_lesson
from livedeck.run.execute import execute
from support.builds import write_lesson

HEAD = "# %% [markdown]\n# # T\n\n"


def run(tmp_path: Path, body: str, **kwargs):
    lesson = read_lesson(write_lesson(tmp_path, "01_t.py", HEAD + body))
    return lesson, execute(lesson, **kwargs)


def code_outputs(lesson, executed):
    return [out for cell, out in zip(lesson.cells, executed.outputs) if cell.kind == "code"]


def test_stdout_stderr_and_last_value(tmp_path: Path) -> None:
    lesson, done = run(tmp_path, "# %%\nimport sys\nprint('hello')\nprint('oops', file=sys.stderr)\n6 * 7\n")
    [outputs] = code_outputs(lesson, done)
    assert Stream("hello", "stdout") in outputs and Stream("oops", "stderr") in outputs
    assert outputs[-1] == Value("42")


def test_semicolon_and_none_hide_the_value(tmp_path: Path) -> None:
    lesson, done = run(tmp_path, "# %%\n6 * 7;\n\n# %%\nNone\n")
    assert code_outputs(lesson, done) == [(), ()]


def test_cells_share_one_namespace_top_to_bottom(tmp_path: Path) -> None:
    lesson, done = run(tmp_path, "# %%\nx = 5\n\n# %%\nx * 2\n")
    assert code_outputs(lesson, done)[1] == (Value("10"),)


def test_figures_captured_with_or_without_show(tmp_path: Path) -> None:
    body = ('# %%\n#| fig-cap: "Two lines"\nimport matplotlib.pyplot as plt\n'
            "plt.plot([1, 2])\nplt.figure()\nplt.plot([2, 1])\nplt.show()\n\n# %%\nplt.plot([3, 3])\n")
    lesson, done = run(tmp_path, body)
    first, second = code_outputs(lesson, done)
    figures = [b for b in first if isinstance(b, Figure)]
    assert [f.name for f in figures] == ["fig-01", "fig-02"]
    assert figures[0].caption == "Two lines"
    assert figures[0].alt == "Line plot: x axis from 0 to 1, y axis from 1 to 2."  # its own content, not the caption
    assert [b.name for b in second] == ["fig-03"]  # figures were closed after the first cell
    assert done.files["fig-01.svg"].startswith(b"<?xml") and done.files["fig-01.png"][:4] == b"\x89PNG"
    # plotting calls' return values (Line2D lists) are not shown as values
    assert not any(isinstance(b, Value) for b in first + second)


def test_label_names_figures_and_alt_overrides_caption(tmp_path: Path) -> None:
    body = ('# %%\n#| label: slope\n#| fig-cap: "Cap"\n#| fig-alt: "Alt text"\n'
            "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n")
    lesson, done = run(tmp_path, body)
    [figure] = code_outputs(lesson, done)[0]
    assert figure.name == "slope" and figure.alt == "Alt text" and "slope.png" in done.files


def test_output_false_hides_everything(tmp_path: Path) -> None:
    body = "# %%\n#| output: false\nimport matplotlib.pyplot as plt\nprint('x')\nplt.plot([1])\n1\n"
    lesson, done = run(tmp_path, body)
    assert code_outputs(lesson, done) == [()] and done.files == {}


def test_tensor_table_and_addresses(tmp_path: Path) -> None:
    body = ("# %%\nimport torch\nfrom livedeck import tensor_table\n"
            "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\ny.backward()\n"
            "tensor_table(x=x, y=y)\nprint(y.grad_fn)\n")
    lesson, done = run(tmp_path, body)
    [outputs] = code_outputs(lesson, done)
    table = next(b for b in outputs if isinstance(b, Table))
    assert table.header == ("", "x", "y")
    assert dict((row[0], row[1:]) for row in table.rows) == {
        "data": ("2.0", "4.0"), "grad": ("4.0", "None"), "grad_fn": ("None", "PowBackward0"),
        "is_leaf": ("True", "False"), "requires_grad": ("True", "True"),
    }
    stream = next(b for b in outputs if isinstance(b, Stream))
    assert stream.text == "<PowBackward0 object>"  # no memory address: reproducible and readable
    assert "table-01.svg" not in done.files  # the executor records the table as data; no format needs its picture


def test_error_is_data_with_file_line_and_cell(tmp_path: Path) -> None:
    _lesson, done = run(tmp_path, "# %%\nx = 1\n\n# %%\ny = 2\nz = 1 / 0\n")
    failure = done.failure
    assert failure is not None and failure.line == 9 and failure.cell_line == 8
    assert failure.cell_first_line == "y = 2"
    assert "ZeroDivisionError: division by zero" in failure.message()
    assert "livedeck" not in failure.traceback  # trimmed to the lesson's own frames


def test_allow_errors_keeps_going(tmp_path: Path) -> None:
    lesson, done = run(tmp_path, "# %%\nraise ValueError('bad')\n\n# %%\n3\n", allow_errors=True)
    assert done.failure is None
    first, second = code_outputs(lesson, done)
    assert "ValueError: bad" in first[-1].text and second == (Value("3"),)


def test_syntax_error_before_anything_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    body = f"# %%\nopen({str(marker)!r}, 'w').close()\n\n# %%\ndef broken(:\n"
    with pytest.raises(LessonError) as caught:
        run(tmp_path, body)
    assert caught.value.line == 8 and "syntax error" in str(caught.value)
    assert not marker.exists()


def test_cell_timeout(tmp_path: Path) -> None:
    _lesson, done = run(tmp_path, "# %%\nwhile True:\n    pass\n", timeout=0.5)
    assert done.failure.timed_out and "0.5 s" in done.failure.message()


def test_the_executor_keeps_all_output_and_the_layout_cuts_it(tmp_path: Path) -> None:
    """The executor records what ran, in full; what a slide shows of it is the layout's choice."""
    from livedeck.layout.regions import cut_streams

    lesson, done = run(tmp_path, "# %%\nfor i in range(1000):\n    print(i)\n\n# %%\nprint('x' * 200)\n")
    [stream], [wide] = code_outputs(lesson, done)
    assert stream.text.splitlines() == [str(i) for i in range(1000)] and stream.truncated == 0
    assert wide.text == "x" * 200  # a student notebook gets the whole line
    ((shown,),), files = cut_streams(((stream,),))
    assert shown.truncated == 1000 - len(shown.text.splitlines()) and shown.truncated > 900
    assert files[shown.full].decode().splitlines() == stream.text.splitlines()
    ((same,),), none = cut_streams(((wide,),))
    assert same == wide and none == {}  # a 200-character line is shown whole (it wraps on the slide)
    ((narrow,),), kept = cut_streams(((replace(wide, text="y" * 5000),),))
    assert narrow.text == "y" * 399 + "…" and narrow.truncated == 0 and kept[narrow.full] == b"y" * 5000 + b"\n"


def test_the_executor_keeps_every_row_and_the_layout_cuts_the_table(tmp_path: Path) -> None:
    """A table is recorded whole; slides show its first rows, and all of them go to a CSV file."""
    from livedeck.layout.regions import MAX_TABLE_ROWS, cut_for_slides
    from livedeck.model import Deck, Slide

    lesson, done = run(tmp_path, "# %%\nfrom livedeck import table\ntable([[i, i * i] for i in range(100)], "
                                 "header=['i', 'square'], caption='Squares')\n")
    [[recorded]] = code_outputs(lesson, done)
    assert len(recorded.rows) == 100 and recorded.caption == "Squares"
    cut, files, _ = cut_for_slides(Deck("squares", "Squares", slides=(Slide("Table", (recorded,)),)))
    [shown] = cut.slides[0].blocks
    assert shown.rows[:MAX_TABLE_ROWS] == recorded.rows[:MAX_TABLE_ROWS] and shown.rows[-1] == ("⋮", "⋮")
    assert shown.caption == f"Squares (first {MAX_TABLE_ROWS} of 100 rows; all of them in {recorded.name}.csv)"
    assert files[f"{recorded.name}.csv"].decode().splitlines()[-1] == "99,9801"


def test_the_shell_runs_exactly_the_magics_the_reader_knows() -> None:
    """The reader names a magic it does not know in the build's notices; the shell must run every one it
    knows (a method `_line_NAME` or `_cell_NAME`), and know no other."""
    from livedeck.read.magics import KNOWN
    from livedeck.run.shell import LessonShell

    runs = {name.split("_", 2)[2] for name in dir(LessonShell) if name.startswith(("_line_", "_cell_"))}
    assert runs | {"timeit"} == KNOWN  # %timeit runs through _timeit, for the line and the cell alike


def test_what_a_cell_writes_below_print_is_its_output(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    """Descriptor 1 and 2 written directly, C's printf and a child program's output are the cell's, after
    what Python printed (as Jupyter shows them), and never the build's terminal; bounded like print."""
    lesson, done = run(tmp_path, "# %%\nimport ctypes, os, subprocess\nprint('from print')\n"
                                 "os.write(1, b'fd one\\n')\nos.write(2, b'fd two\\n')\n"
                                 "subprocess.run(['echo', 'from echo'])\nctypes.CDLL(None).printf(b'from C\\n');\n\n"
                                 "# %%\nimport os\nos.write(1, b'x' * 99 + b'\\n' * 30_000 + b'y' * 5_000_000 + b'\\n' * 10);\n")
    small, big = code_outputs(lesson, done)
    assert Stream("from print\nfd one\nfrom echo\nfrom C", "stdout") in small
    assert Stream("fd two", "stderr") in small
    [stream] = big
    assert stream.text.startswith("x" * 99) and len(stream.text) <= 2_000_000 and stream.truncated == 10
    out, err = capfd.readouterr()
    assert "fd one" not in out + err and "from echo" not in out + err and "y" * 100 not in out


def test_a_lesson_that_closes_the_capture_pipes_neither_hangs_nor_loses_the_next_cell() -> None:
    """A lesson may close descriptors it did not open (`os.closerange(3, …)`, as a daemon does): the drain
    reading a pipe with no writer left must stop (it looped on end-of-file, holding its lock), and the
    next cell's text is captured by a new pipe."""
    import os

    from livedeck.run import descriptors
    from livedeck.run.execute import CappedText

    first, err = CappedText(), CappedText()
    with descriptors.captured(first, err, 1000):
        os.write(1, b"before\n")
        drain = descriptors._drains[1]
        os.close(drain.write_end)  # as closerange would
    assert first.getvalue() == "before\n"
    second = CappedText()
    with descriptors.captured(second, CappedText(), 1000):
        os.write(1, b"after\n")
    assert second.getvalue() == "after\n" and descriptors._drains[1] is not drain


def test_the_lesson_is_main_while_it_runs_and_the_process_gets_its_own_back(tmp_path: Path) -> None:
    """A lesson runs as __main__ (a Pool pickles what it defines by name); a process that goes on after it (a
    test's, whose fork server later started children from the lesson's file as their main) gets its own back."""
    import sys

    before = sys.modules["__main__"]
    lesson, done = run(tmp_path, "# %%\nimport sys\nprint(sys.modules['__main__'].__file__)\n")
    assert [b.text for out in code_outputs(lesson, done) for b in out] == [str(lesson.path.resolve())]
    assert sys.modules["__main__"] is before
