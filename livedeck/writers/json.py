"""The deck model as versioned JSON (`--format json`), for debugging: what every other writer reads."""
from __future__ import annotations

from livedeck.model import to_json
from livedeck.writers import Sources, Writer


def make(sources: Sources) -> dict[str, bytes]:
    return {f"{sources.deck.name}.json": to_json(sources.deck).encode("utf-8")}


WRITER = Writer(make)
