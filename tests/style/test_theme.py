"""theme.toml's values go into CSS, HTML and PowerPoint as they are: each is parsed as what its key takes (a
colour, a font's name, a style's name), and anything else is a one-line error naming the key."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livedeck.style.theme import ThemeError, load_theme
from support.builds import ROOT, run_build, write_lesson

THEME = (ROOT / "templates" / "theme.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, named", [
    ('color = "111111"', 'color = "111111; background: url(http://127.0.0.1:9/x)"', "[text] color"),
    ('note = "0B5CAD, EEF4FB"', 'note = "0B5CAD\\" onmouseover=\\"alert(1), EEF4FB"', "[callout] note"),
    ('text_font = "Arial"', 'text_font = "Arial\'; }</style><script>"', "[pptx] text_font"),
    ('pygments_style = "default"', 'pygments_style = "../../x"', "[code] pygments_style"),
    ('heading_color = "0B3D91"\n', "", "[text] heading_color is missing"),
])
def test_a_value_that_is_not_what_its_key_takes_is_named(tmp_path: Path, old: str, new: str, named: str) -> None:
    assert old in THEME
    (tmp_path / "theme.toml").write_text(THEME.replace(old, new), encoding="utf-8")
    with pytest.raises(ThemeError, match=named.replace("[", r"\[").replace("]", r"\]")):
        load_theme(tmp_path / "theme.toml")


def test_livedecks_own_theme_passes() -> None:
    theme = load_theme()
    assert theme.text_color == "111111" and dict((k, (f, b)) for k, f, b in theme.callouts)["note"] == ("0B5CAD", "EEF4FB")


def test_a_bad_theme_stops_the_build_in_one_line_before_any_lesson(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    theme = tmp_path / "templates" / "theme.toml"
    theme.write_text(THEME.replace('accent = "B3261E"', 'accent = "B3261E\\" onclick=\\"x()"'), encoding="utf-8")
    write_lesson(tmp_path / "slides", "01_a.py", "# %% [markdown]\n# # A\n# ## S\n# Text.\n\n# %%\nopen('ran', 'w')\n")
    result = run_build("--templates", "templates", "-f", "html", "-f", "pptx", cwd=tmp_path)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1 and "[text] accent must be a colour" in lines[0], result.stderr
    assert not (tmp_path / "slides" / "ran").exists() and not (tmp_path / "dist" / "a.html").exists()
