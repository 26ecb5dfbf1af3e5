"""Formulas typeset by MathJax, once, for every format: SVG and MathML for HTML, a PNG of each
display formula for PowerPoint, and the exact size of each for the layout.

One node process typesets a whole batch (typeset.mjs); each result is kept in the build cache
under a hash of the engine and the formula, with a checksum, so a damaged entry is typeset again.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from livedeck.base.errors import EnvironmentProblem, Kind, LivedeckError
from livedeck.base.files import process_alive, write_atomic
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
def _engine_version() -> str:
    packages = ["@mathjax/src", "@resvg/resvg-js", "speech-rule-engine"]
    versions = [json.loads(p.read_text())["version"] if p.exists() else "missing"
                for p in (NODE_MODULES / name / "package.json" for name in packages)]
    engine = hashlib.sha256(ENGINE.read_bytes()).hexdigest()[:16]
    return f"typeset {engine} " + " ".join(f"{n}-{v}" for n, v in zip(packages, versions)) + f" {PNG_SCALE} {LARGEST}"


def _cache_file(cache: Path, key: Key) -> Path:
    digest = hashlib.sha256(f"{_engine_version()}\n{key[1]}\n{key[0]}".encode()).hexdigest()
    return cache / f"{digest}.json"


def _load(cache: Optional[Path], key: Key) -> Optional[Formula]:
    if cache is None:
        return None
    try:
        stored = json.loads(_cache_file(cache, key).read_text(encoding="utf-8"))
        data = stored["data"]
        if hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest() != stored["checksum"]:
            return None
        return _formula(key, data)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: typeset again


def _store(cache: Optional[Path], key: Key, data: dict) -> None:
    if cache is None:
        return
    checksum = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    try:
        write_atomic(_cache_file(cache, key), json.dumps({"checksum": checksum, "data": data}).encode())
    except OSError:
        pass  # a cache that cannot be written only costs time


_VIEWBOX = re.compile(r'viewBox="(\S+) (\S+) (\S+) (\S+)"')


def _formula(key: Key, data: dict) -> Formula:
    if data["error"]:
        return Formula(key[0], key[1], error=data["error"])
    box = _VIEWBOX.search(data["svg"])
    if box is None:
        return Formula(key[0], key[1], error="the math engine drew no picture of it")
    _, top, width, height = (float(v) / 1000 for v in box.groups())
    return Formula(key[0], key[1], data["svg"], data["mathml"], data["speech"], base64.b64decode(data["png"]),
                   width, height, height + top)


def typeset(wanted: Iterable[Key], cache: Optional[Path] = None) -> dict[Key, Formula]:
    """Every formula asked for, from the cache or typeset in one batch (after the build's head start,
    if one is typesetting now: it is likely typesetting these very formulas)."""
    wanted = list(dict.fromkeys(wanted))
    found = {key: formula for key in wanted if (formula := _load(cache, key)) is not None}
    if len(found) < len(wanted) and _wait_for_head_start(cache):
        found.update({key: formula for key in wanted
                      if key not in found and (formula := _load(cache, key)) is not None})
    missing = [key for key in wanted if key not in found]
    if missing:
        for key, data in zip(missing, _run_engine(missing)):
            _store(cache, key, data)
            found[key] = _formula(key, data)
    return found


def _run_engine(keys: list[Key]) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "@mathjax" / "src").is_dir():
        raise MathEngineMissing("typesetting math needs node and MathJax: run `npm ci` (or `make deck`)")
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


WARMING = ".warming-"  # + the pid of a build whose head start is typesetting into the cache now


def _wait_for_head_start(cache: Optional[Path]) -> bool:
    """Wait while a running build's head start typesets into `cache`; whether there was one."""
    def live() -> list[Path]:
        found = []
        for lock in cache.glob(WARMING + "*") if cache is not None and cache.is_dir() else ():
            pid = lock.name[len(WARMING):]
            if pid.isdigit() and process_alive(int(pid)):
                found.append(lock)  # a killed build's lock is ignored (the next head start removes it)
        return found

    if not live():
        return False
    deadline = time.monotonic() + TIMEOUT
    while live() and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


@dataclass(frozen=True)
class HeadStart:
    """The build's formula head start under way: its thread, and the lock that tells workers to wait."""
    thread: threading.Thread
    lock: Path

    def finish(self) -> None:
        """Wait for it: its node run ends with the build."""
        self.thread.join()

    def abandon(self) -> None:
        """The build was stopped first: workers it leaves behind must not wait for it."""
        self.lock.unlink(missing_ok=True)


def warm(lessons: Iterable, cache: Path) -> Optional[HeadStart]:
    """Typeset every formula of the lessons' markdown into the cache, in one batch, in a thread of its
    own: the workers run their lessons meanwhile, and find the formulas there when they lay them out
    (waiting for it if it is not done). Only a head start: a formula that fails is reported by its own
    lesson's build."""
    from livedeck.markup.pieces import Kind, split_markdown

    keys: list[Key] = []
    for lesson in lessons:
        for cell in lesson.cells:
            if cell.kind == "markdown":
                for piece in split_markdown(cell.source):
                    if piece.kind == Kind.MATH:
                        keys.append((piece.text, True))
                    elif piece.kind != Kind.NOTES:
                        keys += formulas_in(piece.text)
    missing = [key for key in dict.fromkeys(keys) if _load(cache, key) is None]
    if not missing:
        return None
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for stale in cache.glob(WARMING + "*"):
            stale.unlink(missing_ok=True)
        lock = cache / f"{WARMING}{os.getpid()}"
        lock.touch()
    except OSError:
        return None

    def run() -> None:
        try:
            for key, data in zip(missing, _run_engine(missing)):
                _store(cache, key, data)
        except (MathEngineMissing, RuntimeError, OSError, ValueError, subprocess.TimeoutExpired):
            pass
        finally:
            lock.unlink(missing_ok=True)

    thread = threading.Thread(target=run, name="typeset formulas", daemon=True)
    thread.start()
    return HeadStart(thread, lock)
