"""A paragraph longer than a slide, cut where a reader would pause: between sentences, else between words.

The paginator cuts a block between its paragraphs; a paragraph that does not fit an empty slide on its
own (a 420-word introduction) would run off the slide. It is cut here into a first part, which ends a
slide, and the rest, which starts the next, as TeX breaks a paragraph across pages.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from livedeck.layout.parts import cut_runs
from livedeck.layout.richtext import Paragraph, Run

# A sentence ends at . ! ? or … (with any closing quote or bracket), before a space
SENTENCE_END = re.compile(r"""[.!?…]["'”’)\]]*\s+""")


def _in_plain_text(runs: tuple[Run, ...]) -> Callable[[int], bool]:
    """Whether an offset in the paragraph's text lies in plain text: never cut inside a formula or code."""
    spans, position = [], 0
    for run in runs:
        if run.math or run.code:
            spans.append((position, position + len(run.text)))
        position += len(run.text)
    return lambda offset: not any(lo <= offset < hi for lo, hi in spans)


def cut_points(paragraph: Paragraph, within: int) -> tuple[list[int], list[int]]:
    """Where the paragraph may be cut among its first `within` characters, in reading order: the start of each
    sentence after the first, and of each word after the first (for a sentence longer than a slide)."""
    text, plain = paragraph.text[:within], _in_plain_text(paragraph.runs)
    end = len(paragraph.text)
    sentences = [m.end() for m in SENTENCE_END.finditer(text) if m.end() < end and plain(m.start())]
    words = [m.end() for m in re.finditer(r"\s+", text) if 0 < m.start() and m.end() < end and plain(m.start())]
    return sentences, words


def split(paragraph: Paragraph, at: int) -> tuple[Paragraph, Paragraph]:
    """The paragraph up to offset `at` (a cut point) and the rest; the rest is no new list item."""
    first = cut_runs(paragraph.runs, 0, at)
    if first and not (first[-1].math or first[-1].code):
        first = (*first[:-1], replace(first[-1], text=first[-1].text.rstrip()))
    return replace(paragraph, runs=first), replace(paragraph, runs=cut_runs(paragraph.runs, at, len(paragraph.text)),
                                                   bullet="", number=0)
