"""Math as lecture notes and docstrings write it: sixty-odd formulas of our own course in the shapes public
deep-learning material uses (tests/fixtures/formulas), built once into HTML and PowerPoint."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from support.builds import ROOT, build_here
from support.pptx_checks import LATEX_COMMAND

CORPUS = ROOT / "tests" / "fixtures" / "formulas" / "01_formula_corpus.py"

# Each inline formula as PowerPoint text, written by hand: ^{…} a raised run, _{…} a lowered one, **…** bold.
INLINE = [
    (r"\langle g, h \rangle", "⟨g, h⟩"),
    (r"\|\nabla f\|_2", "‖∇f‖_{2}"),
    (r"m_1 \in \{0, 1\}", "m_{1} ∈ {0, 1}"),
    (r"w_1, \dots, w_k", "w_{1}, …, w_{k}"),
    (r"2\mathbf{v}^{\top}\mathbf{v}", "2**v**^{T}**v**"),
    (r"\mathbb{R}^{k \times n}", "ℝ^{k×n}"),
    (r"\mathbb{E}[L]", "𝔼[L]"),
    (r"p(t \mid x)", "p(t ∣ x)"),
    (r"e^{-u^2/2}", "e^{−u^2/2}"),
    (r"\hat{t}", "t̂"),
    (r"\sum_{j=1}^{k} w_j", "∑_{j=1}^{k}w_{j}"),
    (r"\boldsymbol{\omega}", "**ω**"),
    (r"\mathcal{L}", "ℒ"),
    (r"\sqrt{u^2+v^2}", "√(u^{2} + v^{2})"),
    (r"g'(u)", "g′(u)"),
    (r"\frac{\partial L}{\partial w}", "∂L/∂w"),
    (r"\sigma(x), \tanh(x), \text{ReLU}(x)", "σ(x), tanh(x), ReLU(x)"),
    (r"t_n \in \{1, \dots, K\}", "t_{n} ∈ {1, …, K}"),
    (r"G_{k_0} = \sum_{k=k_0}^{\infty} \beta^{k - k_0} g_k", "G_{k_0} = ∑_{k=k_0}^{∞}β^{k−k_0}g_{k}"),
    (r"L^*: Weights \times Data \rightarrow \mathbb{R}", "L^{∗} : Weights × Data → ℝ"),
    (r"M(w_{k+1}) = \min_j L(w_{k+1}, j)", "M(w_{k+1}) = min_{j}L(w_{k+1}, j)"),
    (r"\vec{u}=g(\vec{w})", "u⃗ = g(w⃗)"),
    (r"c^T\cdot J", "c^{T} ⋅ J"),
    (r"\textbf{H}_{i,j}", "**H**_{i,j}"),
    (r"m_k \leftarrow \nabla_{w} L_k (w_{k-1})", "m_{k} ← ∇_{w}L_{k}(w_{k−1})"),
    (r"\log p_j(x,t)", "log p_{j}(x, t)"),
    (r"(k,n,s) = (2, 5, \text{FC})", "(k, n, s) = (2, 5, FC)"),
]



@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The corpus built once: its dist/ folder, and what the build printed."""
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "slides").mkdir()
    shutil.copy(CORPUS, folder / "slides")
    result = build_here("-f", "html", "-f", "pptx", "-f", "json", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "dist", result


@pytest.fixture(scope="module")
def corpus(built) -> Path:
    return built[0]


def test_the_corpus_holds_sixty_formulas_of_every_kind() -> None:
    source = CORPUS.read_text(encoding="utf-8")
    display = re.findall(r"\$\$(.+?)\$\$", source, re.S)
    inline = re.findall(r"(?<![`$])\$([^$`\n]+?)\$(?!`)", re.sub(r"\$\$(.+?)\$\$", "", source, flags=re.S))
    assert len(display) + len(inline) >= 60 and len(display) >= 20
    for kind in (r"\begin{cases}", r"\begin{array}", r"\begin{aligned}", r"\{", r"\langle", r"\mathbb{E}", r"\|",
                 r"\frac", r"\sum", r"\sqrt", r"\mathbf", r"\left"):
        assert kind in source, kind
    assert {latex for latex, _ in INLINE} <= set(inline)


def test_html_typesets_every_formula_and_shows_no_tex(corpus: Path, browser) -> None:
    page = browser.new_page()
    try:
        page.goto((corpus / "formula_corpus.html").as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=20_000)
        shown = page.evaluate("""() => {
          const slides = document.querySelector('.slides').cloneNode(true);
          slides.querySelectorAll('.ld-mathml, aside.notes, code, pre, svg').forEach(e => e.remove());
          return slides.textContent; }""")
        assert not LATEX_COMMAND.search(shown) and "$" not in shown, LATEX_COMMAND.findall(shown)[:5]
        formulas = page.evaluate("document.querySelectorAll('.ld-formula > svg').length")
        assert formulas >= 60
        assert page.evaluate("document.querySelectorAll('[data-mjx-error], merror, .ld-error').length") == 0
    finally:
        page.close()


def test_powerpoint_has_no_latex_and_every_display_formula_is_a_described_picture(corpus: Path) -> None:
    deck = json.loads((corpus / "formula_corpus.json").read_text())["deck"]
    display = [b["latex"] for s in deck["slides"] for b in s["blocks"] if b["type"] == "Math"]
    prs = Presentation(str(corpus / "formula_corpus.pptx"))
    pictures, texts = [], []
    for slide in prs.slides:
        texts += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
        pictures += [shape._element.nvPicPr.cNvPr.get("descr", "") for shape in slide.shapes
                     if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert [t for t in texts if LATEX_COMMAND.search(t)] == []
    assert len(pictures) == len(display) >= 20
    assert all(alt.strip() and not LATEX_COMMAND.search(alt) for alt in pictures)
    assert "the fraction with numerator" in " ".join(pictures)  # said in words


def _as_written(paragraph) -> str:
    """A PowerPoint paragraph in the notation of INLINE: neighbouring runs of one style joined, then marked."""
    out, group, style = [], "", None
    for run in [*paragraph.runs, None]:
        current = None if run is None else (run.font.bold, run._r.get_or_add_rPr().get("baseline"))
        if current != style and group:
            bold, baseline = style
            text = f"**{group}**" if bold else group
            out.append({"30000": f"^{{{text}}}", "-25000": f"_{{{text}}}"}.get(baseline, text))
            group = ""
        if run is not None:
            group, style = group + run.text, current
    return "".join(out)


def test_inline_formulas_read_in_powerpoint_as_written_by_hand(corpus: Path) -> None:
    prs = Presentation(str(corpus / "formula_corpus.pptx"))
    written = "\n".join(_as_written(p) for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
                        for p in shape.text_frame.paragraphs)
    missing = [(latex, expected) for latex, expected in INLINE if expected not in written]
    assert missing == [], written


def test_an_inline_formula_text_cannot_lay_out_is_written_in_full_and_named(built) -> None:
    corpus, result = built
    assert "slides/01_formula_corpus.py:161: the PowerPoint shows the inline formula $\\begin{pmatrix}" in result.stderr
    texts = [shape.text_frame.text for slide in Presentation(str(corpus / "formula_corpus.pptx")).slides
             for shape in slide.shapes if shape.has_text_frame]
    assert any("(2, 0; 1, 5)" in t for t in texts)  # every entry, none dropped, no command left


def test_notes_and_titles_read_formulas_as_text_without_a_command() -> None:
    """Where there is no MathML to read (speaker notes, titles, the PDF outline): unimath's reading."""
    from livedeck.layout.unimath import latex_to_unicode

    assert latex_to_unicode(r"\langle g, h \rangle") == "⟨ g, h ⟩"
    assert latex_to_unicode(r"m_1 \in \{0, 1\}") == "m₁ ∈ {0, 1}"  # braces kept: a set, not a group
    assert latex_to_unicode(r"w_1, \dots, w_k") == "w₁, …, wₖ"
    assert latex_to_unicode(r"2\mathbf{v}^{\top}\mathbf{v}") == "2vᵀv"
    assert latex_to_unicode(r"\unknowncommand x") == "unknowncommand x"  # never a backslash left
    assert not LATEX_COMMAND.search(" ".join(latex_to_unicode(latex) for latex, _ in INLINE))
