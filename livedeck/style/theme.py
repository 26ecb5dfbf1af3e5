"""The theme both writers share, read from templates/theme.toml."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from livedeck.base.package_data import TEMPLATES


@dataclass(frozen=True)
class CodeStyle:
    """How the layout colours code: a Pygments style's token colours, each made legible on the background
    code is drawn on; lines outside a code-line step in `dimmed`."""
    pygments: str = "default"
    background: str = "F4F6F8"
    dimmed: str = "687078"
    marker: str = "B3261E"  # code annotations' numbers: the theme's accent


@dataclass(frozen=True)
class Theme:
    pygments_style: str
    code_background: str
    text_color: str
    heading_color: str
    accent: str
    text_secondary: str  # captions, bylines
    text_muted: str  # the footer band, asides
    output_background: str
    output_border: str
    pptx_text_font: str
    pptx_code_font: str
    code_dimmed: str
    callouts: tuple[tuple[str, str, str], ...] = ()  # (kind, frame, background): theme.toml's [callout]

    def callout(self, kind: str) -> tuple[str, str]:
        """A callout's frame and background colours (its title is in the frame's)."""
        return next(((frame, back) for name, frame, back in self.callouts if name == kind), (self.heading_color,
                                                                                                 "F4F6F8"))

    @property
    def code_style(self) -> CodeStyle:
        return CodeStyle(self.pygments_style, self.code_background, self.code_dimmed, self.accent)


class ThemeError(ValueError):
    """A theme.toml value that is not what its key takes; names the key."""


COLOUR = re.compile(r"[0-9A-Fa-f]{6}")  # six hex digits, no `#`: pasted into CSS and PowerPoint as it is
FONT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 \-]{0,62}")  # a font's name: letters, digits, spaces and hyphens
STYLE_NAME = re.compile(r"[a-z0-9_\-]{1,40}")  # a Pygments style's name


def _value(table: dict, section: str, key: str, form: re.Pattern, what: str, default: Optional[str] = None) -> str:
    """A theme value, checked against what it must be: theme values go into CSS, HTML and PowerPoint as
    they are, so nothing else (a quote, a `url(…)`, an `on…=`) may pass."""
    value = table.get(section, {}).get(key, default)
    if value is None:
        raise ThemeError(f"[{section}] {key} is missing")
    if not isinstance(value, str) or not form.fullmatch(value.strip()):
        raise ThemeError(f"[{section}] {key} must be {what}, not {value!r}")
    return value.strip()


def load_theme(path: Path = TEMPLATES / "theme.toml") -> Theme:
    """The theme, every value checked (a ThemeError names the key that is not what it must be)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def colour(section: str, key: str, default: Optional[str] = None) -> str:
        return _value(data, section, key, COLOUR, "a colour of six hex digits (such as 0B3D91)", default)

    callouts = []
    for kind, value in data.get("callout", {}).items():
        parts = [part.strip() for part in str(value).split(",")]
        if not re.fullmatch(r"[a-z]{1,20}", kind) or len(parts) != 2 or not all(COLOUR.fullmatch(p) for p in parts):
            raise ThemeError(f"[callout] {kind} must be two colours of six hex digits, \"frame, background\", "
                             f"not {value!r}")
        callouts.append((kind, parts[0], parts[1]))
    text_colour = colour("text", "color")
    return Theme(
        pygments_style=_value(data, "code", "pygments_style", STYLE_NAME, "the name of a Pygments style"),
        code_background=colour("code", "background"),
        text_color=text_colour,
        heading_color=colour("text", "heading_color"),
        accent=colour("text", "accent"),
        text_secondary=colour("text", "secondary", text_colour),  # a theme.toml written before these keys
        text_muted=colour("text", "muted", text_colour),
        output_background=colour("output", "background"),
        output_border=colour("output", "border"),
        pptx_text_font=_value(data, "pptx", "text_font", FONT, "a font's name"),
        pptx_code_font=_value(data, "pptx", "code_font", FONT, "a font's name"),
        code_dimmed=colour("code", "dimmed"),
        callouts=tuple(callouts),
    )
