"""Regenerate templates/pptx/livedeck.pptx, the default PowerPoint theme, from python-pptx's own.

Run `python templates/pptx/make_theme.py` after changing it; the .pptx is checked in so
a build needs no generation step. It widens python-pptx's 4:3 default to 16:9, keeps
its layout names (livedeck uses "Title Slide" and "Title Only"), and sets the title
style from templates/theme.toml in common fonts.
"""
from __future__ import annotations

import sys
from pathlib import Path

from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from livedeck.theme import load_theme  # noqa: E402

WIDE = Emu(12192000)  # 13.333 in: 16:9 at PowerPoint's 7.5 in height


def _widen(shapes, factor: float) -> None:
    for shape in shapes:
        if shape._element.spPr.xfrm is None:
            continue  # inherits its position from the master, which is widened too
        shape.left, shape.width = int(shape.left * factor), int(shape.width * factor)


def _title_style(master, theme) -> None:
    style = master.element.find(qn("p:txStyles")).find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    style.set("algn", "l")
    run = style.find(qn("a:defRPr"))
    run.set("sz", str(int(Pt(36).pt * 100)))
    run.set("b", "1")
    for child in list(run):
        if child.tag in (qn("a:solidFill"), qn("a:latin")):
            run.remove(child)
    fill = run.makeelement(qn("a:solidFill"), {})
    fill.append(fill.makeelement(qn("a:srgbClr"), {"val": theme.heading_color}))
    run.insert(0, fill)
    run.append(run.makeelement(qn("a:latin"), {"typeface": theme.pptx_text_font}))


def main() -> None:
    theme = load_theme()
    prs = Presentation()
    factor = WIDE / prs.slide_width
    prs.slide_width = WIDE
    master = prs.slide_master
    _widen(master.placeholders, factor)
    for layout in prs.slide_layouts:
        _widen(layout.placeholders, factor)
    title_only = prs.slide_layouts.get_by_name("Title Only")
    title = title_only.placeholders[0]
    # Content slides keep more room for the body: the title 0.25 in from the top, 1 in tall.
    title.left, title.width = master.placeholders[0].left, master.placeholders[0].width
    title.top, title.height = Emu(228600), Emu(914400)
    _title_style(master, theme)
    prs.core_properties.title = "livedeck theme"
    prs.save(HERE / "livedeck.pptx")


if __name__ == "__main__":
    main()
