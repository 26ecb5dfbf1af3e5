"""Jupyter's magics and shell lines in a lesson: never a build failure.

Notebooks say `%matplotlib inline`, `!pip install torchvision`, `%time y = f(x)`; jupytext writes
them into a .py lesson as comments (`# %matplotlib inline`) and reads them back as magics. IPython's
own input transformer turns such a cell into Python calling `get_ipython()`; a build's
`get_ipython()` is `LessonShell`, which honours what is harmless (`%time`, `%timeit`, `%%writefile`,
`%env`, `%cd`), ignores what only configures a notebook (`%matplotlib`, `%config`, `%load_ext`),
and runs no shell command: the line stays on its slide as code, and the build prints a notice.
Plain Python cells never import IPython.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A line IPython would read as a magic, a shell command or help: `%x`, `!x`, `y = !x`, `y = %x`, `x?`
IPYTHON_LINE = re.compile(r"^\s*(?:[%!]|[\w.,\s]+=\s*[%!]|\S.*\?\s*$)", re.MULTILINE)
# Only configure the notebook's front end: nothing to do in a build
# The magics a build runs as Jupyter would (livedeck.run.shell.LessonShell has a method for each)
KNOWN = {"capture", "cd", "env", "pwd", "run", "time", "timeit", "writefile"}
IGNORED = {"matplotlib", "config", "load_ext", "reload_ext", "unload_ext", "autoreload", "aimport", "pylab",
           "precision", "who", "whos", "who_ls", "pinfo", "pinfo2", "psearch", "pdoc", "pdef", "psource",
           "xmode", "colors", "autosave", "notebook", "doctest_mode", "store", "reset", "page", "lsmagic",
           "magic", "quickref", "history", "tb", "debug", "pdb", "prun", "load"}
# Would run a program or install packages: never run by a build, said in a notice
SHELL = {"pip", "conda", "mamba", "micromamba", "uv", "sx", "system", "bash", "sh", "script", "perl", "ruby",
         "python", "python3", "pypy", "html", "javascript", "js", "svg", "latex", "markdown"}


@dataclass(frozen=True)
class Notice:
    """A line the build did not run, and why; `line` is in the lesson file."""
    line: int
    text: str


def needs_ipython(source: str) -> bool:
    """Whether a cell that is not Python may be IPython (magics, shell lines, `?` help)."""
    return bool(IPYTHON_LINE.search(source))


def to_python(source: str) -> str:
    """The cell as IPython itself would run it: magics and shell lines as `get_ipython()` calls, each
    on the line it came from (a cell magic makes the whole cell one call)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _magic(line: str) -> tuple[str, str, bool]:
    """`%%time` → ("time", "", True); `%pip install x` → ("pip", "install x", False)."""
    body = line.strip()
    cell = body.startswith("%%")
    name, _, rest = body.lstrip("%").partition(" ")
    return name, rest, cell


def is_setting(line: str) -> bool:
    """A line magic that only configures a notebook's front end (`%matplotlib inline`): nothing to run."""
    stripped = line.strip()
    return stripped.startswith("%") and not stripped.startswith("%%") and _magic(stripped)[0] in IGNORED


def notices(source: str, first_line: int) -> list[Notice]:
    """What the build will not run in a cell: shell lines, shell magics and magics it does not know."""
    found = []
    lines = source.splitlines()
    for offset, text in enumerate(lines):
        stripped = text.strip()
        shell = re.match(r"^(?:[\w.,\s]+=\s*)?!(.*)$", stripped)
        magic = re.match(r"^(?:[\w.,\s]+=\s*)?(%%?\w+.*)$", stripped)
        if shell:
            found.append(Notice(first_line + offset, f"shell command not run by the build: !{shell.group(1).strip()}"))
        elif magic:
            name, _, cell = _magic(magic.group(1))
            if name in SHELL:
                found.append(Notice(first_line + offset, f"{'%%' if cell else '%'}{name} not run by the build: "
                                                         f"{stripped}"))
            elif name not in IGNORED and name not in KNOWN:
                found.append(Notice(first_line + offset, f"magic %{name} is not one livedeck runs: skipped"))
            if cell:
                break  # the rest of the cell is the magic's, not lines of its own
    return found


