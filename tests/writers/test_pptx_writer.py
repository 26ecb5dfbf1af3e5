"""The PowerPoint writer on hand-built decks (no torch): native shapes, fit, reproducibility, themes."""
import io
import time
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

from livedeck.model import Code, Deck, Markdown, Slide
from livedeck.writers import WriteContext
from livedeck.writers.pptx.draw import write_pptx
from livedeck.writers.pptx.package import TemplateError
from support.builds import ROOT
from support.decks import drawn, small_deck, write_figure
from support.pptx_checks import off_slide, overfull_text, overlaps


@pytest.fixture
def context(tmp_path: Path) -> WriteContext:
    write_figure(tmp_path)
    return WriteContext(figures=tmp_path)


def opened(data: bytes):
    return Presentation(io.BytesIO(data))


def test_native_structure(context: WriteContext, tmp_path: Path) -> None:
    prs = opened(drawn(write_pptx, small_deck(), context))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)  # 16:9
    slides = list(prs.slides)
    assert [s.shapes.title.text for s in slides] == [
        "A small deck", "Text and math", "Code and output", "A figure beside its code", "A table"]
    subtitle = slides[0].placeholders[1].text_frame
    assert subtitle.text.startswith("With x2 in the subtitle")  # inline math as text: x, then a raised 2
    raised = [r for r in subtitle.paragraphs[0].runs if r._r.rPr.get("baseline") == "30000"]
    assert [r.text for r in raised] == ["2"] and raised[0].font.italic is False
    for slide in slides[1:]:
        assert slide.shapes.title.placeholder_format.type == PP_PLACEHOLDER.TITLE
    # notes pages
    assert slides[0].notes_slide.notes_text_frame.text == "Welcome everyone."
    assert slides[1].notes_slide.notes_text_frame.text == "Speak slowly."


def test_markdown_runs_lists_and_math(context: WriteContext) -> None:
    slide = list(opened(drawn(write_pptx, small_deck(), context)).slides)[1]
    text = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX).text_frame
    runs = {r.text: r for p in text.paragraphs for r in p.runs}
    assert runs["Bold"].font.bold and runs["italic"].font.italic
    assert runs["code"].font.name == "Courier New"
    assert runs["link"].hyperlink.address == "https://example.org"
    assert "a/b" in text.text and "\\frac" not in text.text  # inline math typeset as Unicode
    bullets = [p for p in text.paragraphs if p._p.pPr is not None and p._p.pPr.find(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}buChar") is not None]
    numbers = [p for p in text.paragraphs if p._p.pPr is not None and p._p.pPr.find(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}buAutoNum") is not None]
    assert [p.runs[0].text for p in bullets] == ["one", "two"]
    assert [p.runs[0].text for p in numbers] == ["first", "second"]
    math = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert math._element.nvPicPr.cNvPr.get("descr") == "d y over d x equals 2 x"  # in words, not LaTeX


def test_code_is_coloured_text_and_output_is_boxed(context: WriteContext) -> None:
    slide = list(opened(drawn(write_pptx, small_deck(), context)).slides)[2]
    boxes = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX]
    code = boxes[0].text_frame
    colours = {str(r.font.color.rgb) for p in code.paragraphs for r in p.runs if r.font.color and r.font.color.type}
    assert len(colours) >= 3  # keyword, string, comment … as Pygments colours them
    assert {r.font.name for p in code.paragraphs for r in p.runs} == {"Courier New"}
    assert "<script>alert(1)</script>" in boxes[1].text_frame.text  # plain text, not markup
    assert "3 more lines not shown" in boxes[1].text_frame.text
    assert boxes[1].line.color.rgb is not None  # output in a bordered box


def test_figure_picture_with_alt_and_caption_beside_code(context: WriteContext) -> None:
    slide = list(opened(drawn(write_pptx, small_deck(), context)).slides)[3]
    picture = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert picture._element.nvPicPr.cNvPr.get("descr") == "Green rectangle"
    assert abs(picture.width / picture.height - 4 / 3) < 0.01  # aspect ratio kept
    code = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX)
    assert code.left + code.width <= picture.left  # code left, figure right
    caption = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX][-1]
    assert caption.text_frame.text == "A <green> box" and caption.top >= picture.top + picture.height


def test_native_table_with_marked_header(context: WriteContext) -> None:
    slide = list(opened(drawn(write_pptx, small_deck(), context)).slides)[4]
    frame = next(s for s in slide.shapes if s.has_table)
    table = frame.table
    assert table.first_row and [c.text for c in table.rows[0].cells] == ["", "x", "y"]
    assert [c.text for c in table.rows[1].cells] == ["data", "2.0", "4.0"]
    assert min(r.font.size.pt for row in table.rows for c in row.cells for p in c.text_frame.paragraphs
               for r in p.runs) >= 12


def test_too_much_code_continues_on_more_slides(context: WriteContext, tmp_path: Path) -> None:
    listing = "\n".join(f"value_{i:03d} = compute(value_{i - 1:03d}, step={i})  # line {i}" for i in range(1, 90))
    deck = Deck("long", "Long", slides=(Slide("A listing", (Code(listing),), notes="n"),))
    path = tmp_path / "long.pptx"
    path.write_bytes(drawn(write_pptx, deck, context))
    slides = list(Presentation(str(path)).slides)[1:]
    assert len(slides) >= 2
    assert [s.shapes.title.text for s in slides] == ["A listing", "A listing (cont.)"] + [
        f"A listing (cont. {n})" for n in range(2, len(slides))]
    sizes = {r.font.size.pt for s in slides for sh in s.shapes if not sh.is_placeholder
             for p in sh.text_frame.paragraphs for r in p.runs}
    assert min(sizes) >= 12 and len(sizes) == 1  # never below the floor, the same size on every part
    shown = "\n".join(sh.text_frame.text for s in slides for sh in s.shapes if not sh.is_placeholder)
    assert shown == listing  # every line, once, in order
    assert off_slide(path) == [] and overfull_text(path) == [] and overlaps(path) == []


