"""The one Markdown dialect of a lesson, parsed the same way wherever it is read.

CommonMark (raw HTML stays text), `$…$` and `$$…$$` math, amsmath environments written bare
(`\\begin{align}…\\end{align}`, as Jupyter shows them: display math), and Quarto's `::: notes` and
`::: incremental` divs. Slide structure, the HTML writer and the PowerPoint writer all parse
with `parser()`, so a text means the same in every format.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Optional

from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

DIVS = ("notes", "incremental")  # Quarto divs with a meaning of their own; others stay text


def _is_div(name: str):
    """Quarto's div syntax: `::: notes` and `::: {.notes}` alike."""
    return lambda params, *args: params.strip() in (name, f"{{.{name}}}")


@lru_cache(maxsize=4)
def parser(math: Optional[Callable[[str, dict], str]] = None) -> MarkdownIt:
    """The lesson dialect's parser; `math` renders formulas when the parser renders HTML."""
    md = MarkdownIt("commonmark", {"html": False}).use(dollarmath_plugin, double_inline=True,
                                                          **({"renderer": math} if math else {}))
    md.use(amsmath_plugin, **({"renderer": lambda content: math(content, {"display_mode": True})} if math else {}))
    for name in DIVS:
        md.use(container_plugin, name, validate=_is_div(name))
    return md
