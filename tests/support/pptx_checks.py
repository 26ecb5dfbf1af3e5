"""Reading a built .pptx back: an outline for golden files, and the layout rules every deck must keep.

The line-fit check measures text on its own (Pillow with the DejaVu fonts matplotlib
ships), not with livedeck's measuring code, so a wrong measure in the writer shows here.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import matplotlib
from PIL import ImageFont
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from livedeck.style.colour import MIN_CONTRAST, contrast  # its formula is pinned by test_accessibility

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
PT = 12700


def _font(name: str, bold: bool, italic: bool) -> ImageFont.FreeTypeFont:
    mono = name in ("Courier New", "DejaVu Sans Mono", "Consolas")
    suffix = {(False, False): "", (True, False): "-Bold", (False, True): "-Oblique", (True, True): "-BoldOblique"}
    return ImageFont.truetype(str(FONTS / f"{'DejaVuSansMono' if mono else 'DejaVuSans'}{suffix[bold, italic]}.ttf"), 100)


def _lines(paragraph, available: float) -> tuple[int, float]:
    """Greedy word wrap of one paragraph; returns (lines, largest font size in points)."""
    words: list[float] = []
    size = 0.0
    current = 0.0
    for run in paragraph.runs:
        points = run.font.size.pt
        size = max(size, points)
        font = _font(run.font.name or "", bool(run.font.bold), bool(run.font.italic))
        for char in run.text:
            if char == " " and current:
                words.append(current)
                current = 0.0
            current += font.getlength(char) * points / 100
    words.append(current)
    lines, used = 1, 0.0
    for w in words:
        if used and used + w > available:
            lines, used = lines + 1, w
        else:
            used += w
        while used > available:
            lines, used = lines + 1, used - available
    return lines, size


def overfull_text(path: Path) -> list[str]:
    """Text boxes holding more lines than fit at their font size."""
    problems = []
    for number, slide in enumerate(Presentation(str(path)).slides, start=1):
        for shape in slide.shapes:
            if shape.shape_type != MSO_SHAPE_TYPE.TEXT_BOX:
                continue
            frame = shape.text_frame
            available = (shape.width - frame.margin_left - frame.margin_right) / PT
            room = (shape.height - frame.margin_top - frame.margin_bottom) / PT
            needed = 0.0
            for paragraph in frame.paragraphs:
                if not paragraph.runs:
                    continue
                indent = int(paragraph._p.pPr.get("marL", 0)) / PT if paragraph._p.pPr is not None else 0.0
                lines, size = _lines(paragraph, available - indent)
                spacing = paragraph.space_after.pt if paragraph.space_after is not None else 0.0
                needed += lines * size * 1.17 + spacing
            if needed > room + 1:
                problems.append(f"slide {number}: {shape.name} needs {needed:.0f} pt, has {room:.0f} pt: "
                                f"{frame.text[:40]!r}")
    return problems


def off_slide(path: Path) -> list[str]:
    prs = Presentation(str(path))
    problems = []
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.left < 0 or shape.top < 0 or shape.left + shape.width > prs.slide_width \
                    or shape.top + shape.height > prs.slide_height:
                problems.append(f"slide {number}: {shape.name} extends past the slide")
    return problems


def overlaps(path: Path) -> list[str]:
    """Pictures or tables that share area with a text box or another picture or table."""
    problems = []
    for number, slide in enumerate(Presentation(str(path)).slides, start=1):
        shapes = [s for s in slide.shapes if not s.is_placeholder]
        for i, a in enumerate(shapes):
            for b in shapes[i + 1:]:
                if MSO_SHAPE_TYPE.TEXT_BOX == a.shape_type == b.shape_type:
                    continue
                dx = min(a.left + a.width, b.left + b.width) - max(a.left, b.left)
                dy = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
                if dx > PT and dy > PT:
                    problems.append(f"slide {number}: {a.name} overlaps {b.name}")
    return problems


def outline(path: Path) -> dict:
    """The structure a golden file pins: layouts, titles, shapes placed to the point, fonts, media hashes."""
    prs = Presentation(str(path))
    slides = []
    for slide in prs.slides:
        shapes = []
        for shape in slide.shapes:
            entry = {
                "kind": str(shape.shape_type).split(".")[-1].split(" ")[0],
                "box_pt": [round(v / PT) for v in (shape.left, shape.top, shape.width, shape.height)],
            }
            if shape.has_text_frame and shape.text_frame.text:
                entry["text"] = shape.text_frame.text[:60]
                entry["sizes"] = sorted({r.font.size.pt for p in shape.text_frame.paragraphs for r in p.runs
                                         if r.font.size})
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                entry["alt"] = shape._element.nvPicPr.cNvPr.get("descr")
                entry["media_sha256"] = hashlib.sha256(shape.image.blob).hexdigest()[:16]
            if shape.has_table:
                entry["cells"] = [[c.text for c in row.cells] for row in shape.table.rows]
            shapes.append(entry)
        slides.append({
            "layout": slide.slide_layout.name,
            "title": slide.shapes.title.text if slide.shapes.title is not None else None,
            "shapes": shapes,
            "notes": slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "",
        })
    with zipfile.ZipFile(path) as archive:
        entries = archive.namelist()
    return {"size_pt": [round(prs.slide_width / PT), round(prs.slide_height / PT)], "slides": slides,
            "zip_entries": entries}


def rendered_problems(pptx: Path, pdf: Path) -> list[str]:
    """What LibreOffice drew of a deck (its PDF, read with poppler's pdftotext -bbox-layout), against
    the deck's shapes: every word inside a shape that holds text, and every line of a monospace
    box (code, output) drawn on one line."""
    import html
    import re
    import subprocess

    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', layout, re.S)
    problems = []
    for number, (slide, (width, _, page)) in enumerate(zip(Presentation(str(pptx)).slides, pages), start=1):
        scale = float(width) / (Presentation(str(pptx)).slide_width / PT)  # PDF points per slide point
        words = [(float(x0) / scale, float(y0) / scale, float(x1) / scale, float(y1) / scale, html.unescape(text))
                 for x0, y0, x1, y1, text in re.findall(
                     r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
        boxes = [(s.left / PT, s.top / PT, (s.left + s.width) / PT, (s.top + s.height) / PT, s)
                 for s in slide.shapes if s.has_text_frame or s.has_table]
        for x0, y0, x1, y1, text in words:  # a word's middle (its glyph box is taller than the line)
            x, y = (x0 + x1) / 2, (y0 + y1) / 2
            if not any(bx0 - 2 <= x <= bx1 + 2 and by0 - 2 <= y <= by1 + 2 for bx0, by0, bx1, by1, _ in boxes):
                problems.append(f"slide {number}: {text!r} is drawn outside every shape")
        for bx0, by0, bx1, by1, shape in boxes:
            runs = [r for p in shape.text_frame.paragraphs for r in p.runs] if shape.has_text_frame else []
            if not runs or any(r.font.name != "Courier New" for r in runs):
                continue  # only monospace boxes: code and printed output
            lines: dict[int, list] = {}  # the words LibreOffice drew in this box, by line (their top)
            for w in words:
                if bx0 - 3 <= w[0] and w[2] <= bx1 + 3 and by0 - 3 <= w[1] and w[3] <= by1 + 3:
                    lines.setdefault(round(w[1]), []).append(w)
            drawn = [[w[4] for w in sorted(line)] for line in lines.values()]
            for paragraph in shape.text_frame.paragraphs:
                if paragraph.text.split() and paragraph.text.split() not in drawn:
                    problems.append(f"slide {number}: {paragraph.text[:40]!r} is not drawn on one line")
    return problems


# PowerPoint's own accessibility rules (its "Check Accessibility" pane), as a check over python-pptx.
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")


def _solid(element) -> str:
    """The RRGGBB of an element's own solid fill (a shape's spPr, a cell's tcPr, a run's rPr), or ""."""
    if element is None:
        return ""
    found = element.find("a:solidFill/a:srgbClr", NS)
    return found.get("val").upper() if found is not None else ""


def _master_colours(prs) -> tuple[str, str]:
    """The colours text has where a run names none: the master's title colour, and its body text's."""
    master = prs.slide_master.element
    title = master.find("p:txStyles/p:titleStyle/a:lvl1pPr/a:defRPr", NS)
    body = master.find("p:txStyles/p:otherStyle/a:lvl1pPr/a:defRPr", NS)
    return _solid(title) or "000000", _solid(body) or "000000"


def _reading_order(slide, number: int) -> list[str]:
    """Shape order is reading order: no shape comes after one below it in the same column, or after
    one to its right at the same height."""
    problems = []
    shapes = [s for s in slide.shapes if s.width and s.height]
    for i, earlier in enumerate(shapes):
        for later in shapes[i + 1:]:
            across = min(earlier.left + earlier.width, later.left + later.width) - max(earlier.left, later.left)
            down = min(earlier.top + earlier.height, later.top + later.height) - max(earlier.top, later.top)
            if across > PT and later.top + later.height <= earlier.top + PT:
                problems.append(f"slide {number}: {later.name} is read after {earlier.name}, which is below it")
            elif down > PT and later.left + later.width <= earlier.left + PT:
                problems.append(f"slide {number}: {later.name} is read after {earlier.name}, right of it")
    return problems


def _contrast(shape, number: int, colours: tuple[str, str]) -> list[str]:
    """Every run's colour against what is behind it (its cell's fill, its shape's, or the white slide)."""
    problems = []
    frames = []
    if shape.has_text_frame:
        frames.append((shape.text_frame, _solid(shape._element.find("p:spPr", NS))))
    if shape.has_table:
        for row in shape.table.rows:
            for cell in row.cells:
                frames.append((cell.text_frame, _solid(cell._tc.find("a:tcPr", NS))))
    default = colours[0] if shape.is_placeholder and shape.placeholder_format.type == 1 else colours[1]
    for frame, background in frames:
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                if not run.text.strip():
                    continue
                colour = _solid(run._r.find("a:rPr", NS)) or default
                ratio = contrast(colour, background or "FFFFFF")
                if ratio < MIN_CONTRAST:
                    problems.append(f"slide {number}: {run.text[:30]!r} in #{colour} on #{background or 'FFFFFF'}: "
                                    f"contrast {ratio:.2f}")
    return problems


