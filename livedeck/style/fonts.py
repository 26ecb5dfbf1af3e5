"""The DejaVu fonts matplotlib ships: the layout measures text with them, and the HTML deck draws
with the same files (copied into its assets), so a browser draws exactly what was measured."""
from __future__ import annotations

import importlib.util
from pathlib import Path

FONTS = tuple(f"{family}{style}.ttf" for family in ("DejaVuSans", "DejaVuSansMono")
              for style in ("", "-Bold", "-Oblique", "-BoldOblique"))


def font_folder() -> Path:
    # matplotlib's data folder, found without importing matplotlib (slow, and not needed here)
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib, a dependency, is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
