"""Google Colab's forms in a code cell, as lecture notebooks made in Colab carry them: `#@title Name` on the
cell's first line (with `{ display-mode: "form" }`, Colab shows the form and hides the code), and
`# @param {…}` ending a line that sets a value. They are Colab's controls, not the lesson's code: a slide
shows the code without them (the title line dropped, each `@param` comment taken off its line), and a
form-mode cell's code is hidden, as in Colab. What runs is the same code: only comments go."""
from __future__ import annotations

import re

TITLE = re.compile(r"^\s*#\s*@title\b")
FORM_MODE = re.compile(r"display-mode\s*:\s*[\"']form[\"']")
PARAM = re.compile(r"\s*#\s*@param\b.*$")


def colab_form(source: str) -> tuple[str, bool]:
    """The cell's code without Colab's form comments, and whether Colab shows only its form."""
    lines = source.splitlines()
    if not any("@title" in line or "@param" in line for line in lines):
        return source, False
    titled = bool(lines and TITLE.match(lines[0]))
    form_only = titled and bool(FORM_MODE.search(lines[0]))
    return "\n".join(PARAM.sub("", line) for line in (lines[1:] if titled else lines)).lstrip("\n"), form_only
