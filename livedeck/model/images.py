"""Pictures a lesson's markdown shows (`![alt](plot.png)`, `<img src=…>`), read beside the lesson.

A preprocessor over the deck model, run before layout: each Image block becomes a Figure
whose files join the lesson's figures (`image-<hash>.png`, and `.svg` for a vector picture),
so every format draws it as it draws a matplotlib figure, alt text and all. What cannot be
shown (a missing file, an address on the web, which a deck presenting offline cannot fetch)
becomes a framed box with its alt text, and a warning at its file and line.
"""
from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import io
import json
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlparse

from livedeck.base.node import MISSING, node_executable
from livedeck.base.package_data import PACKAGE
from livedeck.model import Block, Callout, CalloutKind, Deck, Figure, Image
from livedeck.read.lesson import Lesson

CSS_DPI = 96  # a picture's pixels are CSS pixels: its size in inches, as a browser would show it
LONGEST_PNG = 2000  # px: an SVG picture drawn for PowerPoint
RASTERIZE = PACKAGE / "layout" / "rasterize.mjs"  # the layout stage's engine, which draws SVG for PowerPoint too


@dataclass(frozen=True)
class Pictures:
    """The deck with its pictures resolved, their files, and what the build should say."""
    deck: Deck
    files: dict[str, bytes] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # picture file → sha256: an edited picture rebuilds
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Picture:
    png: bytes
    svg: bytes
    width: float  # CSS px
    height: float


def _named(src: str) -> str:
    """A picture's address as a warning names it: in full (cut at 80 characters, every web picture of a
    notebook read `…/images/01`), an embedded one by its kind."""
    if src.startswith("data:"):
        return f"embedded as {src.partition(',')[0]}"
    return src


def _missing(image: Image, why: str) -> Callout:
    """The framed alt text a picture not shown leaves; a file elsewhere is named by its name alone (a slide
    never shows the machine's folders)."""
    text = image.alt or Path(urlparse(image.src).path).name or "a picture"
    address = image.src if urlparse(image.src).scheme else Path(unquote(image.src)).name
    return Callout(CalloutKind.MISSING, "Picture not shown", f"{text}\n\n`{address[:120]}` ({why})", image.step)


def _raster(data: bytes) -> _Picture:
    """Any picture Pillow reads, as PNG (what every format can show)."""
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(data)) as picture:
        width, height = picture.size
        if picture.format == "PNG":
            return _Picture(data, b"", width, height)
        out = io.BytesIO()
        frame = picture.convert("RGBA") if picture.mode not in ("RGB", "RGBA", "L", "LA") else picture
        frame.save(out, format="PNG", compress_level=3)
        return _Picture(out.getvalue(), b"", width, height)


# An SVG's <image> that names a file or an address (not a data: picture of its own): resvg would read the
# file into the PowerPoint deck's picture, from wherever it is
LINKED_IMAGE = re.compile(rb"""<image\b[^>]*?(?:xlink:)?href\s*=\s*["'](?!\s*data:)[^"']*["'][^>]*?/?>""", re.IGNORECASE)


def _vectors(svgs: list[bytes]) -> list[_Picture | str]:
    """SVG pictures drawn as PNG by resvg (node), each with its own size; an error's message instead. An
    <image> in the SVG that names a file or an address is left out: only what the SVG holds is drawn."""
    svgs = [LINKED_IMAGE.sub(b"", svg) for svg in svgs]
    from livedeck.base.package_data import NODE_MODULES

    node = node_executable()
    if node is None:
        return [f"drawing an SVG picture {MISSING}"] * len(svgs)
    if not (NODE_MODULES / "@resvg" / "resvg-js").is_dir():
        return ["drawing an SVG picture needs resvg: run `npm ci` (or `make deck`)"] * len(svgs)
    request = json.dumps([{"svg": svg.decode("utf-8", "replace"), "longest": LONGEST_PNG} for svg in svgs])
    done = subprocess.run([node, str(RASTERIZE)], input=request, capture_output=True, text=True, timeout=120,
                          cwd=RASTERIZE.parent, check=False)
    if done.returncode != 0:
        return [f"resvg failed: {done.stderr.strip()[-200:]}"] * len(svgs)
    return [item["error"] or _Picture(base64.b64decode(item["png"]), svg, item["width"], item["height"])
            for svg, item in zip(svgs, json.loads(done.stdout))]


@functools.lru_cache(maxsize=4)
def logo_png(path: str) -> bytes:
    """The course's logo as PNG or JPEG, what layout measures and PowerPoint holds: an SVG logo is drawn
    by resvg (the HTML deck shows the SVG itself). A logo that cannot be drawn is a ValueError."""
    data = Path(path).read_bytes()
    if Path(path).suffix.lower() != ".svg":
        return data
    [drawn] = _vectors([data])
    if isinstance(drawn, str):
        raise ValueError(f"the logo {Path(path).name} cannot be drawn: {drawn}")
    return drawn.png


