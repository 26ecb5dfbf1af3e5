"""Slide structure: title slide, `##` slides, notes, display math, hidden code, layout; model JSON."""
from pathlib import Path

import pytest

from livedeck.model import MODEL_VERSION, Code, Deck, Markdown, Math, Value, from_json, to_json
from livedeck.model.structure import build_deck
from livedeck.read.lesson import read_lesson
from livedeck.style.theme import CodeStyle
from support.builds import write_lesson

LESSON = '''
# %% [markdown]
# # The Title
# A *subtitle*
#
# ::: notes
# Title notes.
# :::

# %%
#| echo: false
hidden = 1

# %% [markdown]
# ## First slide
# Some text with $x^2$.
#
# $$\\frac{a}{b}$$
#
# ::: notes
# Say this.
# :::

# %%
hidden + 1

# %% [markdown]
# More text, same slide.
#
# ## Second slide
# Body.
'''


def deck_of(tmp_path: Path) -> Deck:
    lesson = read_lesson(write_lesson(tmp_path, "03_s.py", LESSON))
    outputs = tuple((Value("2"),) if c.kind == "code" and c.options.echo else () for c in lesson.cells)
    return build_deck(lesson, outputs)


def test_title_slides_notes_math_and_hidden_code(tmp_path: Path) -> None:
    deck = deck_of(tmp_path)
    assert (deck.name, deck.title, deck.subtitle) == ("s", "The Title", "A *subtitle*")
    assert deck.title_notes.startswith("Title notes.\n\nSource: `") and deck.title_notes.endswith("03_s.py`")
    assert [s.title for s in deck.slides] == ["First slide", "Second slide"]
    first = deck.slides[0]
    assert first.blocks == (
        Markdown("Some text with $x^2$."), Math("\\frac{a}{b}"), Code("hidden + 1"), Value("2"),
        Markdown("More text, same slide."),
    )
    assert first.notes == "Say this."
    assert deck.slide_count == 3


def test_model_round_trips_and_refuses_other_versions(tmp_path: Path) -> None:
    deck = deck_of(tmp_path)
    assert from_json(to_json(deck)) == deck
    with pytest.raises(ValueError, match="version"):
        from_json(to_json(deck).replace(f'"version": {MODEL_VERSION}', '"version": 99'))


def test_text_after_the_columns_close_spans_the_slide_again(tmp_path: Path) -> None:
    from livedeck.layout.geometry import Box
    from livedeck.layout.paginate import fit_slide
    from livedeck.layout.planner import Planner
    from livedeck.layout.regions import columns

    path = write_lesson(tmp_path, "01_cols.py", '''
        # %% [markdown]
        # # Columns
        # ## Two columns, then a conclusion
        # :::: columns
        # ::: column
        # Left words.
        # :::
        # ::: column
        # Right words.
        # :::
        # ::::
        #
        # The conclusion, across the slide.
    ''')
    slide = build_deck(read_lesson(path), ((),)).slides[0]
    _top, cols, bottom = columns(slide)
    assert [[b.text for b in col] for _, col in cols] == [["Left words."], ["Right words."]]
    assert [b.text for b in bottom] == ["The conclusion, across the slide."]
    left, right, below = fit_slide(slide, Box(36, 100, 888, 400), Planner({}), CodeStyle())[0]
    assert below.box.y >= max(left.box.bottom, right.box.bottom) and below.box.w > 2 * left.box.w


def test_amsmath_written_bare_is_display_math_as_in_jupyter(tmp_path: Path) -> None:
    lesson = read_lesson(write_lesson(tmp_path, "04_a.py", '''
# %% [markdown]
# # A
# ## Derivation
# The loss:
#
# \\begin{align}
# L &= (y - \\hat y)^2 \\\\
# =
# \\end{align}
#
# \\begin{equation*}
# x = 1
# \\end{equation*}
'''))
    slide = build_deck(lesson, tuple(() for _ in lesson.cells)).slides[0]
    # a line holding only `=` stays inside the formula: it does not make the line above a heading
    assert slide.title == "Derivation"
    assert slide.blocks == (Markdown("The loss:"),
                            Math("\\begin{align}\nL &= (y - \\hat y)^2 \\\\\n=\n\\end{align}"),
                            Math("\\begin{equation*}\nx = 1\n\\end{equation*}"))


