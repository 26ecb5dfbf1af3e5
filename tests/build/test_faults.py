"""Faulty lessons and bad input, each against the real CLI in a subprocess (interrupted builds:
test_interrupts.py).

A lecturer edits minutes before class: every mistake must give a clear message and
leave the last good deck untouched.
"""
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation

from support.builds import build_here, outputs_shown, run_build, write_lesson

GOOD = "# %% [markdown]\n# # Good\n# ## A slide\n\n# %%\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nprint('fine')\n"


def lesson(body: str, title: str = "Faulty") -> str:
    return (f"# %% [markdown]\n# # {title}\n# ## The slide\n\n"
            f"# %%\nimport matplotlib.pyplot as plt\nplt.plot([3, 1])\nx = 1\n\n# %%\n{body}\n")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for sub in ("dist", "figures")
            for p in sorted((folder / sub).rglob("*")) if p.is_file()}


# Each fault breaks one lesson of a course that built; one build of the broken course shows them all
# (each lesson fails alone), so each test reads its own lesson's part of that one build.
BREAKS = {
    "raises": "values = [1, 2]\nprint(values[5])",
    "syntax": "open('ran', 'w').close()\n\n# %%\nif x = 2:\n    pass",  # the lesson runs in slides/
    "hangs": "import time\nwhile True:\n    time.sleep(0.01)",
    "exits": "import os\nos._exit(3)",
    "segfaults": "import ctypes\nctypes.string_at(0)",
    "killed": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
}


@pytest.fixture(scope="module")
def built_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good lesson and a lesson for each fault, all built (decks, figures and cache)."""
    folder = tmp_path_factory.mktemp("built")
    write_lesson(folder / "slides", "01_good.py", GOOD)
    write_lesson(folder / "slides", "02_faulty.py", lesson("y = x + 1\nprint(y)"))
    for number, name in enumerate(BREAKS, start=3):
        write_lesson(folder / "slides", f"{number:02d}_{name}.py", lesson("y = x + 1\nprint(y)", name.title()))
    result = run_build(cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def course(built_course: Path, tmp_path: Path) -> Path:
    """The built course: a copy for each test to break."""
    shutil.copytree(built_course, tmp_path, dirs_exist_ok=True)
    return tmp_path


@dataclass
class Broken:
    """The course with every fault of BREAKS in its lesson, built once (`--timeout 3`)."""
    folder: Path
    result: subprocess.CompletedProcess
    before: dict[str, dict[str, bytes]]  # each broken lesson's outputs before the build
    seconds: float

    def kept(self, name: str) -> None:
        after = {k: v for k, v in snapshot(self.folder).items() if f"/{name}" in k}
        assert after == self.before[name], f"the failing lesson {name}'s previous outputs changed"


@pytest.fixture(scope="module")
def broken(built_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Broken:
    folder = tmp_path_factory.mktemp("broken")
    shutil.copytree(built_course, folder, dirs_exist_ok=True)
    before = {}
    for path in sorted((folder / "slides").glob("0*_*.py"))[2:]:  # 03_raises.py …
        name = path.stem.split("_", 1)[1]
        before[name] = {k: v for k, v in snapshot(folder).items() if f"/{name}" in k}
        assert f"figures/{name}/fig-01.png" in before[name] and f"dist/{name}.pptx" in before[name]
        path.write_text(lesson(BREAKS[name], name.title()))
    before["faulty"] = {k: v for k, v in snapshot(folder).items() if "/faulty" in k}
    (folder / "slides" / "02_faulty.py").write_text(formula_lesson("Faulty", "\\sqrt[ \\$x^{\\$"))
    write_lesson(folder / "slides", "10_deep.py", formula_lesson("Deep", DEEP))
    write_lesson(folder / "slides", "11_long.py", formula_lesson("Long", LONG))
    (folder / "slides" / "01_good.py").write_text(GOOD.replace("fine", "still fine"))
    started = time.monotonic()
    result = run_build("--timeout", "3", cwd=folder)
    return Broken(folder, result, before, time.monotonic() - started)


def test_the_broken_course_fails_and_builds_the_rest(broken: Broken) -> None:
    assert broken.result.returncode == 1
    assert "still fine" in (broken.folder / "dist" / "good.html").read_text()  # the good lesson built
    assert broken.seconds < 60  # the hanging cell was stopped
    assert "9 failed" in broken.result.stdout + broken.result.stderr
    assert "Traceback" not in broken.result.stderr


def test_a_cell_raises(broken: Broken) -> None:
    stderr = broken.result.stderr
    assert "slides/03_raises.py:12: IndexError: list index out of range" in stderr
    assert "in the cell at line 11: values = [1, 2]" in stderr
    assert "livedeck" not in stderr.split("IndexError")[1].split("✗")[0]  # traceback trimmed to lesson code
    broken.kept("raises")


def test_a_syntax_error_stops_the_lesson_before_anything_runs(broken: Broken) -> None:
    assert "slides/04_syntax.py:14: syntax error" in broken.result.stderr
    assert not (broken.folder / "slides" / "ran").exists()
    broken.kept("syntax")


def test_a_hanging_cell_is_stopped_and_named(broken: Broken) -> None:
    assert "slides/05_hangs.py:11: TimeoutError: the cell ran longer than 3 s" in broken.result.stderr
    assert "in the cell at line 11: import time" in broken.result.stderr
    broken.kept("hangs")


@pytest.mark.parametrize("name, expected", [
    ("exits", "it exited with status 3 before finishing"),
    ("segfaults", "killed by SIGSEGV"),
    ("killed", "killed by SIGKILL (out of memory?)"),
])
def test_a_lesson_that_crashes_its_interpreter(broken: Broken, name: str, expected: str) -> None:
    number = list(BREAKS).index(name) + 3
    assert f"slides/{number:02d}_{name}.py: the lesson crashed its interpreter: {expected}" in broken.result.stderr
    broken.kept(name)


def break_lesson(course: Path, body: str) -> dict[str, bytes]:
    """Replace the faulty lesson's second cell; return the outputs as they were before."""
    before = {k: v for k, v in snapshot(course).items() if "faulty" in k}
    assert "figures/faulty/fig-01.png" in before and "dist/faulty.pptx" in before
    (course / "slides" / "02_faulty.py").write_text(lesson(body))
    return before


