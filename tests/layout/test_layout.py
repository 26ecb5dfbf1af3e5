"""The layout stage, in process and in milliseconds: every planned block fits its slide.

Property tests generate content (code widths, output lengths, table shapes, title lengths) and
check what every writer relies on; the example tests pin the choices a lecturer sees.
"""
from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from livedeck.layout import SlideKind, lay_out, measure
from livedeck.layout.geometry import CODE_FLOOR, FIGURE_TEXT_MIN, LEVELS, SLIDE_HEIGHT, SLIDE_WIDTH, Box
from livedeck.layout.math_engine import Formula
from livedeck.layout.parts import Part
from livedeck.layout.planner import Planner
from livedeck.layout.richtext import markdown_paragraphs
from livedeck.model import Code, Deck, Figure, Markdown, Math, Slide, Stream, Table
from livedeck.style.theme import CodeStyle

FORMULAS = {("x^2", False): Formula("x^2", False, width=1.2, height=1.1, depth=0.2),
            (r"\frac{a}{b}", True): Formula(r"\frac{a}{b}", True, width=1.5, height=2.3, depth=0.8)}
SLIDE = Box(0, 0, SLIDE_WIDTH, SLIDE_HEIGHT)


def laid(*slides: Slide, title: str = "A deck", subtitle: str = "") -> tuple:
    return lay_out(Deck("t", title, subtitle, "t.py", tuple(slides)), FORMULAS, CodeStyle(), "figures/t")


def inside(box: Box, outer: Box) -> bool:
    return box.x >= outer.x - 0.01 and box.y >= outer.y - 0.01 and box.right <= outer.right + 0.01 \
        and box.bottom <= outer.bottom + 0.01


def overlaps(a: Box, b: Box) -> bool:
    return a.x < b.right - 0.5 and b.x < a.right - 0.5 and a.y < b.bottom - 0.5 and b.y < a.bottom - 0.5


def check_slide(slide, planner: Planner) -> None:
    """What every writer relies on, for one laid-out slide."""
    assert inside(slide.title_box, SLIDE)
    for item in slide.items:
        assert inside(item.box, SLIDE), (slide.title, item.block, item.box)
        if item.picture is not None:
            assert inside(item.picture, item.box) or isinstance(item.block, Math)
        if isinstance(item.block, (Code, Stream)):
            assert item.size >= CODE_FLOOR
            room = item.box.w - 2 * 8.0
            for line in item.paragraphs:  # drawn on one line each: wrapped here, never by the renderer
                assert measure.width(line.text, item.size, mono=True) <= room, line.text
            assert len(item.paragraphs) * item.size * 1.2 + 10 <= item.box.h + 0.01
        if isinstance(item.block, Markdown):
            level = next(i for i, sizes in enumerate(LEVELS) if sizes[0] == item.size)
            assert planner.text_height(Part(item.block, item.paragraphs), item.box.w, level) <= item.box.h + 0.01
        if isinstance(item.block, Table):
            assert sum(item.column_widths) <= item.box.w + 0.01
    for a in slide.items:
        for b in slide.items:
            if a is not b and a.box.h and b.box.h:
                assert not overlaps(a.box, b.box), (slide.title, a.block, b.block)


code_line = st.one_of(st.text(alphabet="abcdefghij _=()+*[].,0123456789", min_size=0, max_size=60),
                      st.text(alphabet="abcdefghij _=()+*[].,0123456789", min_size=60, max_size=300))
code = st.lists(code_line, min_size=1, max_size=40).map(lambda lines: Code("\n".join(lines)))
output = st.lists(code_line, min_size=1, max_size=40).map(lambda lines: Stream("\n".join(lines)))
words = st.lists(st.sampled_from(["word", "gradient", "a", "backward()", "**bold**", "`x.grad`", "$x^2$"]),
                 min_size=1, max_size=60).map(" ".join)
text = st.lists(words, min_size=1, max_size=12).map(lambda items: Markdown("\n".join(f"- {i}" for i in items)))
cell = st.text(alphabet="abc0123456789.", min_size=1, max_size=14)
table = st.builds(lambda columns, rows, cells: Table("table-01", ("",) + tuple(f"t{i}" for i in range(columns)),
                                                     tuple((f"r{r}",) + tuple(cells[:columns]) for r in range(rows))),
                  st.integers(1, 50), st.integers(1, 30), st.lists(cell, min_size=50, max_size=50))
figure = st.builds(lambda w, h, t: Figure("fig-01", w, h, text_size=t), st.floats(2, 16), st.floats(2, 9),
                   st.sampled_from([0.0, 8.0, 11.0, 13.0, 20.0]))
block = st.one_of(code, output, text, table, figure, st.just(Math(r"\frac{a}{b}")))


