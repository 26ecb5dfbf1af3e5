"""The PowerPoint writer: draw the planned slides with python-pptx as native, editable shapes."""
from __future__ import annotations

import io
from copy import deepcopy
from dataclasses import replace

from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Pt

from livedeck.layout import Footer, LaidDeck, LaidSlide, SlideKind
from livedeck.layout.geometry import (
    CALLOUT_INSET,
    CAPTION_SIZE,
    CELL_INSET,
    CODE_INSET,
    LINE_SPACING,
    PARAGRAPH_SPACING,
    TEXT_INSET,
    Box,
)
from livedeck.layout.parts import Formulas
from livedeck.layout.planner import Placed
from livedeck.layout.richtext import Paragraph, markdown_paragraphs, plain_text
from livedeck.model import Callout, Code, Deck, Error, Figure, Markdown, Math, Stream, Table, Value
from livedeck.style.theme import Theme
from livedeck.writers import WriteContext
from livedeck.writers.pptx.animation import MORPH_PREFIX, Target, add_clicks, add_morph
from livedeck.writers.pptx.package import load_template, reproducible, stable_zip
from livedeck.writers.pptx.text import ALIGN, describe, emu, fill_paragraph, math_as_text, rgb, text_box, write_paragraphs

NOTES_SIZE = 12.0  # speaker notes, in points: PowerPoint's own notes size
NO_TABLE_STYLE = "{5940675A-B579-460E-94D1-54222C63F5DA}"  # "No Style, Table Grid": we style cells


def _draw(slide, item: Placed, context: WriteContext, theme: Theme, formulas: dict) -> list:
    """Draw one placed block; returns the shapes made (for its appear-on-click animation)."""
    block, box = item.block, item.picture
    if isinstance(block, (Figure, Math)):
        assert box is not None, block  # the layout gives every picture its box
    if isinstance(block, Figure) and box is not None:
        picture = slide.shapes.add_picture(str(context.figures / f"{block.name}.png"), emu(box.x), emu(box.y),
                                           emu(box.w), emu(box.h))
        picture.name = block.name  # as in figures/: a lecturer finds the figure by its file's name
        describe(picture, block.alt)
        if not item.caption:
            return [picture]
        caption = text_box(slide, item.caption, TEXT_INSET)
        write_paragraphs(caption.text_frame, markdown_paragraphs(block.caption), item.size, theme, theme.text_secondary,
                          formulas=formulas)
        for paragraph in caption.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.CENTER
        return [picture, caption]
    if isinstance(block, Math) and box is not None:
        formula = formulas[(block.latex, True)]
        picture = slide.shapes.add_picture(io.BytesIO(formula.png), emu(box.x), emu(box.y), emu(box.w), emu(box.h))
        describe(picture, formula.speech)  # in words: a screen reader would spell LaTeX out symbol by symbol
        return [picture]
    if isinstance(block, Table):
        return _draw_table(slide, item, theme, formulas)
    if isinstance(block, Callout):
        return [_draw_callout(slide, item, theme, formulas)]
    code_like = not isinstance(block, Markdown)
    shape = text_box(slide, item.box, CODE_INSET if code_like else TEXT_INSET)
    if code_like:
        shape.fill.solid()
        if isinstance(block, (Stream, Value, Error)):
            shape.fill.fore_color.rgb = rgb(theme.output_background)
            shape.line.color.rgb = rgb(theme.accent if isinstance(block, Error) else theme.output_border)
            shape.line.width = Pt(1.25)
        else:
            shape.fill.fore_color.rgb = rgb(theme.code_background)
            shape.line.fill.background()
    color = theme.accent if isinstance(block, Error) else theme.text_color
    spacing = round(item.size * PARAGRAPH_SPACING, 1) if not code_like else 0.0
    paragraphs = item.paragraphs
    if isinstance(block, Code) and block.line_steps:
        paragraphs = _emphasise(paragraphs, block.line_steps[0], theme.code_dimmed)
    write_paragraphs(shape.text_frame, paragraphs, item.size, theme, color, spacing, formulas)
    if isinstance(block, Code) and block.morph:  # one name on every state: Morph moves its words between them
        shape.name = MORPH_PREFIX + block.morph
    if isinstance(block, Markdown) and block.centred:
        for paragraph in shape.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.CENTER
    return [shape]