def assert_kept(course: Path, before: dict[str, bytes]) -> None:
    after = {k: v for k, v in snapshot(course).items() if "faulty" in k}
    assert after == before, "the failing lesson's previous outputs changed"


@pytest.fixture(scope="module")
def shown(built_course: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """`--allow-errors` on a course whose lessons raise, or hold formulas that cannot be typeset: one build."""
    folder = tmp_path_factory.mktemp("shown")
    shutil.copytree(built_course, folder, dirs_exist_ok=True)
    (folder / "slides" / "03_raises.py").write_text(lesson("raise ValueError('shown on the slide')", "Raises"))
    (folder / "slides" / "02_faulty.py").write_text(
        formula_lesson("Faulty", "\\sqrt[ x").replace("Some text.", "Inline $\\frac{a}{$ here."))
    return folder, build_here("--allow-errors", cwd=folder)


def test_allow_errors_shows_the_error_on_its_slide(shown) -> None:
    folder, result = shown
    assert result.returncode == 1
    page = (folder / "dist" / "raises.html").read_text()
    assert any(kind == "error" and "ValueError: shown on the slide" in text for kind, text in outputs_shown(page))
    texts = [sh.text_frame.text for s in Presentation(str(folder / "dist" / "raises.pptx")).slides
             for sh in s.shapes if sh.has_text_frame]
    assert any("ValueError: shown on the slide" in t for t in texts)


def test_huge_output_is_cut_on_the_slide_and_kept_in_full(tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_huge.py", lesson(
        "for i in range(100_000):\n    print('line', i)\n\n# %% [markdown]\n# ## Many figures\n\n"
        "# %%\nimport matplotlib.pyplot as plt\nfor k in range(16):\n    plt.figure()\n    plt.plot([0, k])"))
    result = build_here(cwd=tmp_path)
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
    one_line_error(run_build("--lesson", "nope", cwd=course), "unknown lesson 'nope'; lessons are: good, faulty, raises")
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
    result = build_here(cwd=tmp_path)
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


def test_a_formula_no_slide_can_show_is_that_lessons_error(broken: Broken) -> None:
    """Malformed, 200 levels deep, 7,000 characters long: each its lesson's error, at its file and line;
    the other lessons build, the failing lesson's previous deck stays, nothing crashes."""
    stderr = broken.result.stderr
    [long_line] = [line for line in stderr.splitlines() if "slides/11_long.py:6:" in line]
    assert len(long_line) < 200 and long_line.endswith("…")  # a 7,000-character formula is quoted in short
    assert "slides/02_faulty.py:6: a formula cannot be typeset: \\sqrt[ \\$x^{\\$\n" \
           "  Could not find closing ']' for argument to \\sqrt" in stderr
    assert "slides/10_deep.py:6: a formula cannot be typeset: \\sqrt{\\sqrt{" in stderr
    assert "slides/11_long.py:6: a formula cannot be typeset: x_{0}^{2} + x_{1}^{2}" in stderr
    assert stderr.count("more than a slide shows legibly") == 2
    broken.kept("faulty")
    folder = broken.folder
    assert not (folder / "dist" / "deep.html").exists() and not (folder / "dist" / "long.pptx").exists()


def test_a_damaged_formula_in_the_cache_is_typeset_again(tmp_path: Path) -> None:
    lesson = formula_lesson("Formula", "\\frac{\\partial y}{\\partial x} = 2x")
    write_lesson(tmp_path / "slides", "01_formula.py", lesson)
    assert build_here(cwd=tmp_path).returncode == 0
    cached = list((tmp_path / ".livedeck-cache" / "math").glob("*.json"))
    assert cached
    for entry in cached:
        entry.write_bytes(entry.read_bytes()[:100])  # cut short, as by a full disk or a killed build
    write_lesson(tmp_path / "slides", "01_formula.py", lesson.replace("Some text.", "Other text."))
    result = build_here(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "partial differential y" in (tmp_path / "dist" / "formula.html").read_text()  # typeset again, in words
    assert all(len(entry.read_bytes()) > 100 for entry in cached)  # and cached whole again


def test_allow_errors_shows_a_bad_formula_in_red_on_its_slide(shown) -> None:
    course, result = shown
    assert result.returncode == 1 and "faulty" in result.stderr and "showing errors" in result.stderr, result.stderr
    page = (course / "dist" / "faulty.html").read_text()
    errors = [text for kind, text in outputs_shown(page) if kind == "error"]
    assert any("$$\\sqrt[ x$$" in t and "Could not find closing ']'" in t for t in errors), errors
    assert any("$\\frac{a}{$" in t and "Missing close brace" in t for t in errors), errors
    assert "<code>$\\frac{a}{$</code>" in page  # the sentence keeps the formula, as its source
    texts = [sh.text_frame.text for s in Presentation(str(course / "dist" / "faulty.pptx")).slides
             for sh in s.shapes if sh.has_text_frame]
    assert any("Could not find closing ']'" in t for t in texts) and any("Missing close brace" in t for t in texts)
