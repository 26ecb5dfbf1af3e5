"""Writers: one function per format, `write(deck, context) -> bytes`, listed in one table.

Writers never run code and never read lessons: they read the deck model, the
figure files the executor made, and the templates.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from livedeck.model import Deck, to_json
from livedeck.theme import TEMPLATES


@dataclass(frozen=True)
class WriteContext:
    figures: Path  # figures/<lesson>/ holding <name>.svg and <name>.png
    templates: Path = TEMPLATES
    pptx_template: Optional[Path] = None  # a lecturer's own theme (--template)
    cache: Optional[Path] = None  # where writers may keep what they draw (formula pictures) across builds
    figures_shown: str = ""  # where the figures are published, as the lecturer would type it (for notes)


Writer = Callable[[Deck, WriteContext], bytes]


def write_json(deck: Deck, context: WriteContext) -> bytes:
    return to_json(deck).encode("utf-8")


def _html(deck: Deck, context: WriteContext) -> bytes:
    from livedeck.writers.html import write_html  # imported on use: each writer pulls in its own libraries

    return write_html(deck, context)


def _pptx(deck: Deck, context: WriteContext) -> bytes:
    from livedeck.writers.pptx import write_pptx

    return write_pptx(deck, context)


WRITERS: dict[str, tuple[str, Writer]] = {
    # format: (file extension, writer)
    "html": ("html", _html),
    "pptx": ("pptx", _pptx),
    "json": ("json", write_json),
}
DEFAULT_FORMATS = ("html", "pptx")
# Made from something other than the deck model: a PDF prints the HTML deck (livedeck/pdf.py),
# a student notebook comes from the lesson itself (livedeck/notebook.py).
ALL_FORMATS = ("html", "pptx", "pdf", "ipynb", "json")
