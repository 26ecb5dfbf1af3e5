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
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.text.text import Font
from pptx.util import Emu, Pt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from livedeck.style.theme import load_theme  # noqa: E402

WIDE = Emu(12192000)  # 13.333 in: 16:9 at PowerPoint's 7.5 in height


def _widen(shapes, factor: float) -> None:
    for shape in shapes:
        if shape._element.spPr.xfrm is None:
            continue  # inherits its position from the master, which is widened too
        shape.left, shape.width = int(shape.left * factor), int(shape.width * factor)


def _title_style(master, theme) -> None:
    """Title text properties through python-pptx's Font, whose element classes insert each child
    (fill, latin typeface) at its place in the schema's sequence; appending raw elements put
    <a:latin> after <a:ea>/<a:cs>, which PowerPoint refuses as invalid OOXML."""
    style = master.element.find(qn("p:txStyles")).find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    style.set("algn", "l")
    font = Font(style.find(qn("a:defRPr")))  # a CT_TextCharacterProperties, like a run's rPr
    font.size = Pt(36)
    font.bold = True
    font.color.rgb = RGBColor.from_string(theme.heading_color.upper())
    font.name = theme.pptx_text_font


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
