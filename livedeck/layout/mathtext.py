"""An inline formula as styled text, for formats that draw text runs rather than pictures (PowerPoint).

Read from the MathML that MathJax made of the formula (the one math engine: what it parsed is what
both formats show), never from the LaTeX: braces, angle brackets and ellipses arrive as the
characters they mean, and structure arrives as structure. Scripts become real superscript and
subscript runs, bold symbols bold runs, ℝ and ℒ their Unicode letters, accents combining marks,
fractions `a/b` with parentheses where the meaning needs them. A formula text cannot say exactly
(a matrix, an underbrace) is still written out in full, and marked inexact so the build can say so.
"""
from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, replace
from enum import IntEnum
from functools import lru_cache


class Script(IntEnum):
    NONE = 0
    SUPER = 1
    SUB = 2


@dataclass(frozen=True)
class MathRun:
    text: str
    bold: bool = False
    italic: bool = False
    script: Script = Script.NONE


@dataclass(frozen=True)
class MathText:
    runs: tuple[MathRun, ...]
    exact: bool  # False: text cannot say all of the formula's layout (it still says all of its symbols)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


INVISIBLE = {"\u2061", "\u2062", "\u2063", "\u2064"}  # function application, invisible times, …
SPACED = set("=≠<>≤≥≈≡∼∝∈∉⊂⊆⊃⊇→←↔⇒⇐⇔↦+−±×÷⋅·∪∩∧∨:") | {"∣", ":="}
APPLY = "\u2061"  # after a function's name: a space ("sin x", "log σ(z)"), none before "(" ("tanh(x)")  # infix: a space each side
LARGE = set("∑∏∫∮⋃⋂") | {"lim", "max", "min", "sup", "inf", "argmax", "argmin"}  # limits as scripts
ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "¯": "\u0305", "‾": "\u0305", "―": "\u0305",
           "→": "\u20d7", "˙": "\u0307", "¨": "\u0308", "ˇ": "\u030c"}
VARIANTS = {"double-struck": "DOUBLE-STRUCK", "script": "SCRIPT", "fraktur": "FRAKTUR"}
SCRIPT_TEXT = {"⊤": "T"}  # ^{\top}: a superscript T, as a transpose is read
PRIMES = {"′", "″", "‴", "'"}  # f'(x): MathJax's superscript prime is written as the prime it is
NAMESPACE = "{http://www.w3.org/1998/Math/MathML}"


def _letter(char: str, variant: str) -> str:
    """ℝ for a double-struck R, ℒ for a script L, 𝔤 for a fraktur g: Unicode's letter, if it has one."""
    case = "CAPITAL" if char.isupper() else "SMALL"
    for name in (f"{VARIANTS[variant]} {case} {char.upper()}", f"MATHEMATICAL {VARIANTS[variant]} {case} {char.upper()}"):
        try:
            return unicodedata.lookup(name)
        except KeyError:
            continue
    return char


