"""Faulty lessons and bad input, each against the real CLI in a subprocess (interrupted builds:
test_interrupts.py).

A lecturer edits minutes before class: every mistake must give a clear message and
leave the last good deck untouched.
"""
import os
import shutil
import time
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import outputs_shown, run_build, write_lesson

GOOD = "# %% [markdown]\n# # Good\n# ## A slide\n\n# %%\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nprint('fine')\n"


def lesson(body: str, title: str = "Faulty") -> str:
    return (f"# %% [markdown]\n# # {title}\n# ## The slide\n\n"
            f"# %%\nimport matplotlib.pyplot as plt\nplt.plot([3, 1])\nx = 1\n\n# %%\n{body}\n")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for sub in ("dist", "figures")
            for p in sorted((folder / sub).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("built")
    write_lesson(folder / "slides", "01_good.py", GOOD)
    write_lesson(folder / "slides", "02_faulty.py", lesson("y = x + 1\nprint(y)"))
    result = run_build(cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def course(built_course: Path, tmp_path: Path) -> Path:
    """A course of two lessons, both built (decks, figures and cache): a copy for each test to break."""
    shutil.copytree(built_course, tmp_path, dirs_exist_ok=True)
    return tmp_path


def break_lesson(course: Path, body: str) -> dict[str, bytes]:
    """Replace the faulty lesson's second cell; return the outputs as they were before."""
    before = {k: v for k, v in snapshot(course).items() if "faulty" in k}
    assert "figures/faulty/fig-01.png" in before and "dist/faulty.pptx" in before
    (course / "slides" / "02_faulty.py").write_text(lesson(body))
    return before


def assert_kept(course: Path, before: dict[str, bytes]) -> None:
    after = {k: v for k, v in snapshot(course).items() if "faulty" in k}
    assert after == before, "the failing lesson's previous outputs changed"


def test_a_cell_raises(course: Path) -> None:
    before = break_lesson(course, "values = [1, 2]\nprint(values[5])")
    (course / "slides" / "01_good.py").write_text(GOOD.replace("fine", "still fine"))
    result = run_build(cwd=course)
    assert result.returncode == 1
    assert "slides/02_faulty.py:12: IndexError: list index out of range" in result.stderr
    assert "in the cell at line 11: values = [1, 2]" in result.stderr
    assert "livedeck" not in result.stderr.split("IndexError")[1]  # traceback trimmed to lesson code
    assert "still fine" in (course / "dist" / "good.html").read_text()  # the other lesson built
    assert_kept(course, before)


def test_allow_errors_shows_the_error_on_its_slide(course: Path) -> None:
    break_lesson(course, "raise ValueError('shown on the slide')")
    result = run_build("--allow-errors", cwd=course)
    assert result.returncode == 1
    page = (course / "dist" / "faulty.html").read_text()
    assert any(kind == "error" and "ValueError: shown on the slide" in text for kind, text in outputs_shown(page))
    texts = [sh.text_frame.text for s in Presentation(str(course / "dist" / "faulty.pptx")).slides
             for sh in s.shapes if sh.has_text_frame]
    assert any("ValueError: shown on the slide" in t for t in texts)


def test_a_syntax_error_stops_the_lesson_before_anything_runs(course: Path) -> None:
    marker = course / "ran"
    before = break_lesson(course, f"open({str(marker)!r}, 'w').close()\n\n# %%\nif x = 2:\n    pass")
    result = run_build(cwd=course)
    assert result.returncode == 1
    assert "slides/02_faulty.py:14: syntax error" in result.stderr
    assert not marker.exists()
    assert_kept(course, before)


def test_a_hanging_cell_is_stopped_and_named(course: Path) -> None:
    before = break_lesson(course, "import time\nwhile True:\n    time.sleep(0.01)")
    started = time.monotonic()
    result = run_build("--timeout", "2", cwd=course)
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert "slides/02_faulty.py:11: TimeoutError: the cell ran longer than 2 s" in result.stderr
    assert "in the cell at line 11: import time" in result.stderr
    assert_kept(course, before)


@pytest.mark.parametrize("body, expected", [
    ("import os\nos._exit(3)", "it exited with status 3 before finishing"),
    ("import ctypes\nctypes.string_at(0)", "killed by SIGSEGV"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "killed by SIGKILL (out of memory?)"),
])
def test_a_lesson_that_crashes_its_interpreter(course: Path, body: str, expected: str) -> None:
    before = break_lesson(course, body)
    (course / "slides" / "01_good.py").write_text(GOOD.replace("fine", "built despite the crash"))
    result = run_build(cwd=course)
    assert result.returncode == 1
    assert f"slides/02_faulty.py: the lesson crashed its interpreter: {expected}" in result.stderr
    assert "built despite the crash" in (course / "dist" / "good.html").read_text()
    assert_kept(course, before)


def test_huge_output_is_cut_on_the_slide_and_kept_in_full(tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_huge.py", lesson(
        "for i in range(100_000):\n    print('line', i)\n\n# %% [markdown]\n# ## Many figures\n\n"
        "# %%\nimport matplotlib.pyplot as plt\nfor k in range(16):\n    plt.figure()\n    plt.plot([0, k])"))
    result = run_build(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "dist" / "huge.html").read_text()
    assert "99940 more lines not shown" in page and 'download="output-01.txt"' in page
    full = (tmp_path / "figures" / "huge" / "output-01.txt").read_text().splitlines()
    assert full[0] == "line 0" and full[99_999] == "line 99999"
    assert len(list((tmp_path / "figures" / "huge").glob("fig-*.png"))) == 1 + 16  # the first cell makes one
    prs = Presentation(str(tmp_path / "dist" / "huge.pptx"))
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) == 1 + 16
    assert max(sum(sh.shape_type == 13 for sh in s.shapes) for s in prs.slides) <= 2  # legible, never 16 thumbnails
    assert os.path.getsize(tmp_path / "dist" / "huge.html") < 30_000_000


