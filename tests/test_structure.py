"""Slide structure: title slide, `##` slides, notes, display math, hidden code, layout; model JSON."""
from pathlib import Path

import pytest

from conftest import write_lesson
from livedeck.lesson import read_lesson
from livedeck.model import MODEL_VERSION, Code, Deck, Figure, Markdown, Math, Value, from_json, to_json
from livedeck.structure import build_deck, choose_layout

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
    assert (deck.name, deck.title, deck.subtitle, deck.title_notes) == ("s", "The Title", "A *subtitle*", "Title notes.")
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


def test_code_beside_figure_only_when_it_helps() -> None:
    short = Code("plt.plot(x, y)\nplt.legend()")
    square = Figure("fig-01", 5, 5)
    wide = Figure("fig-01", 12, 3)
    assert choose_layout([short, square]) == "code-figure"
    assert choose_layout([short, wide]) == "stack"  # a wide figure is larger under the code
    long_line = Code("x = torch.linspace(-10, 10, 1000, requires_grad=True)  # too wide for half a slide")
    assert choose_layout([long_line, square]) == "stack"
    assert choose_layout([short, square, Figure("fig-02", 5, 5)]) == "stack"


def test_text_after_the_columns_close_spans_the_slide_again(tmp_path: Path) -> None:
    from livedeck.layout.regions import columns
    from livedeck.writers.pptx.layout import Box, Planner, plan_slide

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
    top, cols, bottom = columns(slide)
    assert [[b.text for b in col] for _, col in cols] == [["Left words."], ["Right words."]]
    assert [b.text for b in bottom] == ["The conclusion, across the slide."]
    planned = plan_slide(slide, slide.title, "", Box(36, 100, 888, 400), Planner(lambda latex, size: (10, 10)),
                         "default")[0]
    left, right, below = planned.items
    assert below.box.y >= max(left.box.bottom, right.box.bottom) and below.box.w > 2 * left.box.w
