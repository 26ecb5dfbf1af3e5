"""Student notebooks: valid nbformat, the lesson's cells for students, outputs on request, and they run."""
from __future__ import annotations

import base64
import os
import shutil
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest

from support.builds import ROOT, build_here, run_build, write_lesson

LESSON = '''
    # %% [markdown]
    # # Tiny lesson
    # A subtitle
    #
    # ::: notes
    # Lecturer only: the title slide's notes.
    # :::

    # %%
    #| echo: false
    import matplotlib.pyplot as plt
    from livedeck import tensor_table
    import torch

    # %% [markdown]
    # ## Pauses and lists
    # First this.
    #
    # . . .
    #
    # ::: incremental
    # - one
    # - two
    # :::
    #
    # $$\\frac{dy}{dx} = 2x$$
    #
    # ::: notes
    # Say why the list is incremental.
    # :::

    # %%
    #| fragment: true
    x = torch.tensor(3.0, requires_grad=True)
    y = x ** 2
    y.backward()
    print("grad", x.grad)
    x.grad

    # %%
    #| student: false
    answer = "the lecturer's solution"

    # %%
    #| echo: false
    assert x.grad.item() == 6.0

    # %% [markdown]
    # ## A figure and a table

    # %%
    plt.plot([0, 1], [0, 1])
    tensor_table(x=x, y=y)
'''


