"""`get_ipython()` while a lesson runs in a build: the magics a build honours (`%time`, `%timeit`, `%%writefile`,
`%env`, `%cd`, `%run`), the front-end settings it ignores, and the shell commands it never runs (their
lines stay on the slide; livedeck.read.magics reads them and names them in the build's notices)."""
from __future__ import annotations

import os
import statistics
import sys
import time
import timeit
from pathlib import Path
from types import CodeType
from typing import Any, Optional


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


def _without_flags(line: str) -> str:
    """`-n 10 -r 3 f(x)` → `f(x)`: %timeit's options (its own choice of loops stands)."""
    words = line.split(" ")
    while words and words[0].startswith("-"):
        flag = words.pop(0)
        if flag in ("-n", "-r", "-p") and words:
            words.pop(0)
    return " ".join(words).strip()
