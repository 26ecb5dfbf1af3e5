"""Every slide of the bundled lessons, of a stress lesson and of a public tutorial, as Chromium and
LibreOffice draw them: nothing outside its box, no line of code drawn on two lines, the same slides
in both formats, and figure text legible from the back row."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import ROOT, shared_build
from layout_checks import layout_problems
from pptx_checks import rendered_problems
from test_build import LESSONS

pytestmark = pytest.mark.browser
MATERIAL = ["stress", "autograd_tutorial"]  # tests/fixtures/lessons: written to strain, and a public tutorial
DECKS = [("course", name) for name in LESSONS] + [("material", name) for name in MATERIAL]


@pytest.fixture(scope="session")
def material(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_build(tmp_path_factory, "material", "-f", "html", "-f", "pptx", "-f", "json",
                        slides=ROOT / "tests" / "fixtures" / "lessons")


@pytest.fixture(scope="session")
def built(course: Path, material: Path) -> dict[str, Path]:
    return {"course": course / "dist", "material": material / "dist"}


@pytest.fixture(params=DECKS, ids=[name for _, name in DECKS])
def deck(request, built: dict[str, Path], browser):
    where, name = request.param
    dist = built[where]
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto((dist / f"{name}.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
    page.evaluate("document.fonts.ready")
    yield dist, name, page
    page.close()


def test_every_slide_fits_as_chromium_draws_it(deck) -> None:
    _, _, page = deck
    assert layout_problems(page) == []


def test_html_and_powerpoint_have_the_same_slides(deck) -> None:
    dist, name, page = deck
    # each slide's title, its formulas left out (PowerPoint writes them as Unicode text)
    titles = page.evaluate("""[...document.querySelectorAll('.slides > section')].map(s => {
        const heading = s.querySelector('.ld-heading');
        if (!heading) return '';
        const copy = heading.cloneNode(true);
        copy.querySelectorAll('.ld-formula').forEach(f => f.remove());
        return copy.textContent; })""")
    slides = Presentation(str(dist / f"{name}.pptx")).slides
    assert len(titles) == len(slides)
    for html, slide in zip(titles, slides):
        powerpoint = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        assert set(re.findall(r"\w+", html)) <= set(re.findall(r"\w+", powerpoint)), (html, powerpoint)


def test_figure_text_is_at_least_12_points_in_both_formats(deck) -> None:
    dist, name, page = deck
    model = json.loads((dist / f"{name}.json").read_text())["deck"]
    figures = {b["name"]: b for s in model["slides"] for b in s["blocks"] if b["type"] == "Figure"}
    # shown width on a 13.33 in slide: CSS px of the 1280 px slide, points of the 960 pt slide
    shown = page.evaluate("[...document.querySelectorAll('img[data-ld-figure]')].map(i => "
                          "[i.dataset.ldFigure, parseFloat(i.style.width) * 0.75])")
    shown += [(s.name, s.width / 12700) for slide in Presentation(str(dist / f"{name}.pptx")).slides
              for s in slide.shapes if s.name in figures]
    assert len(shown) == 2 * len(figures)
    for figure, width in shown:
        block = figures[figure]
        if block["text_size"]:
            assert block["text_size"] * width / (block["width"] * 72) >= 11.99, (figure, width)


@pytest.fixture(scope="session")
def rendered(built: dict[str, Path], soffice: str, poppler, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every deck's .pptx as LibreOffice draws it: one soffice run for all of them."""
    out = tmp_path_factory.mktemp("rendered")
    decks = [str(built[where] / f"{name}.pptx") for where, name in DECKS]
    subprocess.run([soffice, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(out), *decks], check=True, capture_output=True, timeout=300)
    return out


@pytest.mark.parametrize("where, name", DECKS, ids=[name for _, name in DECKS])
def test_libreoffice_draws_every_text_inside_its_shape(built, rendered: Path, where: str, name: str) -> None:
    assert rendered_problems(built[where] / f"{name}.pptx", rendered / f"{name}.pdf") == []