def accessibility_problems(path: Path) -> list[str]:
    """What PowerPoint's accessibility checker would flag: a slide without a title in its title
    placeholder, two slides with one title, a picture without a description (or with LaTeX as one),
    a table without a header row, shapes out of reading order, text below 4.5:1 contrast."""
    prs = Presentation(str(path))
    colours = _master_colours(prs)
    problems = []
    titles: dict[str, int] = {}
    for number, slide in enumerate(prs.slides, start=1):
        title = slide.shapes.title
        if title is None or not title.text_frame.text.strip():
            problems.append(f"slide {number}: no title in its title placeholder")
        elif title.text_frame.text in titles:
            problems.append(f"slide {number}: the title of slide {titles[title.text_frame.text]} again: "
                            f"{title.text_frame.text!r}")
        else:
            titles[title.text_frame.text] = number
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                description = shape._element.nvPicPr.cNvPr.get("descr", "")
                if not description.strip() or LATEX_COMMAND.search(description):
                    problems.append(f"slide {number}: picture {shape.name} described as {description!r}")
            if shape.has_table and not shape.table.first_row:
                problems.append(f"slide {number}: table {shape.name} has no header row")
            problems += _contrast(shape, number, colours)
        problems += _reading_order(slide, number)
    for layout in prs.slide_layouts:
        for shape in layout.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE and not shape._element.nvPicPr.cNvPr.get("descr", "").strip():
                problems.append(f"layout {layout.name!r}: picture {shape.name} has no description")
    return problems