@settings(max_examples=25, deadline=None)
@given(st.lists(block, min_size=1, max_size=5), words)
def test_every_planned_block_fits_its_slide(blocks, title) -> None:
    planner = Planner(FORMULAS)
    for slide in laid(Slide(title, tuple(blocks)), title=title)[1:]:
        check_slide(slide, planner)


@settings(max_examples=30, deadline=None)
@given(words, st.lists(words, min_size=0, max_size=6))
def test_titles_take_two_lines_at_most_and_a_long_subtitle_gets_its_own_slide(title, paragraphs) -> None:
    subtitle = "\n\n".join(paragraphs)
    slides = laid(Slide(title, (Markdown("body"),)), title=title, subtitle=subtitle)
    assert slides[0].kind == SlideKind.TITLE
    for slide in slides:
        assert inside(slide.title_box, SLIDE)
        for item in slide.items:
            assert inside(item.box, SLIDE)
    opening = slides[0]
    if opening.items:  # the subtitle stayed: it fits, under the title
        assert opening.items[0].box.y >= opening.title_box.bottom


def test_a_figure_is_shown_no_smaller_than_keeps_its_text_legible() -> None:
    short = Code("plt.plot(x, y)\nplt.legend()")
    figure = Figure("fig-01", 6.4, 3.6, text_size=13.0)
    for slide in laid(Slide("s", (Markdown("Some words before."), short, figure)))[1:]:
        for item in slide.items:
            if isinstance(item.block, Figure):
                assert 13.0 * item.picture.w / (6.4 * 72) >= FIGURE_TEXT_MIN - 0.01


def test_code_beside_its_figure_only_when_the_figure_gets_larger() -> None:
    short = Code("plt.plot(x, y)\nplt.legend()")
    square = laid(Slide("s", (short, Figure("fig-01", 5, 5, text_size=13.0))))[1]
    code, fig = square.items
    assert fig.box.x > code.box.right  # side by side: the square figure is larger there
    wide = laid(Slide("s", (short, Figure("fig-01", 12, 3, text_size=13.0))))[1]
    code, fig = wide.items
    assert fig.box.y > code.box.bottom  # stacked: a wide figure is larger under the code


def test_code_shrinks_to_its_longest_line_then_wraps_with_a_mark() -> None:
    fits = laid(Slide("s", (Code("x = " + "1 + " * 20 + "1"),)))[1].items[0]
    assert fits.size < 20 and len(fits.paragraphs) == 1  # smaller, not wrapped
    long = laid(Slide("s", (Code("x = " + "1 + " * 60 + "1"),)))[1].items[0]
    assert long.size == CODE_FLOOR
    assert [p.continued for p in long.paragraphs][:2] == [False, True]
    assert long.paragraphs[1].runs[0].text.strip() == "↪"


def test_long_output_continues_on_more_slides() -> None:
    slides = laid(Slide("Out", (Code("for i in range(50): print(i)"), Stream("\n".join(map(str, range(50)))))))
    assert len(slides) > 3 and all(s.continued for s in slides[2:])
    # every title differs from the others: listeners, and PowerPoint's accessibility checker, go by titles
    assert [s.title for s in slides[1:]] == ["Out", "Out (cont.)"] + [f"Out (cont. {n})" for n in range(2, len(slides) - 1)]
    shown = [p.text for s in slides[1:] for item in s.items if isinstance(item.block, Stream) for p in item.paragraphs]
    assert shown == [str(i) for i in range(50)]


sentence = st.lists(st.sampled_from(["gradient", "a", "the", "descends", "loss", "**bold**", "$x^2$", "`x.grad`",
                                     "step.", "e.g."]), min_size=5, max_size=30).map(lambda w: " ".join(w) + ".")
long_paragraph = st.lists(sentence, min_size=25, max_size=60).map(" ".join)  # 125 to 1,800 words


@settings(max_examples=25, deadline=None)
@given(long_paragraph, st.booleans())
def test_a_paragraph_longer_than_a_slide_splits_between_sentences_and_nothing_runs_off(paragraph, one_sentence):
    """A 420-word paragraph ran off the slide in both formats. Now every slide fits, no word is lost or
    repeated, and each cut falls at a sentence's end; in one sentence that long, between words."""
    if one_sentence:
        paragraph = paragraph.replace(". ", " ")
    planner = Planner(FORMULAS)
    slides = laid(Slide("Prose", (Markdown("Before it."), Markdown(paragraph))))[1:]
    for slide in slides:
        check_slide(slide, planner)
    parts = [p for s in slides for item in s.items if isinstance(item.block, Markdown) and item.block.text != "Before it."
             for p in item.paragraphs]
    assert " ".join(p.text for p in parts).split() == markdown_paragraphs(paragraph)[0].text.split()
    for part in parts[:-1]:
        assert part.text.endswith(".") or one_sentence


