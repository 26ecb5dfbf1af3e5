"""The theme both writers share, read from templates/theme.toml."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from livedeck.base.package_data import TEMPLATES


@dataclass(frozen=True)
class CodeStyle:
    """How the layout colours code: a Pygments style's token colours, each made legible on the background
    code is drawn on; lines outside a code-line step in `dimmed`."""
    pygments: str = "default"
    background: str = "F4F6F8"
    dimmed: str = "687078"


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
        return CodeStyle(self.pygments_style, self.code_background, self.code_dimmed)


def load_theme(path: Path = TEMPLATES / "theme.toml") -> Theme:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    code, text, output, pptx = data["code"], data["text"], data["output"], data["pptx"]
    return Theme(
        pygments_style=code["pygments_style"],
        code_background=code["background"],
        text_color=text["color"],
        heading_color=text["heading_color"],
        accent=text["accent"],
        text_secondary=text.get("secondary", text["color"]),  # a theme.toml written before these keys: the text's
        text_muted=text.get("muted", text["color"]),
        output_background=output["background"],
        output_border=output["border"],
        pptx_text_font=pptx["text_font"],
        pptx_code_font=pptx["code_font"],
        code_dimmed=code["dimmed"],
        callouts=tuple((kind, *(c.strip() for c in value.split(",", 1)))
                       for kind, value in data.get("callout", {}).items()),
    )
