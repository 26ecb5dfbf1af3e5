"""The math engine: MathJax (typeset.mjs, in one node process a batch) makes each formula's SVG and MathML for
HTML, a PNG of each display formula for PowerPoint, its spoken form, and its exact size for the layout.
A formula the engine refuses, or that no slide can show legibly, is a FormulaError."""
from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from livedeck.base.errors import EnvironmentProblem, Kind, LivedeckError
from livedeck.base.node import MISSING, node_executable
from livedeck.base.package_data import NODE_MODULES
from livedeck.layout.geometry import LEVELS, MATH_FLOOR, TEXT_INSET, TITLE_SIZE, body_box, title_box
from livedeck.markup.markdown import parser

ENGINE = Path(__file__).with_name("typeset.mjs")

PNG_SCALE = 200.0  # pixels per em of a display formula's picture: sharp at twice the largest size shown

TIMEOUT = 120  # seconds for one batch

# The largest formula a slide shows legibly, in em: a display formula alone on a slide at MATH_FLOOR, an
# inline one (it cannot wrap) on one line of the smallest text. Anything larger is the lesson's error,
# found before a picture of it is drawn (a 200-deep \sqrt would be a billion-pixel PNG).
_BODY = body_box(title_box(1, TITLE_SIZE), footer=True)

LARGEST = {True: (_BODY.w / MATH_FLOOR, _BODY.h / MATH_FLOOR),
           False: ((_BODY.w - 2 * TEXT_INSET[0]) / LEVELS[-1][0], 6.0)}


class FormulaError(LivedeckError):
    """A formula the lesson cannot have: the math engine cannot typeset it, or no slide can show it."""
    kind = Kind.LESSON

    def __init__(self, latex: str, message: str):
        super().__init__(f"a formula cannot be typeset: {latex}: {message}")
        self.latex, self.message = latex, message


@dataclass(frozen=True)
class Formula:
    """A typeset formula; sizes in em of the text it is set in."""
    latex: str
    display: bool
    svg: str = ""
    mathml: str = ""
    speech: str = ""  # a display formula in words (ClearSpeak), its picture's alt text
    png: bytes = b""  # display formulas only, PNG_SCALE pixels per em
    width: float = 0.0
    height: float = 0.0
    depth: float = 0.0  # below the baseline
    error: str = ""  # MathJax's message for a formula it cannot typeset


Key = tuple[str, bool]  # latex, display


class MathEngineMissing(EnvironmentProblem):
    """node, or MathJax from npm, is not installed."""


@lru_cache(maxsize=1)
def engine_version() -> str:
    packages = ["@mathjax/src", "@resvg/resvg-js", "speech-rule-engine"]
    versions = [json.loads(p.read_text())["version"] if p.exists() else "missing"
                for p in (NODE_MODULES / name / "package.json" for name in packages)]
    engine = hashlib.sha256(ENGINE.read_bytes()).hexdigest()[:16]
    return f"typeset {engine} " + " ".join(f"{n}-{v}" for n, v in zip(packages, versions)) + f" {PNG_SCALE} {LARGEST}"


_VIEWBOX = re.compile(r'viewBox="(\S+) (\S+) (\S+) (\S+)"')


def formula_of(key: Key, data: dict) -> Formula:
    if data["error"]:
        return Formula(key[0], key[1], error=data["error"])
    box = _VIEWBOX.search(data["svg"])
    if box is None:
        return Formula(key[0], key[1], error="the math engine drew no picture of it")
    _, top, width, height = (float(v) / 1000 for v in box.groups())
    return Formula(key[0], key[1], data["svg"], data["mathml"], data["speech"], base64.b64decode(data["png"]),
                   width, height, height + top)


def run_engine(keys: list[Key]) -> list[dict]:
    node = node_executable()
    if node is None:
        raise MathEngineMissing(f"typesetting math {MISSING}")
    if not (NODE_MODULES / "@mathjax" / "src").is_dir():
        raise MathEngineMissing("typesetting math needs MathJax: run `npm ci` (or `make deck`)")
    request = json.dumps([{"latex": latex, "display": display, "png_scale": PNG_SCALE, "largest": LARGEST[display]}
                          for latex, display in keys])
    done = subprocess.run([node, str(ENGINE)], input=request, capture_output=True, text=True, timeout=TIMEOUT,
                          cwd=ENGINE.parent, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the math engine failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def formulas_in(markdown: str) -> list[Key]:
    """The formulas set in the lines of a markdown text (`$…$`, and `$$…$$` inside a list or quote):
    what richtext makes math runs of."""
    found = []
    for token in parser().parse(markdown):
        if token.type in ("math_block", "math_block_label", "amsmath"):
            found.append((token.content, False))
        for child in token.children or ():
            if child.type in ("math_inline", "math_inline_double"):
                found.append((child.content, False))
    return found
