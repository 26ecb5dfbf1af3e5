"""Accessible decks: colours that stand 4.5:1, and PowerPoint decks that pass PowerPoint's own
accessibility rules (pptx_checks.accessibility_problems), on the course and on material we did not write."""
from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE_TYPE

from livedeck.layout.richtext import code_paragraphs
from livedeck.style.colour import contrast, legible
from livedeck.style.theme import load_theme
from support.builds import LESSONS, MATERIAL
from support.pptx_checks import accessibility_problems


def test_contrast_is_wcags() -> None:
    assert contrast("000000", "FFFFFF") == pytest.approx(21.0)
    assert contrast("767676", "FFFFFF") == pytest.approx(4.54, abs=0.01)  # the classic lightest AA grey
    assert contrast("FFFFFF", "767676") == contrast("767676", "FFFFFF")


def test_a_pale_colour_is_made_legible_keeping_its_hue() -> None:
    assert legible("111111", "FFFFFF") == "111111"  # already legible: unchanged
    darker = legible("AA22FF", "F4F6F8")  # Pygments' default purple stands 4.42:1 on our code background
    assert darker != "AA22FF" and contrast(darker, "F4F6F8") >= 4.5
    red, green, blue = (int(darker[i:i + 2], 16) for i in (0, 2, 4))
    assert blue > red > green  # still purple
    assert contrast(legible("3D7B7B", "1E1E1E"), "1E1E1E") >= 4.5  # on a dark background, lighter


def test_every_code_colour_and_the_themes_text_stand_out_from_their_background() -> None:
    theme = load_theme()
    source = "@decorator\ndef f(x, *args):\n    '''doc'''\n    return [i for i in x if i in args]  # note\n"
    colours = {run.color for p in code_paragraphs(source, "python", theme.code_style) for run in p.runs if run.color}
    assert len(colours) > 3
    for colour in colours | {theme.text_color, theme.code_dimmed}:
        assert contrast(colour, theme.code_background) >= 4.5, colour
    for colour in (theme.text_color, theme.heading_color, theme.accent, theme.text_secondary, theme.text_muted):
        assert contrast(colour, "FFFFFF") >= 4.5 and contrast(colour, theme.output_background) >= 4.5, colour


@pytest.mark.parametrize("where, name", [("course", n) for n in LESSONS] + [("material", n) for n in MATERIAL])
def test_every_deck_passes_powerpoints_accessibility_rules(built: dict[str, Path], where: str, name: str) -> None:
    assert accessibility_problems(built[where] / f"{name}.pptx") == []


def test_the_accessibility_rules_find_what_they_name(built: dict[str, Path], tmp_path: Path) -> None:
    """The check itself, on a deck spoiled on purpose: each rule reports its fault."""
    prs = Presentation(str(built["material"] / "stress.pptx"))
    slides = list(prs.slides)
    slides[2].shapes.title.text_frame.text = slides[1].shapes.title.text_frame.text
    slides[3].shapes.title.text_frame.text = ""
    picture = next(s for slide in slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    picture._element.nvPicPr.cNvPr.set("descr", r"\frac{a}{b}")
    table = next(s for slide in slides for s in slide.shapes if s.has_table)
    table.table.first_row = False
    run = next(r for s in slides[4].shapes if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs)
    run.font.color.rgb = RGBColor(0xBB, 0xBB, 0xBB)
    shapes = slides[5].shapes._spTree
    body = [s for s in slides[5].shapes if not s.is_placeholder]
    shapes.remove(body[0]._element)
    shapes.append(body[0]._element)  # the first block now read last
    prs.save(str(tmp_path / "spoiled.pptx"))
    found = "\n".join(accessibility_problems(tmp_path / "spoiled.pptx"))
    for fault in ("the title of slide 2 again", "slide 4: no title", "described as '\\\\frac{a}{b}'",
                  "has no header row", "contrast", "is read after"):
        assert fault in found, fault
