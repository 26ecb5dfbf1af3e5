"""Rich outputs in the decks, on our fixture in the shape of a pandas tutorial (tests/fixtures/lessons/
09_training_frames.py, built with the other material): frames are tables, pictures pictures with their
descriptions, formulas formulas, in Chromium and in PowerPoint; the HTML's script never runs. That nothing
runs off a slide, in Chromium and LibreOffice, is checked for every fixture (layout/test_layout_*.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

pytestmark = pytest.mark.browser


def test_frames_pictures_and_formulas_in_chromium(material: Path, browser) -> None:
    deck = material / "dist" / "training_frames.html"
    page = browser.new_page()
    page.goto(deck.as_uri())
    page.wait_for_function("typeof Reveal !== 'undefined' && Reveal.isReady()")
    headers = page.evaluate("""[...document.querySelectorAll('.reveal table')].map(t =>
        [...t.querySelectorAll('thead th')].map(th => th.textContent.trim()))""")
    assert ["", "epoch", "train_loss", "val_loss", "accuracy", "lr", "grad_norm", "seconds", "kept"] in headers
    assert ["optimizer", "seed", "best_epoch", "val_loss"] in headers  # both levels of the MultiIndex
    sweep = next(h for h in headers if h and h[0] == "run")
    text = page.evaluate("document.querySelector('.reveal .slides').textContent")  # every slide, shown or not
    assert 2 < len(sweep) < 21 and "more columns not shown" in text
    alts = page.evaluate("[...document.querySelectorAll('.reveal img')].map(i => i.alt)")
    assert "an image, 84 × 84 px, L" in alts and "a vector picture" in alts
    assert any(alt.startswith("Line plot") for alt in alts)  # the figure returned as the cell's value
    formulas = page.evaluate("[...document.querySelectorAll('.reveal .ld-formula svg')].length")
    assert formulas >= 3  # sympy's derivative, IPython's Math, and the inline math of its Markdown
    assert "91.4%" in text and "0.913700" not in text  # the Styler's number format
    assert page.title() != "ran" and "document.title" not in re.sub(r"<pre.*?</pre>", "", deck.read_text(), flags=re.S)
    page.close()


def test_frames_are_native_tables_and_pictures_are_described_in_powerpoint(material: Path) -> None:
    prs = Presentation(str(material / "dist" / "training_frames.pptx"))
    shapes = [shape for slide in prs.slides for shape in slide.shapes]
    headers = [[cell.text for cell in shape.table.rows[0].cells] for shape in shapes if shape.has_table]
    assert ["", "epoch", "train_loss", "val_loss", "accuracy", "lr", "grad_norm", "seconds", "kept"] in headers
    assert ["optimizer", "seed", "best_epoch", "val_loss"] in headers
    described = [shape._element.nvPicPr.cNvPr.get("descr", "") for shape in shapes
                 if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert "an image, 84 × 84 px, L" in described and "a vector picture" in described
    assert any("partial" in text for text in described)  # a formula, described in words
