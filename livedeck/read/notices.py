"""What a build tells the lecturer of a lesson's lines it did not run or show, each at its file and line:
shell commands and magics a build does not run (livedeck.read.magics), and raw HTML outside the safe
subset (livedeck.markup.safe_html). The lines stay on their slides as written; the build still succeeds."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # read_lesson gathers a lesson's notices as it reads it
    from livedeck.read.lesson import Cell


def lesson_notices(path: Path, cells: tuple[Cell, ...]) -> tuple[str, ...]:
    """Said once each, in the order of the lesson's lines."""
    from livedeck.markup.markdown import parser
    from livedeck.markup.pieces import images_in, is_badge
    from livedeck.markup.safe_html import problems
    from livedeck.read.magics import needs_ipython, notices

    found = []
    badges: list[int] = []  # the lines of status badges, said once for the lesson
    for cell in cells:
        if cell.kind == "code" and needs_ipython(cell.source) and not _is_python(cell.source):
            found += [f"{path}:{notice.line}: {notice.text}" for notice in notices(cell.source, cell.line)]
        if cell.kind != "markdown" or ("<" not in cell.source and "![" not in cell.source):
            continue
        for token in parser().parse(cell.source):  # once a cell, for its raw HTML and its pictures
            line = cell.line + (token.map[0] if token.map else 0)
            raw = [token] if token.type == "html_block" else [c for c in token.children or []
                                                              if c.type == "html_inline"]
            found += [f"{path}:{line}: {problem}" for part in raw for problem in problems(part.content)]
            if token.type == "inline":
                badges += [line for src, alt, link in images_in(token) if is_badge(src, alt, link)]
    if badges:
        found.insert(0, f"{path}:{badges[0]}: {len(badges)} status badge{'s' * (len(badges) > 1)} (Open In Colab and "
                        "the like) left out: they link elsewhere, and a deck presents offline")
    return tuple(dict.fromkeys(found))


def _is_python(source: str) -> bool:
    """Whether a cell runs as Python as it is (then it has no magics: the executor's rule too)."""
    import ast

    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True
