"""The paginator, in milliseconds: slides cut by the lesson's structure (layout/paginate.py, statements.py).

Random cells (code with compound statements, printed output, figures) are laid out and checked against the
rules a lecturer reads a deck by: a cell's code, output and figure together where they fit one slide; code cut
between statements, never between a header and its body; a figure on its code's slide or on the next, which
says whose it is; no split output leaving fewer than three lines on either side.
"""
from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from livedeck.layout import lay_out
from livedeck.layout.math_engine import Formula
from livedeck.layout.statements import cut_depths
from livedeck.model import Code, Deck, Figure, Markdown, Slide, Stream
from livedeck.style.theme import CodeStyle

FORMULAS: dict[tuple[str, bool], Formula] = {}


def laid(*blocks) -> tuple:
    return lay_out(Deck("t", "A deck", "", "t.py", (Slide("Cells", tuple(blocks)),)), FORMULAS, CodeStyle(), "f")[1:]


def test_cuts_fall_between_statements_never_between_a_header_and_its_body() -> None:
    source = "\n".join([
        "import torch",                 # 1
        "for i in range(5):",           # 2: a cut before 2 is between top-level statements
        "    print(i)",                 # 3: never (header | body)
        "    total += i",               # 4: between the loop's body statements: depth 1
        "",                             # 5
        "# a model",                    # 6
        "@torch.no_grad()",             # 7
        "def f(a,",                     # 8
        "      b):",                    # 9: inside the header
        "    if a:",                    # 10: never (header | body)
        "        return 1",             # 11: never
        "    else:",                    # 12: between clauses: never
        "        return 2",             # 13
        "%timeit f(1, 2)",              # 14: IPython's magic is a statement of its own
        "y = {1: 2,",                   # 15
        "     3: 4}"])                  # 16: inside a statement
    assert cut_depths(source) == {2: 0, 4: 1, 5: 0, 6: 0, 14: 0, 15: 0}  # (7: right after the comment)
    assert cut_depths("x = (\n1 +") == {2: 0}  # code that does not parse: any line


def loop(name: str, body: int) -> str:
    return f"for {name} in range({body}):\n" + "\n".join(f"    {name}_{k} = {name} * {k}" for k in range(body))


statement = st.one_of(st.integers(0, 99).map(lambda n: f"value_{n} = {n} * 2"),
                      st.builds(loop, st.sampled_from("ijk"), st.integers(1, 12)),
                      st.just("\n# the next step"), st.just(""))
cell = st.tuples(st.lists(statement, min_size=1, max_size=14).map("\n".join),
                 st.integers(0, 30), st.booleans())


def blocks_of(cells: list[tuple[str, int, bool]]) -> list:
    blocks: list = []
    for number, (source, printed, drawn) in enumerate(cells):
        blocks.append(Code(f"cell_{number} = {number}\n" + source.strip("\n")))  # no two blocks alike
        if printed:
            blocks.append(Stream("\n".join(f"cell {number}, epoch {n}: loss 0.{n:04d}" for n in range(printed))))
        if drawn:
            blocks.append(Figure(f"fig-{number:02d}", 6.4, 4.8, text_size=14.0))
    return blocks


@settings(max_examples=30, deadline=None)
@given(st.lists(cell, min_size=1, max_size=5))
@example([(loop("i", 12) + "\n" + loop("j", 12) + "\n" + loop("k", 12), 0, True)])
@example([("x = 1", 8, False), ("y = 2", 0, True), (loop("i", 6), 20, True)])
def test_slides_are_cut_by_the_cells_structure(cells) -> None:
    blocks = blocks_of(cells)
    slides = laid(*blocks)
    where = {}  # each block's parts: (slide, paragraphs shown)
    for index, slide in enumerate(slides):
        for item in slide.items:
            where.setdefault(item.block, []).append((index, item))
    for position, block in enumerate(blocks):
        shown = where[block]
        if isinstance(block, Code):
            depths = cut_depths(block.source)
            for _, part in shown[1:]:  # a code part that goes on starts between two statements
                first = part.paragraphs[0]
                assert not first.continued and first.line in depths, (block.source, first.line)
        if isinstance(block, Stream) and len(shown) > 1:
            assert min(len(part.paragraphs) for _, part in shown) >= 3
        if isinstance(block, Figure):
            code = next(b for b in reversed(blocks[:position]) if isinstance(b, Code))
            figure_slide, code_slide = shown[0][0], where[code][-1][0]
            assert figure_slide - code_slide in (0, 1)
            if figure_slide != code_slide and slides[figure_slide].items[0].block is block \
                    and slides[code_slide].items[-1].block is code:
                assert "› figure of" in slides[figure_slide].title or "› its figure" in slides[figure_slide].title


def test_a_cell_that_fits_a_slide_is_never_cut() -> None:
    """A training loop's code, its printed epochs and its loss curve were spread over five slides; a cell
    that fits one slide at the floor sizes starts a new slide rather than being cut."""
    intro = Markdown(" ".join(["A sentence about the model and its data."] * 14))
    training = Code("# train\n" + loop("epoch", 8) + "\nplt.plot(losses)")
    printed = Stream("\n".join(f"Epoch: {n} | loss: 0.{n:03d}" for n in range(0, 100, 10)))
    curve = Figure("fig-01", 6.4, 4.0, text_size=14.0)
    slides = laid(intro, training, printed, curve)
    assert [type(item.block).__name__ for item in slides[-1].items] == ["Code", "Stream", "Figure"]
    assert all(len(slide.items) for slide in slides)


def test_a_loop_longer_than_a_slide_is_cut_between_its_body_statements() -> None:
    source = "for step in range(100):\n" + "\n".join(f"    loss_{k} = step * {k}" for k in range(60))
    slides = laid(Code(source))
    assert len(slides) >= 2
    firsts = [slide.items[0].paragraphs[0] for slide in slides[1:]]
    assert all(p.line >= 3 and cut_depths(source)[p.line] == 1 for p in firsts)


def test_a_figure_or_output_apart_from_its_code_says_whose_it_is_and_a_markdown_table_does_not() -> None:
    from livedeck.layout import _page_titles
    from livedeck.layout.geometry import Box
    from livedeck.layout.planner import Placed
    from livedeck.layout.richtext import Paragraph, Run
    from livedeck.model import Table

    def page(block, first_line: str = "") -> list[Placed]:
        return [Placed(block, Box(0, 0, 10, 10), 14.0, paragraphs=(Paragraph((Run(first_line),)),) if first_line else ())]

    code = Code("import torch\nplt.plot(losses)")
    pages = [page(code, "import torch"), page(Figure("fig-01", 6.4, 4.8)), page(code, "import torch"),
             page(Stream("epoch 1")), page(code, "x = 1"), page(Table("", ("a",), (("1",),), markdown=True))]
    titles = _page_titles("Train", pages, 0)
    assert titles[1] == "Train › figure of `plt.plot(losses)`" and titles[3] == "Train › output of `plt.plot(losses)`"
    assert titles[5] == "Train (cont. 5)"  # a GitHub table is the markdown's, not the cell's
    assert _page_titles("Train", pages, 0, short=True)[1] == "Train › its figure"