def _draw_callout(slide, item: Placed, theme: Theme, formulas: Formulas):
    """A callout: a tinted, framed text box; its title in the frame's colour."""
    assert isinstance(item.block, Callout), item.block
    frame, background = theme.callout(item.block.kind)
    shape = text_box(slide, item.box, CALLOUT_INSET)
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(background)
    shape.line.color.rgb = rgb(frame)
    shape.line.width = Pt(2.25)
    write_paragraphs(shape.text_frame, item.paragraphs, item.size, theme, "", round(item.size * PARAGRAPH_SPACING, 1),
                      formulas)
    if item.paragraphs and item.paragraphs[0].heading and not item.items_before:
        for run in shape.text_frame.paragraphs[0].runs:
            run.font.color.rgb = rgb(frame)
    return shape


def _emphasise(paragraphs: tuple[Paragraph, ...], lines: tuple[int, ...], dimmed: str) -> tuple[Paragraph, ...]:
    """Code-line steps in PowerPoint: the whole code, its first group of lines in colour, the rest grey (none
    when the first group is empty: Quarto's "every line alike first")."""
    if not lines:
        return paragraphs
    return tuple(p if p.line in lines else replace(p, runs=tuple(replace(r, color=dimmed) for r in p.runs))
                 for p in paragraphs)


def _draw_table(slide, item: Placed, theme: Theme, formulas: Formulas) -> list:
    block = item.block
    assert isinstance(block, Table), block
    grid = ([item.header] if item.header else []) + list(item.rows)
    columns = max(len(row) for row in grid)
    heights = item.row_heights or (item.size * LINE_SPACING + 2 * CELL_INSET[1],) * len(grid)
    scale = min(1.0, item.box.w / sum(item.column_widths))
    frame = slide.shapes.add_table(len(grid), columns, emu(item.box.x), emu(item.box.y),
                                   emu(sum(item.column_widths) * scale), emu(sum(heights)))
    table = frame.table
    frame._element.graphic.graphicData.tbl.tblPr.find(qn("a:tableStyleId")).text = NO_TABLE_STYLE
    table.first_row = bool(item.header)  # the header row is marked as such, for screen readers
    table.first_col = bool(item.header) and item.header[0] == ""
    table.horz_banding = False
    for index, width in enumerate(item.column_widths):
        table.columns[index].width = emu(width * scale)
    for r, row in enumerate(grid):
        table.rows[r].height = emu(heights[r])
        header = r == 0 and bool(item.header)
        for c in range(columns):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Pt(CELL_INSET[0])
            cell.margin_top = cell.margin_bottom = Pt(CELL_INSET[1])
            cell.vertical_anchor = MSO_ANCHOR.TOP if block.markdown else MSO_ANCHOR.MIDDLE  # wrapped cells: as HTML
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(theme.code_background if header else "FFFFFF")
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.LEFT if (c == 0 and table.first_col) else PP_ALIGN.CENTER
            text = row[c] if c < len(row) else ""
            if block.markdown:  # a GitHub table: its cells' markdown as runs, its columns aligned as written
                paragraph.alignment = ALIGN.get(block.align[c] if c < len(block.align) else "", PP_ALIGN.LEFT)
                runs = [replace(r, bold=r.bold or header) for p in markdown_paragraphs(text) for r in p.runs]
                fill_paragraph(paragraph, math_as_text(Paragraph(tuple(runs)), formulas), item.size, theme,
                                theme.heading_color if header else theme.text_color)
                continue
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(item.size)
            run.font.name = theme.pptx_code_font
            run.font.bold = header or (c == 0 and table.first_col)
            run.font.color.rgb = rgb(theme.heading_color if header else theme.text_color)
    if item.caption:
        caption = text_box(slide, item.caption, TEXT_INSET)
        write_paragraphs(caption.text_frame, markdown_paragraphs(block.caption), CAPTION_SIZE, theme, theme.text_secondary)
        caption.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    describe(frame, block.caption or "Table: " + ", ".join(plain_text(c) for c in block.header if c))
    return [frame] + ([caption] if item.caption else [])


