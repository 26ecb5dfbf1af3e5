"""Checks run on a deck open in Chromium: what must never show as text, and axe-core's WCAG rules."""
from __future__ import annotations

import re

from support.builds import ROOT

# What a slide must never show as text (issue 14): markdown and HTML syntax, TeX, reST's directives,
# roles and `text <url>`_ links, and a heading's #s
MARKUP = re.compile(r"\|\s*:?-{3,}|!\[|</?div\b|</?script\b|</?center\b|<img\b|\*\*\S|\\(?:frac|begin|partial|sum)\b|\$"
                    r"|(?:^|\s)\.\. [\w:-]+::|:(?:ref|doc|math|func|class|meth):`|>`_|^#{1,6} ", re.MULTILINE)


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # from npm, run offline in the page


WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  // a background axe-core could not see is no pass: reported too (text of symbols only, such as a
  // table's "⋮" row, axe-core leaves undecided for a human to look at: screenshots did)
  const unseen = result.incomplete.filter(v => v.id === "color-contrast").map(v => ({...v, nodes: v.nodes.filter(
    n => n.any.some(a => /background color could not be determined/.test(a.message)))})).filter(v => v.nodes.length);
  return result.violations.concat(unseen).map(v => `${v.id} (${v.help}): ` +
                                              v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", "));
}"""


# The chalkboard's drawing layer: transparent and empty until the lecturer draws, but a canvas over the
# slide, through which axe-core cannot see the colours behind the text.
WITHOUT_DRAWING_LAYER = ".reveal .r-overlay { display: none !important; }"


def axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    style = page.add_style_tag(content=WITHOUT_DRAWING_LAYER)
    found = page.evaluate(AXE_RUN, WCAG_AA)
    style.evaluate("s => s.remove()")
    return found