def test_blocks_from_markdown_carry_the_line_they_are_written_on(tmp_path: Path) -> None:
    """Messages about a picture or a formula name its line from the block itself (no search of the lesson
    for its text, which found the first of two alike); an alert box made a callout shifts nothing after it."""
    source = [
        "# %% [markdown]",                                            # 1
        "# # Lines",                                                  # 2
        "# ## The slide",                                             # 3
        "# Some text with $a$.",                                      # 4
        "#",                                                          # 5
        '# <div class="alert alert-info"><h4>Note</h4><p>One',         # 6
        "# two</p></div>",                                            # 7
        "#",                                                          # 8
        "# ![A picture](missing.png)",                                # 9
        "#",                                                          # 10
        "# $$b = 2$$",                                                # 11
        "#",                                                          # 12
        "# | x | y |",                                                # 13
        "# |---|---|",                                                # 14
        "# | 1 | 2 |",                                                # 15
    ]
    lesson = read_lesson(write_lesson(tmp_path, "01_lines.py", "\n".join(source) + "\n"))
    [slide] = build_deck(lesson, ((),)).slides
    assert [(type(b).__name__, b.line) for b in slide.blocks] == [
        ("Markdown", 4), ("Callout", 6), ("Image", 9), ("Math", 11), ("Table", 13)]


def built(tmp_path: Path, source: str, deeper: bool = False) -> Deck:
    lesson = read_lesson(write_lesson(tmp_path, "05_t.py", source))
    return build_deck(lesson, tuple(() for _ in lesson.cells), deeper=deeper)


SECTIONED = '''
# %%
import torch
print(torch.__version__)

# %% [markdown]
# # Creating a Tensor

# %%
torch.zeros(2)

# %% [markdown]
# # Tensor Shapes

# %%
torch.ones(2).shape

# %% [markdown]
# # Operations
# ## Scalar operations

# %%
torch.ones(2) + 1

# %% [markdown]
# ## Reductions

# %%
torch.ones(2).sum()
'''


def test_a_top_heading_among_several_with_code_before_it_heads_a_section_not_the_deck(tmp_path: Path) -> None:
    """A notebook of `# Creating a Tensor`, `# Tensor Shapes`, … with a version check above them was titled
    "Creating a Tensor", its first section, and that section's slide vanished into the title slide."""
    deck = built(tmp_path, SECTIONED)
    assert deck.title == "t" and [s.title for s in deck.slides][:3] == ["", "Creating a Tensor", "Tensor Shapes"]
    assert deck.before_title == 0


def test_deeper_slides_come_from_the_level_below_and_the_level_above_makes_sections(tmp_path: Path) -> None:
    deck = built(tmp_path, SECTIONED, deeper=True)
    titles = [(s.title, s.layout.value) for s in deck.slides if s.title]
    assert titles == [("Creating a Tensor", "section"), ("Tensor Shapes", "section"), ("Operations", "section"),
                      ("Scalar operations", "stack"), ("Reductions", "stack")]
    assert built(tmp_path, LESSON.replace("03_s", "05_t"), deeper=True).slides == \
        built(tmp_path, LESSON.replace("03_s", "05_t")).slides  # no level below: the same slides


def test_what_a_notebook_shows_before_its_title_stays_before_the_title_slide(tmp_path: Path) -> None:
    from livedeck.layout import SlideKind, lay_out

    source = '''
# %% [markdown]
# [Open in a notebook](https://example.org/nb) · [Course home](https://example.org)

# %% [markdown]
# # Leaves of the Graph
# Which tensors autograd fills in.

# %% [markdown]
# ## The rules
# Leaves are the tensors a user made.
'''
    deck = built(tmp_path, source)
    assert (deck.title, deck.before_title) == ("Leaves of the Graph", 1)
    slides = lay_out(deck, {}, CodeStyle())
    assert [s.kind for s in slides] == [SlideKind.CONTENT, SlideKind.TITLE, SlideKind.CONTENT]
    assert slides[0].title == "Leaves of the Graph (preface)" and slides[2].title == "The rules"


def test_a_heading_just_before_a_slide_break_heads_the_slide_after_it(tmp_path: Path) -> None:
    """A RISE title cell ends with `## Section`, and the next cell starts a slide (a `---` before it): one slide
    under that heading, not an empty one and an untitled one after it."""
    deck = built(tmp_path, '# %% [markdown]\n# # Deck\n#\n# ## Section\n\n'
                           '# %% [markdown] slideshow={"slide_type": "slide"}\n# What it says.\n\n'
                           '# %% [markdown] slideshow={"slide_type": "slide"}\n# Then more.\n')
    assert [(s.title, [b.text for b in s.blocks]) for s in deck.slides] == [
        ("Section", ["What it says."]), ("", ["Then more."])]
