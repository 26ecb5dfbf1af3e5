"""reStructuredText in a lesson's markdown cells, as jupytext leaves a sphinx-gallery script's text
(`~~~~` under a section title, `.. note::`, `:math:`, `` `NumPy <https://numpy.org>`_ ``), made
markdown by pandoc (pypandoc-binary ships it): read as markdown, a `~~~` underline would open a code
block that swallows the rest of the cell. Only cells that show reST's own syntax are converted, all
of a lesson's at once, so that section levels follow the order reST gives them across cells.
"""
from __future__ import annotations

import re

# Syntax markdown has no use for: a title underlined with ~ ^ " ' * + (= and - are markdown's too),
# a directive or target (`.. note::`, `.. _label:`), a role (:math:`x`), a link `text <url>`_
UNDERLINE = re.compile(r"^(?P<text>[^\s].*)\n(?P<line>([~^\"'*+])\3{2,})[ \t]*$", re.MULTILINE)
REST = re.compile(r"^\.\. (?:[\w:-]+::|_[^:]+:|\|)|(?<![`\w]):[\w:]+:`[^`]+`|`[^`<]+ <[^`>]+>`__?", re.MULTILINE)
CELL_BREAK = "LIVEDECK-CELL-BREAK-7f3a"  # a paragraph of its own between the cells pandoc converts
# A markdown heading in a cell that is otherwise reST (`## Graphs` above a `.. figure::`): reST reads
# `##` as text, so each stands through pandoc as a paragraph of this marker and its level
ATX_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
HEADING_MARK = re.compile(r"^LIVEDECK-HEADING-([1-6])-7f3a (.*)$", re.MULTILINE)


# A markdown code fence: it follows a blank line, where a reST underline follows its title's line
FENCE = re.compile(r"(?:\A|\n\n)(`{3,}|~{3,})[^\n]*\n.*?\n\1[ \t]*(?=\n|\Z)", re.DOTALL)


LITERAL = re.compile(r"``.+?``", re.DOTALL)  # ``…``: code in both languages, whatever it quotes


def is_rest(text: str) -> bool:
    text = LITERAL.sub("", FENCE.sub("\n\n", text))
    return bool(REST.search(text) or UNDERLINE.search(text))


def _full_underlines(text: str) -> str:
    """Underlines as long as their titles: docutils takes a short one (with a warning), pandoc does not."""
    def extend(match: re.Match) -> str:
        title, line = match.group("text").rstrip(), match.group("line")
        return f"{match.group('text')}\n{line[0] * max(len(line), len(title))}"

    return UNDERLINE.sub(extend, text)


def rest_to_markdown(texts: list[str]) -> list[str]:
    """Each reST text as markdown (CommonMark with $…$ math; admonitions as GitHub's `> [!NOTE]`)."""
    def mark(match: re.Match) -> str:
        return f"\n\nLIVEDECK-HEADING-{len(match.group(1))}-7f3a {match.group(2)}\n\n"

    joined = f"\n\n{CELL_BREAK}\n\n".join(ATX_HEADING.sub(mark, _full_underlines(text)) for text in texts)
    try:
        import pypandoc

        converted = pypandoc.convert_text(joined, "commonmark_x-attributes+tex_math_dollars", format="rst",
                                          extra_args=["--wrap=none"])
    except (ImportError, OSError, RuntimeError):  # no pandoc to be had: the cells are read as written
        return texts
    converted = HEADING_MARK.sub(lambda m: f"{'#' * int(m.group(1))} {m.group(2)}", converted)
    parts = [part.strip("\n") for part in converted.split(CELL_BREAK)]
    return parts if len(parts) == len(texts) else texts  # a break pandoc moved: the cells stay as written