def _notes(slide, notes: str, theme: Theme) -> None:
    """Speaker notes with their formatting (bold, code, lists), as the HTML deck's speaker view has them."""
    write_paragraphs(slide.notes_slide.notes_text_frame, markdown_paragraphs(notes), NOTES_SIZE, theme,
                      theme.text_color, round(NOTES_SIZE * PARAGRAPH_SPACING, 1))


def _targets(item: Placed, shapes: list) -> list[tuple[int, Target]]:
    """(step, target) for what appears on a click: the block's shapes, or an incremental list's items."""
    block = item.block
    found = [(block.step, Target(s.shape_id, has_text=s.has_text_frame)) for s in shapes] if block.step else []
    if isinstance(block, Markdown) and block.items_from and shapes:
        number = -1
        for index, paragraph in enumerate(item.paragraphs):
            if paragraph.bullet and paragraph.level == 0:
                number += 1
            if number >= 0:  # a top-level item, or a nested line that appears with its item
                found.append((block.items_from + item.items_before + number,
                              Target(shapes[0].shape_id, paragraph=index, has_text=True)))
    return found


def _set_title(shape, slide: LaidSlide) -> None:
    """The title where the layout put it, at its size (a placeholder, so it stays the theme's title)."""
    box = slide.title_box
    shape.left, shape.top, shape.width, shape.height = emu(box.x), emu(box.y), emu(box.w), emu(box.h)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.text = plain_text(slide.title)
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(slide.title_size)


def _title_slide(prs, laid: LaidSlide, deck: Deck, theme: Theme, formulas: Formulas) -> None:
    """The deck's title slide: its subtitle in the layout's subtitle placeholder, then the author,
    institute and date."""
    slide = prs.slides.add_slide(prs.slide_layouts.get_by_name("Title Slide"))
    _set_title(slide.shapes.title, laid)
    slide.shapes.title.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    subtitle = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
    for item in laid.items:
        if subtitle is not None and isinstance(item.block, Markdown) and item.block.text == deck.subtitle:
            shape = subtitle
            shape.left, shape.top, shape.width, shape.height = (emu(item.box.x), emu(item.box.y), emu(item.box.w),
                                                                emu(item.box.h))
            shape.text_frame.auto_size = MSO_AUTO_SIZE.NONE
            subtitle = None
        else:
            shape = text_box(slide, item.box, TEXT_INSET)
        write_paragraphs(shape.text_frame, item.paragraphs, item.size, theme, theme.text_secondary,
                          round(item.size * PARAGRAPH_SPACING, 1), formulas)
        for paragraph in shape.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.CENTER
    if subtitle is not None:  # no subtitle: no empty "Click to add subtitle" box
        subtitle._element.getparent().remove(subtitle._element)
    if laid.notes:
        _notes(slide, laid.notes, theme)


FOOTER_PLACEHOLDERS = ("dt", "ftr", "sldNum")  # the layout's date, footer and slide-number placeholders


