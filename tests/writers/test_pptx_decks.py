"""The real lessons' PowerPoint decks, reopened; a golden lesson's structure; LibreOffice opens them all."""
import json
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from support.builds import LESSONS, ROOT, build_here
from support.pptx_checks import off_slide, outline, overfull_text, overlaps


def decks(course: Path) -> list[Path]:
    return [course / "dist" / f"{name}.pptx" for name in LESSONS]


def test_every_lesson_has_a_pptx_that_keeps_the_rules(course: Path) -> None:
    for path in decks(course):
        assert off_slide(path) == [], path.name
        assert overfull_text(path) == [], path.name
        assert overlaps(path) == [], path.name


def test_decks_hold_native_content(course: Path) -> None:
    for name, path in zip(LESSONS, decks(course)):
        model = json.loads((course / "dist" / f"{name}.json").read_text())["deck"]
        prs = Presentation(str(path))
        slides = list(prs.slides)
        titles = [s.shapes.title.text for s in slides[1:]]
        assert len(titles) >= len(model["slides"])  # continuation slides may add some
        assert all(t for t in titles)
        shapes = [sh for s in slides for sh in s.shapes]
        pictures = [sh for sh in shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert pictures and all(sh._element.nvPicPr.cNvPr.get("descr") for sh in pictures)
        assert any(sh.has_table and sh.table.first_row for sh in shapes)
        text = "\n".join(sh.text_frame.text for sh in shapes if sh.has_text_frame)
        assert "\\frac" not in text and "$" not in text  # math never shows as raw LaTeX
        assert not re.search(r" at 0x[0-9a-f]+", text)  # no memory addresses
        assert sum(s.has_notes_slide and bool(s.notes_slide.notes_text_frame.text) for s in slides) >= len(slides) // 2
        code_sizes = [r.font.size.pt for sh in shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
                      for r in p.runs if r.font.name == "Courier New" and r.font.size]
        assert min(code_sizes) >= 12


@pytest.fixture(scope="module")
def golden_deck(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    result = build_here("--slides", str(ROOT / "tests" / "golden" / "lesson"), "-f", "pptx", "-q",
                        "--out", str(out / "dist"), "--figures", str(out / "figures"), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out / "dist" / "golden.pptx"


def test_golden_lesson_structure(golden_deck: Path, golden) -> None:
    golden("pptx_golden", outline(golden_deck))
    assert off_slide(golden_deck) == [] and overfull_text(golden_deck) == [] and overlaps(golden_deck) == []