def test_a_420_word_paragraph_takes_two_slides() -> None:
    paragraph = " ".join(f"Sentence {n} says a gradient points uphill and the step goes against it." for n in range(32))
    slides = laid(Slide("Prose", (Markdown(paragraph),)))[1:]
    assert len(paragraph.split()) > 400 and [s.title for s in slides] == ["Prose", "Prose (cont.)"]
    assert slides[0].items[0].paragraphs[0].text.endswith("against it.")
    assert slides[1].items[0].paragraphs[0].text.startswith("Sentence ")


def test_a_markdown_text_longer_than_twenty_slides_is_cut_and_says_so() -> None:
    """A 5 MB markdown cell took 69 s and became one box: it shows its first 30,000 characters, to a sentence's
    end, and a line saying how much is left; the build warns at its line (publish.py)."""
    from livedeck.layout.regions import MAX_TEXT_CHARS, cut_texts

    text = "A gradient points uphill. " * 200_000
    ((shown,),), cuts = cut_texts(((Markdown(text, line=7),),))
    kept, note = shown.text.rsplit("\n\n", 1)
    assert len(kept) <= MAX_TEXT_CHARS and kept.endswith("uphill.")
    assert note == f"*… {len(text) - len(kept):,} more characters of this text are not shown.*"
    assert [(c.line, c.length, c.shown) for c in cuts] == [(7, len(text), len(kept))]


def test_an_untitled_slide_goes_on_under_the_title_before_it() -> None:
    slides = laid(Slide("Setup", (Markdown("One"),)), Slide("", (Code("x = 1"),)), Slide("Setup", (Markdown("Two"),)),
                  title="Setup")
    assert [s.title for s in slides] == ["Setup", "Setup (cont.)", "Setup (cont. 2)", "Setup (cont. 3)"]


def test_a_wide_table_splits_by_columns_repeating_the_row_labels() -> None:
    wide = Table("table-01", ("",) + tuple(f"tensor{i}" for i in range(40)),
                 (("data",) + tuple("1.0" for _ in range(40)), ("grad",) + tuple("None" for _ in range(40))))
    parts = [item for s in laid(Slide("W", (wide,)))[1:] for item in s.items]
    assert len(parts) > 1
    assert all(p.header[0] == "" and [r[0] for r in p.rows] == ["data", "grad"] for p in parts)
    assert [h for p in parts for h in p.header[1:]] == list(wide.header[1:])


def test_a_long_table_splits_by_rows_repeating_the_header() -> None:
    long = Table("table-01", ("n", "n²"), tuple((str(i), str(i * i)) for i in range(60)))
    parts = [item for s in laid(Slide("L", (long,)))[1:] for item in s.items]
    assert len(parts) > 1 and all(p.header == ("n", "n²") for p in parts)
    assert [r for p in parts for r in p.rows] == list(long.rows)


def test_one_type_scale_a_slide_shrinks_only_what_must() -> None:
    slides = laid(Slide("a", (Markdown("Short text."), Code("x = 1"))),
                  Slide("b", (Markdown("Short text."), Code("y = torch.linspace(-10, 10, 1000, requires_grad=True)"
                                                         "  # a comment that makes the line long"))))
    text_sizes = {item.size for s in slides[1:] for item in s.items if isinstance(item.block, Markdown)}
    assert text_sizes == {24.0}  # the long code line shrinks only its own block
    assert {s.title_size for s in slides[1:]} == {32.0}


def test_the_layout_has_a_time_budget(monkeypatch) -> None:
    """A layout that never ends (a fitting loop that should end) stops with a clear error, never a hang: a
    footer date once looped forever. The budget is cut here to a millisecond for a deck that takes longer."""
    import pytest

    import livedeck.layout as layout
    from livedeck.style.theme import CodeStyle as Style

    monkeypatch.setattr(layout.budget, "LAYOUT_SECONDS", 0.001)
    paragraph = " ".join(f"Sentence {n} says a gradient points uphill and the step goes against it." for n in range(400))
    deck = Deck("t", "A deck", "", "t.py", (Slide("Prose", (Markdown(paragraph),)),))
    with pytest.raises(layout.LayoutTimeout, match=r"laying out the slides took longer than 0\.001 s"):
        layout.lay_out_deck(deck, None, Style())
    monkeypatch.undo()
    assert len(layout.lay_out_deck(deck, None, Style()).slides) > 5  # and with its real budget, it is laid out


def test_what_follows_a_table_goes_below_its_caption() -> None:
    """A table's box is its rows, its caption below them: the next block was placed after the rows, over the
    caption ("3 more columns not shown" under a DataFrame ran into the next paragraph)."""
    table = Table("table-01", ("", "a", "b"), (("0", "1", "2"), ("1", "3", "4")), "3 more columns not shown")
    [slide] = laid(Slide("Frame", (table, Markdown("The next paragraph."))))[1:]
    drawn, text = slide.items
    assert drawn.caption is not None and text.box.y >= drawn.caption.bottom - 0.01


