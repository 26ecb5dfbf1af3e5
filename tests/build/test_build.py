"""End to end: the real CLI builds the real lessons; failures are reported and contained."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.builds import LESSONS, ROOT, build_here, run_build, write_lesson


def deck_json(course: Path, name: str) -> dict:
    return json.loads((course / "dist" / f"{name}.json").read_text())["deck"]


def test_every_lesson_becomes_a_deck_and_the_index_links_them(course: Path) -> None:
    index = (course / "dist" / "index.html").read_text()
    for name in LESSONS:
        assert (course / "dist" / f"{name}.html").stat().st_size > 10_000
        assert f'href="{name}.html"' in index
        deck = deck_json(course, name)
        assert 7 <= len(deck["slides"]) + 1 <= 13  # 6–12 content slides plus the title
        assert sum(bool(s["notes"]) for s in deck["slides"]) >= len(deck["slides"]) // 2  # notes on most slides
    assert (course / "dist" / "assets" / "reveal" / "reveal.js").exists()
    # The fonts the layout measures with, shipped so that every browser draws what was measured
    assert len(list((course / "dist" / "assets" / "fonts").glob("DejaVuSans*.ttf"))) == 8


def test_every_figure_is_saved_as_svg_and_png_and_a_table_as_nothing_but_itself(course: Path) -> None:
    for name in LESSONS:
        blocks = [b for s in deck_json(course, name)["slides"] for b in s["blocks"]]
        made = [b["name"] for b in blocks if b["type"] == "Figure"]
        assert made, f"{name} has no live figure"
        saved = sorted(p.name for p in (course / "figures" / name).iterdir())
        assert saved == sorted(f"{n}.{ext}" for n in made for ext in ("png", "svg"))  # no table's picture
    kinds = {b["type"] for n in LESSONS for s in deck_json(course, n)["slides"] for b in s["blocks"]}
    assert {"Figure", "Table", "Math", "Code", "Stream", "Value"} <= kinds


# Runs each file given as `python FILE` would (its folder first on sys.path, its own name __main__), each in a
# fork of one interpreter that imported torch and matplotlib once: four lessons pay those imports once.
AS_PLAIN_PYTHON = """
import os, runpy, sys, traceback
import matplotlib.pyplot, torch
for path in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        out = os.open(path + ".out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(out, 2)
        sys.argv, sys.path[0] = [path], os.path.dirname(os.path.abspath(path))
        try:
            runpy.run_path(path, run_name="__main__")
            status = 0
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        except BaseException:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    print(path, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"""


def test_lessons_run_as_plain_python(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "slides", tmp_path / "slides", ignore=shutil.ignore_patterns("__pycache__"))
    lessons = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "slides").glob("[0-9]*.py"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # livedeck as installed by `make`
    result = subprocess.run([sys.executable, "-c", AS_PLAIN_PYTHON, *lessons], cwd=tmp_path, capture_output=True,
                            text=True, env={**env, "MPLBACKEND": "agg"}, timeout=300)
    assert result.returncode == 0, result.stderr
    statuses = dict(line.rsplit(" ", 1) for line in result.stdout.splitlines())
    for lesson in lessons:
        printed = (tmp_path / f"{lesson}.out").read_text()
        assert statuses[lesson] == "0", printed
        if "tensor_table" in (tmp_path / lesson).read_text():
            assert "requires_grad" in printed  # tables print readably as text
    assert len(lessons) == len(LESSONS)


def test_a_new_lesson_file_is_a_new_lesson(tmp_path: Path) -> None:
    slides = tmp_path / "slides"
    shutil.copytree(ROOT / "slides", slides)
    write_lesson(slides, "05_chain_rule.py", """
        # %% [markdown]
        # # The Chain Rule
        # ## One slide
        # $$\\frac{dz}{dx} = \\frac{dz}{dy}\\frac{dy}{dx}$$

        # %%
        import torch
        x = torch.tensor(3.0, requires_grad=True)
        (torch.sin(x ** 2)).backward()
        x.grad
    """)
    result = build_here("--lesson", "chain_rule", "-f", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "chain_rule" in result.stdout
    page = (tmp_path / "dist" / "chain_rule.html").read_text()
    assert "The Chain Rule" in page and "tensor(" in page
    assert 'href="chain_rule.html"' in (tmp_path / "dist" / "index.html").read_text()


def test_a_failing_lesson_is_reported_and_the_others_still_build(tmp_path: Path) -> None:
    slides = tmp_path / "slides"
    write_lesson(slides, "01_good.py", "# %% [markdown]\n# # Good\n## S\n\n# %%\n1 + 1\n")
    write_lesson(slides, "02_bad.py", "# %% [markdown]\n# # Bad\n\n# %%\nx = 1\ny = x / 0\n")
    result = build_here("-f", "html", cwd=tmp_path)
    assert result.returncode == 1
    assert "slides/02_bad.py:6: ZeroDivisionError: division by zero" in result.stderr
    assert "in the cell at line 5: x = 1" in result.stderr
    assert "Traceback" not in result.stderr.split("ZeroDivisionError")[0]
    assert (tmp_path / "dist" / "good.html").exists() and not (tmp_path / "dist" / "bad.html").exists()


def test_the_course_page_marks_a_format_older_than_its_lesson(tmp_path: Path) -> None:
    """`--format html` after an edit leaves the PowerPoint deck as it was: the page says it is stale."""
    lesson = write_lesson(tmp_path / "slides", "01_one.py", "# %% [markdown]\n# # One\n# ## S\n\n# %%\nprint(1)\n")
    assert build_here("-f", "html", "-f", "pptx", cwd=tmp_path).returncode == 0
    stale = "older than the lesson"
    assert stale not in (tmp_path / "dist" / "index.html").read_text()
    earlier = time.time() - 60
    os.utime(tmp_path / "dist" / "one.pptx", (earlier, earlier))  # built a minute before the edit
    lesson.write_text(lesson.read_text().replace("print(1)", "print(2)"))
    assert build_here("-f", "html", cwd=tmp_path).returncode == 0
    page = (tmp_path / "dist" / "index.html").read_text()
    assert page.count(stale) == 1 and page.index('href="one.pptx"') < page.index(stale)
    assert build_here("-f", "pptx", cwd=tmp_path).returncode == 0
    assert stale not in (tmp_path / "dist" / "index.html").read_text()


@pytest.mark.parametrize("changed", ["course.toml", "theme.toml", "the template"])
def test_the_course_page_marks_a_format_older_than_the_course_theme_or_template(tmp_path: Path, changed: str) -> None:
    """Stale marks follow every input of a deck, not the lesson alone."""
    import shutil

    from livedeck.base.package_data import TEMPLATES

    write_lesson(tmp_path / "slides", "01_one.py", "# %% [markdown]\n# # One\n# ## S\n\n# %%\nprint(1)\n")
    (tmp_path / "course.toml").write_text('title = "DL"\n')
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    args = ("--templates", "templates", "--template", "templates/pptx/livedeck.pptx")
    assert build_here("-f", "html", "-f", "pptx", *args, cwd=tmp_path).returncode == 0
    assert "older than" not in (tmp_path / "dist" / "index.html").read_text()
    earlier = time.time() - 60
    os.utime(tmp_path / "dist" / "one.pptx", (earlier, earlier))  # built a minute before the edit
    edited = {"course.toml": tmp_path / "course.toml", "theme.toml": tmp_path / "templates" / "theme.toml",
              "the template": tmp_path / "templates" / "pptx" / "livedeck.pptx"}[changed]
    os.utime(edited)
    assert build_here("-f", "html", *args, cwd=tmp_path).returncode == 0
    page = (tmp_path / "dist" / "index.html").read_text()
    assert page.count(f"older than {changed}") == 1 and page.index('href="one.pptx"') < page.index("older than")


def test_unknown_lesson_lists_the_valid_ones() -> None:
    result = run_build("--lesson", "nope", "-f", "html")
    assert result.returncode == 2
    assert "unknown lesson 'nope'" in result.stderr and "derivatives, partials" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_template_is_a_one_line_error(tmp_path: Path) -> None:
    missing = run_build("--lesson", "partials", "-f", "pptx", "--template", str(tmp_path / "none.pptx"))
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "bad.pptx").write_text("not a zip")
    bad = run_build("--lesson", "partials", "-f", "pptx", "--template", str(tmp_path / "bad.pptx"))
    assert bad.returncode == 2 and "not a PowerPoint file" in bad.stderr and "Traceback" not in bad.stderr


def test_the_layout_runs_once_per_deck_and_the_model_keeps_everything(tmp_path: Path, monkeypatch) -> None:
    """One pass down the pipeline: the model records all a lesson printed; the layout stage, run once for
    every format that draws slides, cuts it to what slides show and hands back the rest as a side file."""
    import livedeck.layout as layout

    body = "# %% [markdown]\n# # Counted\n# ## Long output\n# {}\n\n# %%\nfor i in range(75):\n    print('line', i)\n"
    write_lesson(tmp_path / "slides", "01_counted.py", body.format("Before."))
    assert build_here("-f", "json", cwd=tmp_path).returncode == 0  # ran in a worker, and cached
    laid_out: list[str] = []
    real = layout.lay_out_deck
    monkeypatch.setattr(layout, "lay_out_deck", lambda deck, *args: laid_out.append(deck.name) or real(deck, *args))
    write_lesson(tmp_path / "slides", "01_counted.py", body.format("After."))  # prose: re-rendered here
    result = build_here("-f", "html", "-f", "pptx", "-f", "json", cwd=tmp_path)
    assert result.returncode == 0 and "re-rendered" in result.stdout, result.stdout + result.stderr
    assert laid_out == ["counted"]
    model = json.loads((tmp_path / "dist" / "counted.json").read_text())["deck"]
    [printed] = [b for s in model["slides"] for b in s["blocks"] if b["type"] == "Stream"]
    assert len(printed["text"].splitlines()) == 75 and not printed["full"]  # the model: all of it
    assert "15 more lines not shown" in (tmp_path / "dist" / "counted.html").read_text()  # the slides: 60
    assert (tmp_path / "figures" / "counted" / "output-01.txt").read_text().count("line") == 75


def test_the_theme_is_read_once_a_build(tmp_path: Path, monkeypatch) -> None:
    """Two lessons re-rendered in HTML and PowerPoint (in this process, where every read is seen), and the
    course page: theme.toml is read once, when the build starts, not by each lesson and format."""
    import livedeck.settings.options as options_module
    import livedeck.style.theme as theme_module

    for number, name in ((1, "one"), (2, "two")):
        write_lesson(tmp_path / "slides", f"0{number}_{name}.py", f"# %% [markdown]\n# # {name}\n# ## S\n# Text.\n\n"
                                                                  "# %%\nprint(1)\n")
    assert build_here("-f", "json", cwd=tmp_path).returncode == 0  # run, and cached
    reads: list[Path] = []
    real = theme_module.load_theme
    counted = lambda path=theme_module.TEMPLATES / "theme.toml": reads.append(path) or real(path)  # noqa: E731
    monkeypatch.setattr(theme_module, "load_theme", counted)
    monkeypatch.setattr(options_module, "load_theme", counted)
    result = build_here("-f", "html", "-f", "pptx", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.count("re-rendered from cached results") == 2, result.stdout
    assert len(reads) == 1


def test_a_python_without_livedecks_dependencies_says_so_in_one_line(tmp_path: Path) -> None:
    """The seed's `python build.py --format pptx`, run by a Python other than the one livedeck was installed into,
    ended in a 30-line traceback (`No module named 'jupytext'`) after --help had worked: now one line, before
    anything runs, naming that Python, what it lacks and the command to use; exit status 2."""
    # -S: the same interpreter without its site-packages (a system Python without livedeck's dependencies)
    result = subprocess.run([sys.executable, "-S", str(ROOT / "build.py"), "--format", "pptx"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"livedeck: error: {sys.executable} cannot build the course: it lacks click, ")
    assert ".venv/bin/livedeck" in line and "make deck" in line and not (tmp_path / "dist").exists()


def test_version_names_livedeck_and_what_draws_its_decks() -> None:
    from importlib.metadata import version

    said = run_build("--version").stdout.strip()
    assert said.startswith(f"livedeck {version('livedeck')} (torch {version('torch')}, matplotlib "
                           f"{version('matplotlib')}, python-pptx {version('python-pptx')}; Python ")