def _beside(image: Image, folder: Path) -> Path:
    """Where a picture written as a relative address (`figs/plot%201.png`) is: beside the lesson."""
    return folder / unquote(urlparse(image.src).path)


def _read(image: Image, folder: Path, attached: dict[str, str],
          also: tuple[Path, ...] = ()) -> tuple[bytes, Path | None] | str:
    """The picture's bytes (and its file), or why it cannot be shown; `also`: folders outside the course
    whose pictures may be shown."""
    address = urlparse(image.src)
    if address.scheme == "attachment":  # pasted into a notebook's markdown cell: kept in the notebook
        name = unquote(image.src.partition(":")[2])
        if name not in attached:
            return "the notebook has no attachment of that name"
        try:
            return base64.b64decode(attached[name]), None
        except (binascii.Error, ValueError):
            return "its attachment is not base64"
    if address.scheme == "data":  # `data:image/png;base64,…`, or `data:image/svg+xml,<svg …>` as text
        header, _, data = image.src.partition(",")
        if ";base64" not in header:
            return unquote(data).encode("utf-8"), None
        try:
            return base64.b64decode(data), None
        except (binascii.Error, ValueError):
            return "its data: address is not base64"
    if address.scheme in ("http", "https", "ftp") or image.src.startswith("//"):
        return "it is on the web, and a deck presents offline: save it beside the lesson"
    if address.scheme:
        return f"a {address.scheme}: address"
    path = _beside(image, folder)
    allowed = (folder.resolve().parent, *also)  # the folder holding the lessons' folder, and course.toml's
    if not any(path.resolve().is_relative_to(place) for place in allowed):  # an absolute path, `../`, a link out
        return ("it is outside the course's folder; keep pictures inside the course, or name their folder in "
                "course.toml's picture_folders")
    if not path.is_file():
        return "no such file beside the lesson"
    return path.read_bytes(), path


def resolve_images(deck: Deck, lesson: Lesson, also: tuple[Path, ...] = ()) -> Pictures:
    """Every Image block of the deck as a Figure (or a framed alt text, with a warning); pictures come from
    the course's folder, and from the folders in `also` (course.toml's picture_folders)."""
    images = [block for slide in deck.slides for block in slide.blocks if isinstance(block, Image)]
    if not images:
        return Pictures(deck)
    folder = lesson.path.parent
    files: dict[str, bytes] = {}
    inputs: dict[str, str] = {}
    warnings: list[str] = []
    found: dict[tuple[str, str], Block] = {}  # (src, alt): one file may be shown twice, said two ways
    attached = {name: data for cell in lesson.cells for name, data in cell.attachments}
    read = {image.src: _read(image, folder, attached, also) for image in images}
    readable = {src: got for src, got in read.items() if not isinstance(got, str)}
    svgs = [src for src, (data, _) in readable.items() if _is_svg(src, data)]
    drawn = dict(zip(svgs, _vectors([readable[src][0] for src in svgs]))) if svgs else {}
    for image in images:
        got = read[image.src]
        picture: _Picture | str = got if isinstance(got, str) else drawn.get(image.src) or _safely_raster(got[0])
        if isinstance(picture, str):
            found[image.src, image.alt] = _missing(image, picture)
            if not urlparse(image.src).scheme and not image.src.startswith("//"):  # a file not there (yet)
                inputs[str(_beside(image, folder).resolve())] = ""  # no build is up to date until it is
            where = image.line or 1
            warnings.append(f"{lesson.path}:{where}: the picture {_named(image.src)} is not shown: {picture}")
            continue
        assert not isinstance(got, str)  # a picture was made of it
        digest = hashlib.sha256(picture.png).hexdigest()
        name = f"image-{digest[:12]}"
        files[f"{name}.png"] = picture.png
        if picture.svg:
            files[f"{name}.svg"] = picture.svg
        if got[1] is not None:
            inputs[str(got[1].resolve())] = hashlib.sha256(got[0]).hexdigest()
        alt = image.alt or f"Picture: {Path(urlparse(image.src).path).name or 'embedded'}"
        width, height = round(picture.width / CSS_DPI, 3), round(picture.height / CSS_DPI, 3)
        found[image.src, image.alt] = Figure(name, width, height, "", alt, 0.0, picture=True)
    slides = tuple(replace(slide, blocks=tuple(replace(found[b.src, b.alt], step=b.step) if isinstance(b, Image)
                                               else b for b in slide.blocks)) for slide in deck.slides)
    return Pictures(replace(deck, slides=slides), files, inputs, tuple(dict.fromkeys(warnings)))


def _is_svg(src: str, data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return src.lower().split("?")[0].endswith(".svg") or head.startswith(b"<svg") or (
        head.startswith(b"<?xml") and b"<svg" in data[:2048].lower())


def _safely_raster(data: bytes) -> _Picture | str:
    try:
        return _raster(data)
    except Exception as exc:  # Pillow raises many kinds for a file that is no picture it knows
        return f"not a picture Pillow can read ({type(exc).__name__})"
