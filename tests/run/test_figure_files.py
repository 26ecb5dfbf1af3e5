"""A figure's two files show one picture: the SVG the HTML deck shows and the PNG PowerPoint and the notebook show,
compared at a coarse resolution (the SVG drawn by resvg, as another program would draw it)."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from livedeck.model.images import _vectors

WIDTH = 64  # pixels across: each file's picture as a thumbnail, where font hinting and anti-aliasing even out


def _thumbnail(png: bytes, height: int) -> Image.Image:
    picture = Image.open(io.BytesIO(png)).convert("RGBA")
    flat = Image.new("RGBA", picture.size, "white")  # resvg leaves the background transparent
    return Image.alpha_composite(flat, picture).convert("L").resize((WIDTH, height), Image.Resampling.BOX)


def test_each_figures_svg_and_png_show_the_same_picture(course: Path) -> None:
    svgs = sorted((course / "figures").glob("*/*.svg"))
    assert len(svgs) >= 10
    drawn = _vectors([svg.read_bytes() for svg in svgs])
    for svg, from_svg in zip(svgs, drawn):
        assert not isinstance(from_svg, str), from_svg
        png = svg.with_suffix(".png").read_bytes()
        with Image.open(io.BytesIO(png)) as saved:
            height = round(WIDTH * saved.height / saved.width)
        assert abs(from_svg.width / from_svg.height - WIDTH / height) < 0.05, svg  # one shape
        difference = ImageChops.difference(_thumbnail(png, height), _thumbnail(from_svg.png, height))
        assert ImageStat.Stat(difference).mean[0] < 6, svg  # grey levels of 255, on average


def test_a_different_picture_is_told_apart(course: Path) -> None:
    """The comparison can fail: two of the course's figures are not one picture."""
    first, second = sorted((course / "figures").glob("*/*.png"))[:2]
    with Image.open(first) as a:
        height = round(WIDTH * a.height / a.width)
    difference = ImageChops.difference(_thumbnail(first.read_bytes(), height), _thumbnail(second.read_bytes(), height))
    assert ImageStat.Stat(difference).mean[0] >= 6