class _Reader:
    def __init__(self) -> None:
        self.exact = True

    def read(self, element: ElementTree.Element, script: Script = Script.NONE) -> list[MathRun]:
        tag = element.tag.replace(NAMESPACE, "")
        children = list(element)
        if tag in ("mi", "mn", "mo", "mtext", "ms"):
            return self.token(tag, element, script)
        if tag == "mspace":
            width = element.get("width", "0")
            return [MathRun(" " if width.endswith("em") and float(width[:-2] or 0) >= 0.25 else "\u2009")] \
                if width not in ("0", "0em") else []
        if tag in ("msup", "msub", "msubsup", "munder", "mover", "munderover"):
            return self.scripted(tag, children, script)
        if tag == "mfrac":
            if element.get("linethickness") in ("0", "0px", "0em"):  # a binomial: no honest a/b
                self.exact = False
            top, bottom = (self.grouped(self.read(child, script)) for child in children[:2])
            return top + [MathRun("/", script=script)] + bottom
        if tag in ("msqrt", "mroot"):
            index = self.read(children[1], Script.SUPER) if tag == "mroot" else []
            inside = self.grouped(self.read_all(children if tag == "msqrt" else children[:1], script))
            return index + [MathRun("√", script=script)] + inside
        if tag == "semantics":
            return self.read(children[0], script) if children else []
        if tag == "mphantom":
            return []
        if tag in ("mtable", "mtr", "mtd", "menclose", "mmultiscripts", "maction"):
            self.exact = False  # written out in full, but text cannot lay it out
            if tag == "mtable":
                return self.joined([self.joined([self.read_all(list(cell), script) for cell in row], ", ", script)
                                    for row in children], "; ", script)
        return self.read_all(children, script)  # math, mrow, mstyle, mpadded, …

    def read_all(self, children: list, script: Script) -> list[MathRun]:
        runs: list[MathRun] = []
        for child in children:
            runs += self.read(child, script)
        return runs

    @staticmethod
    def joined(parts: list[list[MathRun]], separator: str, script: Script) -> list[MathRun]:
        runs: list[MathRun] = []
        for index, part in enumerate(parts):
            runs += ([MathRun(separator, script=script)] if index else []) + part
        return runs

    def token(self, tag: str, element: ElementTree.Element, script: Script) -> list[MathRun]:
        text = "".join(element.itertext())
        if tag != "mtext":
            text = text.strip()
        if text == APPLY and script == Script.NONE:
            return [MathRun(APPLY)]  # resolved by math_text, which sees what follows
        text = "".join(c for c in text if c not in INVISIBLE)
        if not text:
            return []
        variant = element.get("mathvariant", "italic" if tag == "mi" and len(text) == 1 else "normal")
        if variant in VARIANTS:
            return [MathRun("".join(_letter(c, variant) for c in text), script=script)]
        if script == Script.SUPER:
            text = SCRIPT_TEXT.get(text, text)
        if tag == "mo" and script == Script.NONE:
            if text in SPACED:
                text = f" {text} "
            elif text in (",", ";"):
                text += " "
        return [MathRun(text, bold="bold" in variant, italic="italic" in variant and tag == "mi", script=script)]

    def scripted(self, tag: str, children: list, script: Script) -> list[MathRun]:
        base = self.read(children[0], script)
        if tag == "msup" and "".join(children[1].itertext()).strip() in PRIMES:
            return base + [MathRun("".join(children[1].itertext()).strip().replace("'", "′"), script=script)]
        if tag in ("mover", "munder") and len(children) == 2:
            mark = "".join(children[1].itertext()).strip()
            if tag == "mover" and mark in ACCENTS and (len("".join(r.text for r in base)) == 1 or ACCENTS[mark] == "\u0305"):
                return [replace(run, text="".join(c + ACCENTS[mark] for c in run.text)) for run in base]
            large = "".join(r.text for r in base).strip() in LARGE
            if not large:
                self.exact = False  # \underbrace, \overset: said as scripts
        below, above = {"msup": (None, 1), "msub": (1, None), "msubsup": (1, 2), "munder": (1, None),
                        "mover": (None, 1), "munderover": (1, 2)}[tag]
        inner = Script.SUPER if script != Script.NONE else None  # a script in a script: no second level
        runs = list(base)
        if below is not None:
            runs += self.nested(children[below], Script.SUB if inner is None else script, inner is not None, "_")
        if above is not None:
            runs += self.nested(children[above], Script.SUPER if inner is None else script, inner is not None, "^")
        return runs

    def nested(self, child, script: Script, second_level: bool, mark: str) -> list[MathRun]:
        """A script's runs; a script inside a script (e^{-x^2}) cannot be raised twice in text: there
        it is written `^2` or `_i` (meaning kept, no command left)."""
        runs = self.read(child, script)
        if not second_level:
            return runs
        text = "".join(r.text for r in runs)
        return [MathRun(mark + (text if len(text) == 1 else f"({text})"), script=script)]

    @staticmethod
    def grouped(runs: list[MathRun]) -> list[MathRun]:
        """Parentheses around a numerator, denominator or root that is more than one symbol."""
        text = "".join(r.text for r in runs).strip()
        single = len(text) <= 1 or text.isalnum() or (len(text) == 2 and text[0] in "∂∇Δδ")  # x, 12, ∂f
        if single or (text[0] in "([{⟨|" and text[-1] in ")]}⟩|"):
            return runs
        script = runs[0].script if runs else Script.NONE
        return [MathRun("(", script=script)] + runs + [MathRun(")", script=script)]


@lru_cache(maxsize=2048)
def math_text(mathml: str) -> MathText:
    """The formula's MathML (MathJax's) as styled runs, neighbours of one style merged."""
    reader = _Reader()
    runs = reader.read(ElementTree.fromstring(mathml))
    runs = [replace(run, text="" if following and following.text[:1] in "([{" else " ") if run.text == APPLY else run
            for run, following in zip(runs, runs[1:] + [None])]
    merged: list[MathRun] = []
    for run in runs:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].script) == (run.bold, run.italic, run.script):
            merged[-1] = replace(merged[-1], text=merged[-1].text + run.text)
        else:
            merged.append(run)
    if merged:  # no space before the formula's first or after its last symbol
        merged[0] = replace(merged[0], text=merged[0].text.lstrip())
        merged[-1] = replace(merged[-1], text=merged[-1].text.rstrip())
    # composed where Unicode has the letter (ŷ, not y and a combining circumflex): every font draws those
    return MathText(tuple(replace(r, text=unicodedata.normalize("NFC", r.text)) for r in merged if r.text), reader.exact)
