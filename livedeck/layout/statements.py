"""Where a cell's code may be cut between slides: between statements, as a reader reads code.

A cut before a line has a depth: 0 between top-level statements, k between the statements of a body k
compound statements deep. A cut inside a statement, between a compound statement's header and its
first body statement, or between a comment line and the code it introduces, has none: the paginator
makes it only when one statement is longer than a slide, and the build names it. Cuts at a blank line
or before a comment (where the author paused) cost least, as TeX prefers some page breaks to others.
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import Optional

# A cell line that Python cannot parse but IPython runs (`%timeit …`, `!pip …`): a statement of its own
MAGIC = re.compile(r"^(\s*)[%!]")


@lru_cache(maxsize=512)
def cut_depths(source: str) -> dict[int, int]:
    """For each line (1-based) that a cut may come before, the cut's depth; a line not named is inside a
    statement. Code that does not parse (another language, a syntax error) may be cut before any line."""
    lines = source.split("\n")
    parsed = "\n".join(MAGIC.sub(r"\1pass #", line) for line in lines)
    try:
        body = ast.parse(parsed).body
    except (SyntaxError, ValueError):
        return {number: 0 for number in range(2, len(lines) + 1)}
    depths = {}
    for number in range(2, len(lines) + 1):
        depth = _depth(body, number, 0)
        # a comment goes with the code it introduces: no cut right after a comment line
        if depth is not None and not lines[number - 2].lstrip().startswith("#"):
            depths[number] = depth
    return depths


def _depth(body: list[ast.stmt], line: int, depth: int) -> Optional[int]:
    """The depth of a cut before `line` among the statements of `body`, `depth` deep (None: inside one)."""
    for statement in body:
        if _start(statement) < line <= (statement.end_lineno or statement.lineno):
            inner = next((b for b in _bodies(statement) if b and _start(b[0]) < line <= (b[-1].end_lineno or 0)),
                         None)
            return None if inner is None else _depth(inner, line, depth + 1)
    return depth


def _start(statement: ast.stmt) -> int:
    """A statement's first line: its first decorator's, for a decorated function or class."""
    decorators = getattr(statement, "decorator_list", [])
    return min([statement.lineno] + [d.lineno for d in decorators])


def _bodies(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists of a compound statement: its body, else-, finally- and handler bodies, cases."""
    bodies = [getattr(statement, name, []) for name in ("body", "orelse", "finalbody")]
    bodies += [handler.body for handler in getattr(statement, "handlers", [])]
    bodies += [case.body for case in getattr(statement, "cases", [])]
    return [b for b in bodies if isinstance(b, list) and b and isinstance(b[0], ast.stmt)]


def pause_before(lines: list[str], number: int) -> bool:
    """Whether the author paused before `number` (1-based): a blank line before it, or a comment line."""
    return (number >= 2 and not lines[number - 2].strip()) or lines[number - 1].lstrip().startswith("#")