def notebook_of(tmp_path: Path, *args: str) -> nbformat.NotebookNode:
    write_lesson(tmp_path / "slides", "01_tiny.py", LESSON)
    result = build_here("-f", "ipynb", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    path = tmp_path / "dist" / "tiny.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    return notebook


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lesson built once as a student notebook without outputs (the default)."""
    folder = tmp_path_factory.mktemp("plain")
    notebook_of(folder)
    return folder


def test_cells_for_students_without_outputs(plain: Path) -> None:
    notebook = nbformat.read(plain / "dist" / "tiny.ipynb", as_version=4)
    kinds = [cell.cell_type for cell in notebook.cells]
    # the title, what to install, the stand-ins for livedeck's helpers, then the lesson's cells
    assert kinds == ["markdown", "code", "code", "code", "markdown", "code", "code", "markdown", "code"]
    assert notebook.cells[1].source.endswith(f"\n# %pip install matplotlib=={version('matplotlib')} "
                                             f"torch=={version('torch').split('+')[0]}")
    assert "livedeck-standins" in notebook.cells[2].metadata["tags"]
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "# Tiny lesson" in text and "## Pauses and lists" in text and "- one\n- two" in text
    assert "$$\n\\frac{dy}{dx} = 2x\n$$" in text
    # What is only for presenting is gone: notes, pauses, fences, cell options, student: false cells.
    for gone in ("Lecturer only", "Say why", ". . .", ":::", "#|", "lecturer's solution"):
        assert gone not in text, gone
    hidden = [cell for cell in notebook.cells if cell.metadata.get("jupyter", {}).get("source_hidden")]
    assert [cell.source.splitlines()[0] for cell in hidden[1:]] == ["import matplotlib.pyplot as plt",
                                                                   "assert x.grad.item() == 6.0"]
    assert all("hide-input" in cell.metadata["tags"] for cell in hidden)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert notebook.metadata.kernelspec.name == "python3"


def test_with_outputs_has_what_each_cell_showed(tmp_path: Path) -> None:
    notebook = notebook_of(tmp_path, "--with-outputs")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"][2:]  # after what to install, the stand-ins
    grad = code[1].outputs
    assert grad[0].output_type == "stream" and grad[0].text == "grad tensor(6.)\n"
    assert grad[1].output_type == "execute_result" and grad[1].data["text/plain"] == "tensor(6.)"
    table, figure = code[3].outputs  # as Jupyter orders them: shown while running, then the figure
    png = base64.b64decode(figure.data["image/png"])
    assert png.startswith(b"\x89PNG") and png == (tmp_path / "figures" / "tiny" / "fig-01.png").read_bytes()
    # the figure's alt text where no picture is shown, and beside the picture
    assert figure.data["text/plain"].startswith("Line plot") and figure.metadata["image/png"]["alt"] == figure.data["text/plain"]
    assert '<table><thead><tr><th scope="col">' in table.data["text/html"] and "requires_grad" in table.data["text/plain"]
    assert [cell.execution_count for cell in code] == [1, 2, 3, 4]


def test_the_same_lesson_gives_the_same_notebook(plain: Path, tmp_path: Path) -> None:
    shutil.copytree(plain, tmp_path, dirs_exist_ok=True)
    first = (tmp_path / "dist" / "tiny.ipynb").read_bytes()
    # run again, in another folder and another process (other hash seeds than the first build's)
    assert run_build("-f", "ipynb", "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "dist" / "tiny.ipynb").read_bytes() == first


@pytest.fixture(scope="session")
def nbclient():
    try:
        import nbclient
    except ImportError:
        if os.environ.get("LIVEDECK_REQUIRE_NBCLIENT", "") not in ("", "0"):
            pytest.fail("nbclient is missing but LIVEDECK_REQUIRE_NBCLIENT is set")
        pytest.skip("nbclient is not installed")
    return nbclient


@pytest.fixture(scope="session")
def notebooks(course: Path) -> Path:
    return course / "dist"


@pytest.mark.parametrize("name, livedeck", [("derivatives", False), ("partials", False), ("custom_backward", False),
                                            ("is_leaf", False), ("is_leaf", True)])
def test_every_lesson_notebook_runs_top_to_bottom(notebooks: Path, nbclient, name: str, livedeck: bool,
                                                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every bundled lesson's student notebook runs to its end in a kernel that has torch and matplotlib but
    not livedeck (its `import livedeck` fails, as on a student's machine): the helpers' stand-ins print what
    the slides showed as tables and graphs. With livedeck, the helpers draw them, as on the slides."""
    # The kernel starts as in a student's Jupyter: not with the Agg backend other tests chose here.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    if not livedeck:
        shadow = tmp_path / "shadow" / "livedeck"
        shadow.mkdir(parents=True)
        (shadow / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'livedeck'\")\n")
        monkeypatch.setenv("PYTHONPATH", str(shadow.parent))
    notebook = nbformat.read(notebooks / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    # Its hidden asserts check the same values the slides show; any failure raises here.
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "slides")}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs)
    if livedeck:
        assert [o for o in outputs if "image/png" in o.get("data", {})]  # its autograd graph, drawn
        tables = [o for o in outputs if "<table>" in o.get("data", {}).get("text/html", "")]
        assert tables  # tensor_table shows a table in Jupyter, not printed text
    else:
        assert "leaf of shape" in printed and "Backward" in printed  # grad_graph's stand-in: the graph as text


def test_rich_outputs_are_saved_as_jupyter_saves_them(tmp_path: Path) -> None:
    """What a cell displayed through IPython (run/rich.py) is in the student notebook by its representation:
    a picture by its MIME type, markdown as text/markdown, a formula as text/latex, each with its text."""
    from livedeck.model import Image, Markdown, Math, Table
    from livedeck.read.lesson import read_lesson
    from livedeck.writers.notebook import write_notebook

    lesson = read_lesson(write_lesson(tmp_path, "01_rich.py", "# %%\nshow_things()\n"))
    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg"/>').decode()
    shown = (Image("data:image/png;base64,iVBORw0KGgo=", "an image, 1 × 1 px"),
             Image(f"data:image/svg+xml;base64,{svg}", "a vector picture"), Markdown("**bold**"), Math(r"\frac{a}{b}"))
    notebook = nbformat.reads(write_notebook(lesson, (shown,), {}).decode(), as_version=4)
    png, drawing, markdown, formula = notebook.cells[0].outputs
    assert png.data == {"image/png": "iVBORw0KGgo=", "text/plain": "an image, 1 × 1 px"}
    assert drawing.data["image/svg+xml"].startswith("<svg") and markdown.data["text/markdown"] == "**bold**"
    assert formula.data == {"text/latex": "$$\n\\frac{a}{b}\n$$", "text/plain": "\\frac{a}{b}"}
    # a displayed object keeps every text representation it offered, as Jupyter saves it
    frame = Table("table-01", ("", "a"), (("0", "1"),), bundle=(("text/plain", "   a\n0  1"), ("text/html", "<table/>")))
    [saved] = nbformat.reads(write_notebook(lesson, ((frame,),), {}).decode(), as_version=4).cells[0].outputs
    assert saved.data == {"text/plain": "   a\n0  1", "text/html": "<table/>"}