token = st.text(alphabet="abcdefghij_0123456789", min_size=1, max_size=12)
separator = st.sampled_from([" ", ", ", "(", ")", "[", "]", ".", " = ", " + ", ": "])
code_line = st.lists(st.tuples(token, separator), min_size=1, max_size=40).map(
    lambda parts: "    " + "".join(t + s for t, s in parts))


@settings(max_examples=60, deadline=None)
@given(code_line)
def test_a_long_code_line_breaks_between_tokens(line) -> None:
    """Code and warnings wrapped inside a word (`get a↪djusted`, `requires_grad=Tru ↪ e)`): a line breaks at a
    space, comma, operator or bracket, and its tail goes under the bracket it is in; nothing is lost."""
    from livedeck.layout.parts import CONTINUATION, mono_lines
    from livedeck.layout.richtext import Paragraph, Run

    lines = [p.text for p in mono_lines((Paragraph((Run(line, code=True),)),), 14.0, 300.0)]
    tails = [text.split(CONTINUATION, 1)[1] for text in lines[1:]]
    assert "".join([lines[0], *tails]).replace(" ", "") == line.replace(" ", "")
    names = set("abcdefghij_0123456789")
    for before, after in zip([lines[0], *tails], tails):
        assert not (before[-1] in names and after[0] in names), (before, after)  # never inside a token


def test_a_tail_is_indented_under_its_opening_bracket() -> None:
    from livedeck.layout.parts import CONTINUATION, mono_lines
    from livedeck.layout.richtext import Paragraph, Run

    line = "total = combine(first_argument_value, second_argument_value, third_argument_value)"
    first, second = [p.text for p in mono_lines((Paragraph((Run(line, code=True),)),), 14.0, 520.0)]
    assert first.rstrip().endswith(",") and second.index(CONTINUATION) == line.index("(") + 1


def test_a_continuation_is_titled_by_the_subheading_it_is_under() -> None:
    """"6. Putting it all together (cont. 22)": a continuation that starts at, or after, a subheading is titled
    by it, and one that starts with a cell whose first line is a comment, by the comment; "(cont. N)" is left
    for a page nothing names."""
    words = " ".join(["A sentence about the gradient of the loss."] * 12)
    blocks = (Markdown(words), Markdown("#### Creating a loss function\n\n" + words), Markdown(words),
              Code("# fit the line\nfor step in range(3):\n    print(step)"), Markdown(words), Markdown(words))
    titles = [slide.title for slide in laid(Slide("3. Train model", blocks))[1:]]
    assert titles[0] == "3. Train model" and len(titles) == len(set(titles)) >= 3
    assert any(title.startswith("3. Train model › Creating a loss function") for title in titles[1:])
    assert all("(cont." not in title or "›" in title for title in titles[1:3])


def test_a_page_that_starts_with_a_commented_cell_is_titled_by_its_comment() -> None:
    from livedeck.layout import _page_titles
    from livedeck.layout.planner import Placed
    from livedeck.layout.richtext import Paragraph, Run

    def page(block, first_line: str) -> list[Placed]:
        return [Placed(block, SLIDE, 14.0, paragraphs=(Paragraph((Run(first_line),)),))]

    pages = [page(Markdown("intro"), "intro"), page(Code("# show the blank index\nx"), "# show the blank index"),
             page(Markdown("more"), "more"), page(Code("x = 1"), "x = 1")]
    assert _page_titles("1: Blank frames", pages, 0) == [
        "1: Blank frames", "1: Blank frames › show the blank index", "1: Blank frames (cont. 2)",
        "1: Blank frames (cont. 3)"]


@settings(max_examples=40, deadline=None)
@given(st.integers(4, 200), st.integers(0, 14))
@example(169, 0)  # seven full slides and one line
@example(154, 8)
def test_a_split_output_leaves_three_lines_on_each_side(lines, before) -> None:
    """An output cut over slides started with an orphaned line ("[3 rows x 8 columns]"): each part of a split
    output holds at least 3 lines, at its start and at its end, as TeX keeps widows and orphans."""
    text = "\n".join(f"line {n}" for n in range(lines))
    blocks = tuple(Markdown(f"Paragraph {n} about the slide.") for n in range(before)) + (Stream(text),)
    parts = [len(item.paragraphs) for slide in laid(Slide("Out", blocks))[1:] for item in slide.items
             if isinstance(item.block, Stream)]
    assert sum(parts) == lines and (len(parts) == 1 or min(parts) >= 3), parts
