"""Colour contrast as WCAG 2.1 measures it: text on a slide must stand 4.5:1 against what is behind it
(level AA), so that it reads from the back row and for viewers with low vision."""
from __future__ import annotations

from functools import cache

MIN_CONTRAST = 4.5  # WCAG 2.1 AA, text of normal size


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """The contrast ratio of two sRGB colours given as RRGGBB (1 to 21)."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@cache
def legible(colour: str, background: str) -> str:
    """`colour`, or the nearest shade of it (darker on a light background, lighter on a dark one) that
    stands 4.5:1 against `background`: a Pygments style's pale comment colour keeps its hue, and
    becomes readable."""
    colour = colour.upper().lstrip("#")
    target = "000000" if _luminance(background) > 0.18 else "FFFFFF"
    shade = colour
    for step in range(1, 21):
        if contrast(shade, background) >= MIN_CONTRAST:
            return shade
        mix = step / 20
        shade = "".join(f"{round(int(colour[i:i + 2], 16) * (1 - mix) + int(target[i:i + 2], 16) * mix):02X}"
                        for i in (0, 2, 4))
    return shade
