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

import os
import re
import statistics
import sys
import time
import timeit
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any, Optional

# A line IPython would read as a magic, a shell command or help: `%x`, `!x`, `y = !x`, `y = %x`, `x?`
IPYTHON_LINE = re.compile(r"^\s*(?:[%!]|[\w.,\s]+=\s*[%!]|\S.*\?\s*$)", re.MULTILINE)
# Only configure the notebook's front end: nothing to do in a build
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


def _format_time(seconds: float) -> str:
    """Like IPython: 3 significant digits, in s, ms, µs or ns."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    raise AssertionError("unreachable")


class LessonShell:
    """What `get_ipython()` is while a lesson runs in a build (one per lesson run)."""

    def __init__(self, namespace: dict[str, Any], path: str):
        self.user_ns = namespace
        self.path = path
        self.line = 1  # the lesson line of the cell now running, for a cell magic's body

    def _run(self, code: str, first_line: int) -> Any:
        """Run a statement (or a cell's body) in the lesson's namespace; its last expression's value."""
        import ast

        tree = ast.parse(code, filename=self.path)
        ast.increment_lineno(tree, first_line - 1)
        last: Optional[CodeType] = None
        if tree.body and isinstance(tail := tree.body[-1], ast.Expr):
            tree.body.pop()
            last = compile(ast.Expression(tail.value), self.path, "eval")
        exec(compile(tree, self.path, "exec"), self.user_ns)
        return eval(last, self.user_ns) if last is not None else None

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> Any:
        handler = getattr(self, f"_line_{name}", None)
        if handler is not None:
            return handler(line)
        return None  # ignored, or said in a notice before the run

    def run_cell_magic(self, name: str, line: str, cell: str) -> Any:
        handler = getattr(self, f"_cell_{name}", None)
        if handler is not None:
            return handler(line, cell)
        return None

    def system(self, command: str) -> None:
        return None  # never run: the notice said so

    def getoutput(self, command: str, split: bool = True) -> list[str]:
        return []

    # harmless magics, honoured
    def _line_time(self, line: str) -> Any:
        start = time.perf_counter()
        value = self._run(line, self.line)
        print(f"Wall time: {_format_time(time.perf_counter() - start)}")
        return value

    def _cell_time(self, line: str, cell: str) -> Any:
        start = time.perf_counter()
        value = self._run(cell, self.line + 1)
        print(f"Wall time: {_format_time(time.perf_counter() - start)}")
        return value

    def _timeit(self, statement: str, setup: str = "pass") -> None:
        timer = timeit.Timer(statement, setup, globals=self.user_ns)
        loops, _ = timer.autorange()  # as many loops as take 0.2 s
        runs = [t / loops for t in timer.repeat(repeat=3, number=loops)]
        spread = statistics.stdev(runs)
        print(f"{_format_time(statistics.mean(runs))} ± {_format_time(spread)} per loop "
              f"(mean ± std. dev. of {len(runs)} runs, {loops:,} loop{'s' if loops != 1 else ''} each)")

    def _line_timeit(self, line: str) -> None:
        self._timeit(_without_flags(line))

    def _cell_timeit(self, line: str, cell: str) -> None:
        self._timeit(cell, _without_flags(line) or "pass")

    def _cell_capture(self, line: str, cell: str) -> None:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            self._run(cell, self.line + 1)

    def _cell_writefile(self, line: str, cell: str) -> None:
        words = line.split()
        append = "-a" in words or "--append" in words
        name = next(w for w in words if not w.startswith("-"))
        with open(os.path.expanduser(name), "a" if append else "w", encoding="utf-8") as file:
            file.write(cell)
        print(f"{'Appending to' if append else 'Writing'} {name}")

    def _line_env(self, line: str) -> Optional[str]:
        name, sep, value = line.replace("=", " ", 1).partition(" ")
        if sep:
            os.environ[name.strip()] = value.strip()
            return None
        return os.environ.get(name.strip())

    def _line_cd(self, line: str) -> None:
        os.chdir(os.path.expanduser(line.strip() or "~"))

    def _line_pwd(self, line: str) -> str:
        return os.getcwd()

    def _line_run(self, line: str) -> None:
        import runpy

        words = line.split()
        script = next(w for w in words if not w.startswith("-"))
        argv = sys.argv
        sys.argv = [script, *words[words.index(script) + 1:]]
        try:
            self.user_ns.update(runpy.run_path(str(Path(script)), run_name="__main__"))
        finally:
            sys.argv = argv


KNOWN = {name.split("_", 2)[2] for name in dir(LessonShell) if name.startswith(("_line_", "_cell_"))} | {"timeit"}


def _without_flags(line: str) -> str:
    """`-n 10 -r 3 f(x)` → `f(x)`: %timeit's options (its own choice of loops stands)."""
    words = line.split(" ")
    while words and words[0].startswith("-"):
        flag = words.pop(0)
        if flag in ("-n", "-r", "-p") and words:
            words.pop(0)
    return " ".join(words).strip()