def one_line_error(result, fragment: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_bad_command_line_input(course: Path) -> None:
    one_line_error(run_build("--format", "docx", cwd=course), "'docx' is not one of 'html', 'pptx', 'pdf', 'ipynb', 'json'")
    one_line_error(run_build("--lesson", "nope", cwd=course), "unknown lesson 'nope'; lessons are: good, faulty")
    (course / "a-file").write_text("")
    one_line_error(run_build("--out", "a-file/dist", cwd=course), "cannot write to a-file/dist/")
    one_line_error(run_build("--template", "missing.pptx", cwd=course), "--template missing.pptx: no such file")
    (course / "broken.pptx").write_text("not a presentation")
    one_line_error(run_build("--template", "broken.pptx", cwd=course), "not a PowerPoint file")
    one_line_error(run_build("--jobs", "0", cwd=course), "--jobs")


def test_a_malformed_cell_option(course: Path) -> None:
    before = break_lesson(course, "#| echo: maybe\ny = 2")
    result = run_build("--lesson", "faulty", cwd=course)
    one_line_error(result, "slides/02_faulty.py:11: cell option 'echo' must be true or false, not 'maybe'")
    assert_kept(course, before)


def test_untrusted_text_stays_text(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script> & \\\"quotes\\\""
    write_lesson(tmp_path / "slides", "01_evil.py", lesson(
        f"from livedeck import table\nprint(\"{evil}\")\ntable([[\"{evil}\", 1]], header=[\"<b>h</b>\", \"v\"])\n"
        f"\"{evil}\""))
    result = run_build(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "dist" / "evil.html").read_text()
    assert "<script>alert(1)</script>" not in page and "<b>h</b>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp;") >= 3  # printed, value and table cell
    texts = [sh.text_frame.text for s in Presentation(str(tmp_path / "dist" / "evil.pptx")).slides
             for sh in s.shapes if sh.has_text_frame]
    assert any('<script>alert(1)</script> & "quotes"' in t for t in texts)


def test_names_cannot_write_outside_the_output_folders(tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_escape.py", lesson("#| label: ../../escaped\nimport matplotlib.pyplot as plt\n"
                                                             "plt.plot([1])"))
    result = run_build(cwd=tmp_path)
    one_line_error(result, "cell option 'label' names files")
    assert not list(tmp_path.rglob("escaped*"))
    one_line_error(run_build("--lesson", "../escape", cwd=tmp_path), "unknown lesson '../escape'")


