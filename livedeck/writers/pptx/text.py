"""Text in PowerPoint: laid-out paragraphs written as runs (bold, italic, code, raised and lowered), text boxes,
and the descriptions screen readers read."""
from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from livedeck.layout.geometry import (
    BULLET_INDENT,
    Box,
)
from livedeck.layout.mathtext import Script, math_text
from livedeck.layout.parts import Formulas
from livedeck.layout.richtext import Paragraph, Run
from livedeck.style.theme import Theme

EMU_PER_PT = 12700

BASELINE = {Script.SUPER: "30000", Script.SUB: "-25000"}  # a run raised or lowered, in thousandths of a percent

ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}  # a GitHub table's columns


def emu(points: float) -> Emu:
    return Emu(round(points * EMU_PER_PT))


def rgb(hex_value: str) -> RGBColor:
    return RGBColor.from_string(hex_value.upper())


def fill_paragraph(paragraph, model: Paragraph, size: float, theme: Theme, color: str = "",
                    spacing: float = 0.0) -> None:
    if spacing:
        paragraph.space_after = Pt(spacing)
    if model.heading:
        color = color if color and color != theme.text_color else theme.heading_color
    if model.quote:  # indented as the layout measured it
        paragraph._p.get_or_add_pPr().set("marL", str(emu(model.quote * BULLET_INDENT * size)))
    if model.bullet:
        properties = paragraph._p.get_or_add_pPr()
        indent = emu((model.level + 1) * BULLET_INDENT * size)
        properties.set("marL", str(indent))
        properties.set("indent", str(-emu(BULLET_INDENT * size)))
        properties.append(properties.makeelement(qn("a:buFont"), {"typeface": theme.pptx_text_font}))
        if model.bullet == "number":
            properties.append(properties.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod",
                                                                          "startAt": str(model.number)}))
        else:
            properties.append(properties.makeelement(qn("a:buChar"), {"char": model.bullet}))
    for run_model in model.runs:
        if "\n" not in run_model.text:  # nearly every run (a listing has thousands): as it is
            _add_run(paragraph, run_model, size, theme, color)
            continue
        pieces = run_model.text.split("\n")
        for index, piece in enumerate(pieces):
            if index:  # a hard line break (`  ` or `\\` ending a markdown line): PowerPoint's own, at the text's size
                paragraph._p.add_br().get_or_add_rPr().set("sz", str(round(size * 100)))
            if piece:
                _add_run(paragraph, replace(run_model, text=piece), size, theme, color)


def _add_run(paragraph, run_model: Run, size: float, theme: Theme, color: str) -> None:
    run = paragraph.add_run()
    run.text = run_model.text
    # Attributes set on the XML directly: python-pptx's font setters cost a lookup each, and a
    # highlighted listing has thousands of runs. The XML is what those setters write.
    properties = run._r.get_or_add_rPr()
    properties.set("sz", str(round(size * 100)))
    properties.set("b", "1" if run_model.bold else "0")
    properties.set("i", "1" if run_model.italic else "0")
    if run_model.color or color:
        fill = etree.SubElement(properties, qn("a:solidFill"))
        etree.SubElement(fill, qn("a:srgbClr"), val=(run_model.color or color).upper())
    etree.SubElement(properties, qn("a:latin"),
                     typeface=theme.pptx_code_font if run_model.code else theme.pptx_text_font)
    if run_model.script:
        properties.set("baseline", BASELINE[run_model.script])
    if run_model.strike:
        properties.set("strike", "sngStrike")
    if run_model.link:
        run.hyperlink.address = run_model.link


def text_box(slide, box: Box, inset: tuple[float, float]):
    shape = slide.shapes.add_textbox(emu(box.x), emu(box.y), emu(box.w), emu(box.h))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = Pt(inset[0])
    frame.margin_top = frame.margin_bottom = Pt(inset[1])
    return shape


def math_as_text(paragraph: Paragraph, formulas: Formulas) -> Paragraph:
    """Inline formulas as styled text runs: scripts raised or lowered, bold symbols bold (mathtext.py)."""
    if not any(run.math for run in paragraph.runs):
        return paragraph
    runs: list[Run] = []
    for run in paragraph.runs:
        formula = formulas.get((run.math, False)) if run.math else None
        if formula is None or not formula.mathml:
            runs.append(run)
            continue
        runs += [replace(run, text=piece.text, bold=piece.bold or run.bold, italic=piece.italic, script=piece.script)
                 for piece in math_text(formula.mathml).runs]
    return replace(paragraph, runs=tuple(runs))


def write_paragraphs(frame, paragraphs, size: float, theme: Theme, color: str = "", spacing: float = 0.0,
                      formulas: Formulas = MappingProxyType({})) -> None:
    for index, model in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        last = index == len(paragraphs) - 1
        fill_paragraph(paragraph, math_as_text(model, formulas), size, theme, color, 0.0 if last else spacing)


def describe(shape, text: str) -> None:
    """Alt text: what screen readers and PowerPoint's accessibility checker read."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)
