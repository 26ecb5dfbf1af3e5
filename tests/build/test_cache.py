"""The content-hash cache: hits, misses, what invalidates it, corruption, and a no-op that imports nothing heavy."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from livedeck.build import cache
from livedeck.read.lesson import read_lesson
from support.builds import ROOT, build_here, outputs_shown, write_lesson

LESSON = """
# %% [markdown]
# # Cached
# ## A slide
# Some prose.

# %%
import matplotlib.pyplot as plt
import random
print("ran", random.random())
plt.plot([1, 2, 3])
"""


def write_two_lessons(folder: Path) -> None:
    write_lesson(folder / "slides", "01_cached.py", LESSON)
    write_lesson(folder / "slides", "02_other.py", LESSON.replace("# # Cached", "# # Other").replace("[1, 2, 3]", "[4, 5]"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Two lessons and a copy of the templates, never built."""
    write_two_lessons(tmp_path)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project after its first build (both lessons ran), made once for the tests that start there."""
    folder = tmp_path_factory.mktemp("built")
    write_two_lessons(folder)
    assert build(folder) == {"cached": "ran", "other": "ran"}
    return folder


@pytest.fixture
def built(first_build: Path, tmp_path: Path) -> Path:
    """A copy of the built project, its cache included, for one test to change: moved, its decks are
    re-rendered from the cached results (their paths changed), and then up to date."""
    shutil.copytree(first_build, tmp_path, dirs_exist_ok=True, symlinks=True)
    assert build(tmp_path) == {"cached": "re-rendered", "other": "re-rendered"}
    return tmp_path


def states(result) -> dict[str, str]:
    found = {}
    for line in result.stdout.splitlines():
        if line.startswith("✓ "):
            name, state = line[2:].split(": ", 1)
            found[name] = state.split(" ")[0]
    return found


def build(project: Path, *args: str):
    result = build_here("-f", "html", "-f", "pptx", *args, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return states(result)


def test_second_build_does_nothing_and_edits_rebuild_only_what_changed(project: Path) -> None:
    assert build(project) == {"cached": "ran", "other": "ran"}
    html = (project / "dist" / "cached.html").read_bytes()
    assert build(project) == {"cached": "up", "other": "up"}  # "up to date"
    # prose only: re-rendered from cached results, not run again
    lesson = project / "slides" / "01_cached.py"
    lesson.write_text(lesson.read_text().replace("Some prose.", "Other prose."))
    assert build(project) == {"cached": "re-rendered", "other": "up"}
    assert b"Other prose." in (project / "dist" / "cached.html").read_bytes()
    # code: runs again
    lesson.write_text(lesson.read_text().replace("[1, 2, 3]", "[3, 2, 1]"))
    assert build(project) == {"cached": "ran", "other": "up"}
    assert (project / "dist" / "cached.html").read_bytes() != html


def test_template_change_re_renders_without_running(project: Path) -> None:
    assert build(project, "--templates", "templates") == {"cached": "ran", "other": "ran"}
    css = project / "templates" / "reveal" / "livedeck.css"
    css.write_text(css.read_text() + "\n/* a lecturer's tweak */\n")
    assert build(project, "--templates", "templates") == {"cached": "re-rendered", "other": "re-rendered"}
    assert b"a lecturer's tweak" in (project / "dist" / "assets" / "livedeck.css").read_bytes()


def test_force_runs_everything(built: Path) -> None:
    assert build(built, "--force") == {"cached": "ran", "other": "ran"}


def test_deleted_output_is_rebuilt(built: Path) -> None:
    (built / "dist" / "cached.pptx").unlink()
    assert build(built) == {"cached": "re-rendered", "other": "up"}
    assert (built / "dist" / "cached.pptx").exists()


def test_corrupt_or_half_written_entries_just_run_again(built: Path) -> None:
    entries = list((built / ".livedeck-cache" / "executed").iterdir())
    assert len(entries) == 2
    # one entry corrupt (a figure's bytes changed), one half-written (no manifest)
    figure = next((entries[0] / "files").glob("*.png"))
    figure.write_bytes(figure.read_bytes()[:-10])
    (entries[1] / "manifest.json").unlink()
    for record in (built / ".livedeck-cache" / "built").iterdir():
        record.unlink()  # forget the last build, so the executed entries are consulted
    assert build(built) == {"cached": "ran", "other": "ran"}


def test_failed_runs_are_never_cached(built: Path) -> None:
    write_lesson(built / "slides", "03_bad.py", "# %% [markdown]\n# # Bad\n\n# %%\n1 / 0\n")
    result = build_here("-f", "html", cwd=built)
    assert result.returncode == 1
    assert len(list((built / ".livedeck-cache" / "executed").iterdir())) == 2


def test_no_op_build_imports_neither_torch_nor_matplotlib(built: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), "-f", "html", "-f", "pptx"],
                            cwd=built, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "2 up to date" in result.stdout
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert not {m for m in imported if m.split(".")[0] in ("torch", "matplotlib", "jupytext", "pptx")}


def key_of(path: Path, **changes) -> str:
    inputs = cache.KeyInputs(style=changes.get("style"), helpers=changes.get("helpers", ()), allow_errors=False)
    return cache.execution_key(read_lesson(path), inputs)


def test_execution_key_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_lesson(tmp_path, "01_k.py", LESSON)
    base = key_of(path)
    assert key_of(path) == base
    # prose does not count; code and cell options do
    path.write_text(LESSON.replace("Some prose.", "Changed prose."))
    assert key_of(path) == base
    path.write_text(LESSON.replace("[1, 2, 3]", "[1, 2]"))
    assert key_of(path) != base
    path.write_text(LESSON.replace("# %%\nimport", "# %%\n#| fig-cap: x\nimport"))
    assert key_of(path) != base
    path.write_text(LESSON)
    # the figure style, helper modules, livedeck, torch and matplotlib versions count
    style = tmp_path / "figure.mplstyle"
    style.write_text("lines.linewidth: 3\n")
    assert key_of(path, style=style) != base
    helper = tmp_path / "_helpers.py"
    helper.write_text("X = 1\n")
    assert key_of(path, helpers=(helper,)) != base
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert key_of(path) != base
    monkeypatch.undo()
    monkeypatch.setattr(cache, "library_versions", lambda: b"torch==0.0;matplotlib==0.0")
    assert key_of(path) != base


def test_a_markdown_cell_added_keeps_every_output_beside_its_code(tmp_path: Path) -> None:
    """Prose edits keep the cached results, even one that adds or splits markdown cells: each output
    stays with the code that printed it (and two lessons with the same code share nothing else)."""
    lesson = ("# %% [markdown]\n# # Outputs\n# ## First\n\n# %%\nprint('one')\n\n"
              "# %% [markdown]\n# ## Second\n\n# %%\nprint('two')\n")
    write_lesson(tmp_path / "slides", "01_outputs.py", lesson)
    assert build_here("-f", "html", cwd=tmp_path).returncode == 0
    edited = lesson.replace("# ## First\n", "# ## First\n# Prose.\n\n# %% [markdown]\n# ## Inserted\n# More prose.\n")
    write_lesson(tmp_path / "slides", "01_outputs.py", edited)
    write_lesson(tmp_path / "slides", "02_twin.py", "# %% [markdown]\n# # Twin\n# ## Only prose\n# Text.\n"
                 "\n# %% [markdown]\n# ## More\n# Text.\n")
    result = build_here("-f", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert states(result)["outputs"].startswith("re-rendered")  # not run again
    page = (tmp_path / "dist" / "outputs.html").read_text()
    slides = page.split("<section")[1:]
    titled = {re.search(r'<h2[^>]*><span>(.*?)</span>', s).group(1): outputs_shown(s) for s in slides[1:]}
    assert titled == {"First": [], "Inserted": [("stdout", "one")], "Second": [("stdout", "two")]}, titled
    twin = (tmp_path / "dist" / "twin.html").read_text()
    assert "Only prose" in twin and ">More<" in twin  # a lesson of prose alone: every slide of its own