DEEP = "\\sqrt{" * 200 + "x" + "}" * 200
LONG = " + ".join(f"x_{{{i}}}^{{2}}" for i in range(600))  # about 7,000 characters


def formula_lesson(title: str, formula: str) -> str:
    return f"# %% [markdown]\n# # {title}\n# ## The slide\n# Some text.\n#\n# $${formula}$$\n"


def test_a_formula_no_slide_can_show_is_that_lessons_error(course: Path) -> None:
    """Malformed, 200 levels deep, 7,000 characters long: each its lesson's error, at its file and line;
    the other lessons build, the failing lesson's previous deck stays, nothing crashes."""
    before = {k: v for k, v in snapshot(course).items() if "faulty" in k}
    (course / "slides" / "02_faulty.py").write_text(formula_lesson("Faulty", "\\sqrt[ \\$x^{\\$"))
    write_lesson(course / "slides", "03_deep.py", formula_lesson("Deep", DEEP))
    write_lesson(course / "slides", "04_long.py", formula_lesson("Long", LONG))
    (course / "slides" / "01_good.py").write_text(GOOD.replace("fine", "still fine"))
    assert len(LONG) > 7000
    result = run_build(cwd=course)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "slides/02_faulty.py:6: a formula cannot be typeset: \\sqrt[ \\$x^{\\$\n" \
           "  Could not find closing ']' for argument to \\sqrt" in result.stderr
    assert "slides/03_deep.py:6: a formula cannot be typeset: \\sqrt{\\sqrt{" in result.stderr
    assert "slides/04_long.py:6: a formula cannot be typeset: x_{0}^{2} + x_{1}^{2}" in result.stderr
    assert result.stderr.count("more than a slide shows legibly") == 2
    assert "still fine" in (course / "dist" / "good.html").read_text()  # the other lesson built
    assert_kept(course, before)
    assert not (course / "dist" / "deep.html").exists() and not (course / "dist" / "long.pptx").exists()


def test_a_damaged_formula_in_the_cache_is_typeset_again(tmp_path: Path) -> None:
    lesson = formula_lesson("Formula", "\\frac{\\partial y}{\\partial x} = 2x")
    write_lesson(tmp_path / "slides", "01_formula.py", lesson)
    assert run_build(cwd=tmp_path).returncode == 0
    cached = list((tmp_path / ".livedeck-cache" / "math").glob("*.json"))
    assert cached
    for entry in cached:
        entry.write_bytes(entry.read_bytes()[:100])  # cut short, as by a full disk or a killed build
    write_lesson(tmp_path / "slides", "01_formula.py", lesson.replace("Some text.", "Other text."))
    result = run_build(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "partial differential y" in (tmp_path / "dist" / "formula.html").read_text()  # typeset again, in words
    assert all(len(entry.read_bytes()) > 100 for entry in cached)  # and cached whole again


def test_allow_errors_shows_a_bad_formula_in_red_on_its_slide(course: Path) -> None:
    (course / "slides" / "02_faulty.py").write_text(
        formula_lesson("Faulty", "\\sqrt[ x").replace("Some text.", "Inline $\\frac{a}{$ here."))
    result = run_build("--allow-errors", cwd=course)
    assert result.returncode == 1 and "faulty" in result.stderr and "showing errors" in result.stderr, result.stderr
    page = (course / "dist" / "faulty.html").read_text()
    errors = [text for kind, text in outputs_shown(page) if kind == "error"]
    assert any("$$\\sqrt[ x$$" in t and "Could not find closing ']'" in t for t in errors), errors
    assert any("$\\frac{a}{$" in t and "Missing close brace" in t for t in errors), errors
    assert "<code>$\\frac{a}{$</code>" in page  # the sentence keeps the formula, as its source
    texts = [sh.text_frame.text for s in Presentation(str(course / "dist" / "faulty.pptx")).slides
             for sh in s.shapes if sh.has_text_frame]
    assert any("Could not find closing ']'" in t for t in texts) and any("Missing close brace" in t for t in texts)
