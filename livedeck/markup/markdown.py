"""The one Markdown dialect of a lesson, parsed the same way wherever it is read.

CommonMark with GitHub's tables and strikethrough, raw HTML (read as its safe subset, livedeck.markup.safe_html:
never passed on), `$…$` and `$$…$$` math, and `\\(…\\)` and `\\[…\\]` as Jupyter's MathJax reads them,
amsmath environments written bare
(`\\begin{align}…\\end{align}`, as Jupyter shows them: display math), and Quarto's `::: notes`,
`::: incremental` and `::: {.callout-note}` (tip, warning, caution, important) divs. Slide
structure, the HTML writer and the PowerPoint writer all parse with `parser()`, so a text means
the same in every format.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Optional

from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath.index import make_block_func, make_inline_func, rules

CALLOUTS = ("note", "tip", "warning", "caution", "important")
DIVS = ("notes", "incremental") + tuple(f"callout-{kind}" for kind in CALLOUTS)  # Quarto divs that mean something


def _is_div(name: str):
    """Quarto's div syntax: `::: notes` and `::: {.notes}` alike (a callout may carry attributes:
    `::: {.callout-tip title="Try it"}`)."""
    return lambda params, *args: params.strip() in (name, f"{{.{name}}}") or \
        params.strip().startswith(f"{{.{name} ")


def _jupyter_brackets(md: MarkdownIt) -> None:
    """`\\(…\\)` and `\\[…\\]`, read by texmath's rules into the tokens dollarmath makes of `$…$` and
    `$$…$$` (dollarmath, used after, renders them all). A block keeps its source lines, as every block
    of the lesson does: texmath's own block rule leaves them out."""
    md.inline.ruler.before("escape", "math_inline_brackets", make_inline_func(rules["brackets"]["inline"][0]))
    block = make_block_func(next(rule for rule in rules["brackets"]["block"] if rule["name"] == "math_block"))

    def block_with_lines(state, start: int, end: int, silent: bool) -> bool:
        found = block(state, start, end, silent)
        if found and not silent:
            state.tokens[-1].map = [start, state.line]
        return found

    md.block.ruler.before("fence", "math_block_brackets", block_with_lines)


@lru_cache(maxsize=4)
def parser(math: Optional[Callable[[str, dict], str]] = None) -> MarkdownIt:
    """The lesson dialect's parser; `math` renders formulas when the parser renders HTML."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(_jupyter_brackets)
    md.use(dollarmath_plugin, double_inline=True, **({"renderer": math} if math else {}))
    md.use(amsmath_plugin, **({"renderer": lambda content: math(content, {"display_mode": True})} if math else {}))
    for name in DIVS:
        md.use(container_plugin, name, validate=_is_div(name))
    return md
