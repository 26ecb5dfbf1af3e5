"""Inline LaTeX as readable Unicode text (x², ∂f/∂u, dy/dx), where there is no MathML to read: speaker
notes, slide titles and the PDF's outline. (Slides read inline math from MathML: mathtext.py.)

unicodeit does the symbols, superscripts and subscripts; this module first turns
the few structures it leaves alone (fractions, roman text, function names, spacing, escaped
braces, ellipses, angle brackets, transposes) into plain forms it can finish, and never leaves
a `\\command` behind.
"""
from __future__ import annotations

import re
from functools import lru_cache

import unicodeit

_ROMAN = re.compile(r"\\(?:mathrm|text|textrm|operatorname|mathit|mathbf|boldsymbol)\s*")
_FUNCTIONS = re.compile(r"\\(sin|cos|tan|exp|log|ln|max|min|lim|det|tanh|sigmoid|arg)\b")
_SPACES = re.compile(r"\\(?:,|;|:|!|\s|quad|qquad)")
_SIZING = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)\s*(\\[{}|]|[.()[\]|])?")
# What unicodeit leaves as it is or gets wrong: kept as these characters (braces out of the way of the
# final brace stripping until then)
_BEFORE = {"\\{": "\x00", "\\}": "\x01", "\\dots": "…", "\\ldots": "…", "\\cdots": "⋯", "\\vdots": "⋮",
           "\\ddots": "⋱", "\\langle": "⟨", "\\rangle": "⟩", "^{\\top}": "ᵀ", "^\\top": "ᵀ", "\\mid": "∣"}
_COMMAND = re.compile(r"\\([A-Za-z]+)")


def _group(text: str, start: int) -> tuple[str, int]:
    """The `{…}` group (or single token) at `start`; returns its inside and the index after it."""
    while start < len(text) and text[start] == " ":
        start += 1
    if start >= len(text):
        return "", start
    if text[start] != "{":
        if text[start] == "\\":
            match = re.match(r"\\[A-Za-z]+|\\.", text[start:])
            if match is None:  # a lone backslash at the very end
                return "", start + 1
            return match.group(0), start + len(match.group(0))
        return text[start], start + 1
    depth = 0
    for index in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return text[start + 1 : index], index + 1
    return text[start + 1 :], len(text)


def _atomic(text: str) -> bool:
    return not re.search(r"[\s+\-−=,]", text.strip())


def _fractions(text: str) -> str:
    out: list[str] = []
    index = 0
    while True:
        found = text.find("\\frac", index)
        if found < 0:
            return "".join(out) + text[index:]
        out.append(text[index:found])
        numerator, after = _group(text, found + len("\\frac"))
        denominator, after = _group(text, after)
        parts = []
        for part in (latex_to_unicode(numerator), latex_to_unicode(denominator)):
            parts.append(part if _atomic(part) else f"({part})")
        out.append(f"{parts[0]}/{parts[1]}")
        index = after


@lru_cache(maxsize=1024)
def latex_to_unicode(latex: str) -> str:
    for command, character in _BEFORE.items():
        latex = re.sub(re.escape(command) + r"(?![A-Za-z])", character.replace("\\", "\\\\"), latex)  # the text itself
    text = _fractions(latex.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac"))
    text = _SIZING.sub(lambda m: (m.group(1) or "").replace(".", "").lstrip("\\"), text)
    text = _ROMAN.sub("", text)
    text = _FUNCTIONS.sub(r"\1", text)
    text = _SPACES.sub(" ", text)
    text = unicodeit.replace(text)
    text = re.sub(r"(?<=[∂∇]) +", "", text)
    text = text.replace("{", "").replace("}", "").replace("\x00", "{").replace("\x01", "}")
    text = _COMMAND.sub(r"\1", text)  # a command unicodeit does not know: its name, never a backslash
    return re.sub(r" {2,}", " ", text).strip()
