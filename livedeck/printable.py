"""What a lesson printed, made fit for a slide: what a terminal would show, and nothing a file can't hold.

Progress bars rewrite their line with a carriage return, so a line keeps what follows its
last `\\r`. ANSI colour and cursor codes are removed, as are other control characters (NUL,
ESC, BEL …), which are invalid in HTML and show as `_x001B_` in PowerPoint. Lone surrogates
(`print("\\ud800")`) cannot be encoded as UTF-8: they become U+FFFD.
"""
from __future__ import annotations

import re

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def printable(text: str) -> str:
    text = ANSI.sub("", text)
    text = "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in text.replace("\r\n", "\n").split("\n"))
    return SURROGATE.sub("\ufffd", CONTROL.sub("", text))