def _footer(slide, layout, footer: Footer, theme: Theme) -> None:
    """The footer band as the layout's own date, footer and slide-number placeholders (PowerPoint's
    Header & Footer dialog edits them), where the layout stage put them; the logo is on the layout."""
    wanted = {"dt": (footer.date_box, footer.date), "ftr": (footer.text_box, plain_text(footer.text)),
              "sldNum": (footer.number_box, str(footer.number))}
    for placeholder in layout.placeholders:
        kind = placeholder._element.ph.get("type")
        if kind not in wanted or not wanted[kind][1]:
            continue
        box, text = wanted.pop(kind)
        element = deepcopy(placeholder._element)
        element.nvSpPr.cNvPr.set("id", str(slide.shapes._next_shape_id))
        slide.shapes._spTree.append(element)
        shape = next(p for p in slide.placeholders if p._element is element)
        shape.left, shape.top, shape.width, shape.height = emu(box.x), emu(box.y), emu(box.w), emu(box.h)
        shape.text_frame.margin_left = shape.text_frame.margin_right = Pt(TEXT_INSET[0])
        shape.text_frame.margin_top = shape.text_frame.margin_bottom = Pt(TEXT_INSET[1])
        field = element.find(".//" + qn("a:fld"))
        if kind == "sldNum" and field is not None:  # a field PowerPoint keeps numbering
            field.find(qn("a:t")).text = text
            properties = field.find(qn("a:rPr"))
        else:
            shape.text_frame.text = text
            properties = shape.text_frame.paragraphs[0].runs[0]._r.get_or_add_rPr()
        properties.set("sz", str(round(footer.size * 100)))
    for _kind, (box, text) in wanted.items():  # a theme without one of them: a plain text box
        if text:
            shape = text_box(slide, box, TEXT_INSET)
            write_paragraphs(shape.text_frame, markdown_paragraphs(text), footer.size, theme, theme.text_muted)


def _logo(layout, path: str, box: Box) -> None:
    """The course's logo, once, on the layout every content slide uses (not copied onto each slide)."""
    from pptx.oxml.shapes.picture import CT_Picture

    from livedeck.model.images import logo_png

    _, rId = layout.part.get_or_add_image_part(io.BytesIO(logo_png(path)))  # an SVG logo drawn as PNG
    ids = [int(i) for i in layout._element.xpath("//p:cNvPr/@id")]
    picture = CT_Picture.new_pic(max(ids, default=1) + 1, "Logo", "Logo", rId, emu(box.x), emu(box.y), emu(box.w),
                                 emu(box.h))
    layout.shapes._spTree.append(picture)


def _language(prs, lang: str) -> None:
    """The language of every run: spelling and screen readers use it."""
    for slide in prs.slides:
        for element in slide._element.iter(qn("a:rPr"), qn("a:endParaRPr")):
            element.set("lang", lang)


def write_pptx(deck: Deck, laid: LaidDeck, context: WriteContext) -> bytes:
    """The laid-out slides as native, editable PowerPoint shapes."""
    theme = context.theme
    prs = load_template(context.pptx_template or context.templates / "pptx" / "livedeck.pptx")
    layout = prs.slide_layouts.get_by_name("Title Only")
    band = next((planned.footer for planned in laid.slides if planned.footer is not None), None)
    if band is not None and band.logo_box is not None:
        _logo(layout, deck.logo, band.logo_box)
    for planned, morph in zip(laid.slides, laid.morphs):
        if planned.kind == SlideKind.TITLE:
            _title_slide(prs, planned, deck, theme, laid.formulas)
            continue
        slide = prs.slides.add_slide(layout)
        _set_title(slide.shapes.title, planned)
        if planned.kind == SlideKind.SECTION:
            slide.shapes.title.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
        clicks: dict[int, list[Target]] = {}
        for item in planned.items:
            shapes = _draw(slide, item, context, theme, laid.formulas)
            for step, target in _targets(item, shapes):
                clicks.setdefault(step, []).append(target)
        add_clicks(slide, [clicks[step] for step in sorted(clicks)])
        if morph:
            add_morph(slide)
        if planned.footer is not None:
            _footer(slide, layout, planned.footer, theme)
        if planned.notes:
            _notes(slide, planned.notes, theme)
    _language(prs, deck.lang)
    reproducible(prs, deck)
    buffer = io.BytesIO()
    prs.save(buffer)
    return stable_zip(buffer.getvalue())
