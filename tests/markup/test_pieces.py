"""A markdown cell cut into the pieces slide structure is made of: headings, breaks, notes, math, tables,
callouts, pictures and text, each with what the structure needs of it."""
from __future__ import annotations

from livedeck.markup.pieces import Kind, gfm_table, list_items, split_markdown


def test_each_kind_of_piece() -> None:
    source = """## A slide

Some *text*.

$$y = 2x$$

| a | b |
|:--|--:|
| 1 | 2 |

![A plot](plot.png)

::: {.callout-tip title="Try it"}
Change $x$.
:::

::: notes
Say why.
:::

---

. . .
"""
    pieces = list(split_markdown(source))
    assert [p.kind for p in pieces] == [Kind.HEADING, Kind.TEXT, Kind.MATH, Kind.TABLE, Kind.IMAGE, Kind.CALLOUT,
                                        Kind.NOTES, Kind.BREAK, Kind.PAUSE]
    heading, text, math, table, image, callout, notes = pieces[:7]
    assert (heading.level, heading.text) == (2, "A slide") and text.text == "Some *text*."
    assert math.text == "y = 2x" and table.table == ((("a", "b")), (("1", "2"),), ("left", "right"))
    assert (image.text, image.source) == ("A plot", "plot.png")
    assert (callout.source, callout.title, callout.text) == ("tip", "Try it", "Change $x$.") and notes.text == "Say why."


def test_a_numbered_title_is_not_a_list_and_html_alert_boxes_are_callouts() -> None:
    [heading] = split_markdown("# 00. Fundamentals")
    assert heading.text == "00\\. Fundamentals"  # drawn as a title, not as a list numbered 0
    [callout] = split_markdown('<div class="alert alert-info"><h4>Note</h4><p>Read this.</p></div>')
    assert (callout.kind, callout.source, callout.title) == (Kind.CALLOUT, "note", "Note") and "Read this." in callout.text


def test_tables_and_lists_as_the_structure_counts_them() -> None:
    header, rows, align = gfm_table("| x | y |\n|---|:-:|\n| `a` | $b$ |\n| c | d |")
    assert header == ("x", "y") and rows == (("`a`", "$b$"), ("c", "d")) and align == ("", "center")
    assert list_items("- one\n- two\n  - nested\n- three") == 3


def test_a_picture_inside_a_paragraph_is_a_picture_and_a_badge_is_left_out() -> None:
    """Four web pictures inside paragraphs became bare alt text without a word, and badges "[image]": a
    picture in a paragraph is shown as a block picture is (after the paragraph's text), and status badges
    (Open In Colab, shields) are left out."""
    from livedeck.markup.pieces import Kind, split_markdown

    source = ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://x.org/nb)\n\n"
              "A tensor is a cube ![a cube of numbers](https://example.org/cube.png) of numbers.\n\n"
              "Built ![status](https://img.shields.io/badge/build-passing-green) today.")
    pieces = [(p.kind, p.text, p.source) for p in split_markdown(source)]
    assert pieces == [(Kind.TEXT, "A tensor is a cube of numbers.", ""),
                      (Kind.IMAGE, "a cube of numbers", "https://example.org/cube.png"),
                      (Kind.TEXT, "Built today.", "")]