def test_a_displayed_object_is_one_output_with_every_representation(tmp_path: Path) -> None:
    """The full bundle, as Jupyter saves it: a PIL image keeps its PNG and its JPEG and its text; an HTML output
    the slides show as two blocks (its text and its table) is one output in the notebook."""
    from livedeck.read.lesson import read_lesson
    from livedeck.run.execute import execute
    from livedeck.writers.notebook import write_notebook

    lesson = read_lesson(write_lesson(tmp_path, "01_shown.py", "# %%\nfrom PIL import Image\nImage.new('RGB', (4, 2))\n\n"
                                      "# %%\nfrom IPython.display import HTML\n"
                                      "HTML('<p>Two parts</p><table><tr><th>a</th></tr><tr><td>1</td></tr></table>')\n"))
    done = execute(lesson)
    assert len(done.outputs[1]) == 2  # the slides show the HTML's text and its table
    notebook = nbformat.reads(write_notebook(lesson, done.outputs, done.files).decode(), as_version=4)
    [picture], [html] = (cell.outputs for cell in notebook.cells[1:])
    assert notebook.cells[0].source.endswith(f"# %pip install ipython=={version('ipython')} pillow=={version('pillow')}")
    assert {"image/png", "image/jpeg", "text/plain"} <= set(picture.data)
    assert html.data["text/html"].startswith("<p>Two parts</p>") and "text/plain" in html.data


STUDENT_LESSON = """# %% [markdown]
# # Helpers on a student's machine

# %%
import torch
from livedeck import grad_graph, table, tensor_table

# %%
x = torch.tensor(2.0, requires_grad=True)
y = x * x + 1
tensor_table(x=x, y=y)
table([[1, 2], [3, 4]], header=["a", "b"], caption="numbers")
grad_graph(y)
"""


def test_a_student_notebook_opens_with_what_to_install_and_the_helpers_stand_ins(tmp_path: Path) -> None:
    """All five built notebooks failed in a stock Jupyter: they import livedeck (this whole pinned project) for
    tensor_table, and nothing said what to install. The notebook opens with a `%pip install` line of what its
    cells import, at the versions it was built with, then one cell for livedeck's helpers (the runs above)."""
    from livedeck.read.lesson import read_lesson
    from livedeck.writers.notebook import write_notebook

    notebook = nbformat.reads(write_notebook(read_lesson(write_lesson(tmp_path, "01_helpers.py", STUDENT_LESSON)))
                              .decode(), as_version=4)
    assert notebook.cells[1].source.splitlines()[-1] == f"# %pip install torch=={version('torch').split('+')[0]}"
    # an import cell with a magic in it (as notebooks write `%matplotlib inline` among their imports) counts too
    magic = read_lesson(write_lesson(tmp_path, "02_magic.py", "# %%\nimport matplotlib.pyplot as plt\n"
                                                              "%matplotlib inline\nimport torch\n"))
    assert nbformat.reads(write_notebook(magic).decode(), as_version=4).cells[0].source.endswith(
        f"# %pip install matplotlib=={version('matplotlib')} torch=={version('torch').split('+')[0]}")
    assert "from livedeck import grad_graph, table, tensor_table" in notebook.cells[2].source
    assert not any("from livedeck" in cell.source for cell in notebook.cells[3:])