def test_same_deck_same_bytes_days_apart(context: WriteContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """Zip entries and core properties would carry the time of writing; a rebuild days later is the same file."""
    first = drawn(write_pptx, small_deck(), context)
    now = time.time
    monkeypatch.setattr(time, "time", lambda: now() + 3 * 86400)
    assert drawn(write_pptx, small_deck(), context) == first


def test_a_theme_without_the_layouts_is_refused(context: WriteContext, tmp_path: Path) -> None:
    prs = Presentation(str(ROOT / "templates" / "pptx" / "livedeck.pptx"))
    prs.slide_layouts.get_by_name("Title Only").name = "Only a Title"
    theme = tmp_path / "theme.pptx"
    prs.save(str(theme))
    with pytest.raises(TemplateError, match="no slide layout named 'Title Only'"):
        drawn(write_pptx, small_deck(), WriteContext(figures=context.figures, pptx_template=theme))


def test_a_lecturers_theme_is_used(context: WriteContext, tmp_path: Path) -> None:
    prs = Presentation(str(ROOT / "templates" / "pptx" / "livedeck.pptx"))
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Sample slide of the theme"
    theme = tmp_path / "mine.pptx"
    prs.core_properties.title = "My theme"
    prs.save(str(theme))
    built = opened(drawn(write_pptx, small_deck(), WriteContext(figures=context.figures, pptx_template=theme)))
    titles = [s.shapes.title.text for s in built.slides]
    assert "Sample slide of the theme" not in titles and len(titles) == 5  # the theme's own slides are dropped


def canonical_slides(data: bytes) -> str:
    """Every slide's XML (shapes, runs and their colours, bullets, the click-animation timing) and its
    notes, in canonical form; pictures as the sha256 of their bytes. What a golden file pins."""
    import hashlib
    import re
    import zipfile

    from lxml import etree

    archive = zipfile.ZipFile(io.BytesIO(data))
    slide = re.compile(r"ppt/(slides|notesSlides)/\w+?(\d+)\.xml")
    parts = sorted((m.group(1), int(m.group(2)), name) for name in archive.namelist() if (m := slide.fullmatch(name)))
    out = []
    for _, _, name in parts:
        tree = etree.fromstring(archive.read(name))
        out.append(f"=== {name}\n" + etree.tostring(tree, pretty_print=True, encoding="unicode"))
    media = sorted(n for n in archive.namelist() if n.startswith("ppt/media/"))
    out.append("=== media\n" + "".join(f"{n} {hashlib.sha256(archive.read(n)).hexdigest()}\n" for n in media))
    return "".join(out)


def test_canonical_xml_matches_golden(context: WriteContext, golden_text) -> None:
    """The stress deck (clicks of every kind, columns, long code continued, a wide table, bullets, math)
    as canonical slide XML: any change to shapes, colours, bullets or animations shows as a diff."""
    from support.decks import stress_deck

    golden_text("pptx_stress.xml", canonical_slides(drawn(write_pptx, stress_deck(), context)))


def test_a_hard_line_break_breaks_the_line_in_both_formats_and_keeps_each_runs_style(context: WriteContext) -> None:
    """`  ` ending a markdown line (lecture notebooks write short lines so): measured as a break by the layout,
    so both formats break there, and the text after it keeps its own weight (it once took the bold before it)."""
    from livedeck.writers.html.render import write_html

    deck = Deck("t", "T", slides=(Slide("Breaks", (Markdown("we call them **iterables**  \nof which **iterators**"),)),))
    slide = list(opened(drawn(write_pptx, deck, context)).slides)[1]
    paragraph = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX).text_frame.paragraphs[0]
    A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    assert [child.tag.removeprefix(A) for child in paragraph._p if child.tag != f"{A}pPr"] == ["r", "r", "br", "r", "r"]
    assert [(r.text, r.font.bold) for r in paragraph.runs] == [
        ("we call them ", False), ("iterables", True), ("of which ", False), ("iterators", True)]
    page = drawn(write_html, deck, context).decode()
    assert "we call them <strong>iterables</strong><br>of which <strong>iterators</strong>" in page


def test_a_slides_transition_and_timing_keep_the_schemas_order_whichever_is_added_first() -> None:
    """<p:clrMapOvr>, then the transition (a Morph's, with its fallback), then <p:timing>: the order
    PresentationML requires, whether the clicks or the Morph are written first."""
    from livedeck.writers.pptx.animation import Target, add_clicks, add_morph

    for first_morph in (False, True):
        prs = Presentation()
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        shape = slide.shapes.title
        shape.text = "step"
        if first_morph:
            add_morph(slide)
        add_clicks(slide, [[Target(shape.shape_id)]])
        if not first_morph:
            add_morph(slide)
        tags = [child.tag.rsplit("}", 1)[1] for child in slide._element]
        assert tags[tags.index("clrMapOvr"):] == ["clrMapOvr", "AlternateContent", "timing"], (first_morph, tags)
