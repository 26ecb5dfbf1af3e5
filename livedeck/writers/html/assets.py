"""Copy reveal.js (installed from npm), the DejaVu fonts and the deck stylesheet into
dist/assets/, so a built folder presents offline and draws with the fonts the layout measured."""
from __future__ import annotations

from pathlib import Path

from livedeck.base.errors import EnvironmentProblem
from livedeck.base.files import write_atomic
from livedeck.base.package_data import NODE_MODULES
from livedeck.style.fonts import FONTS, font_folder

# (package folder in node_modules, file or folder inside it, where it goes under assets/)
ASSETS = [
    ("reveal.js", "dist/reset.css", "reveal/reset.css"),
    ("reveal.js", "dist/reveal.css", "reveal/reveal.css"),
    ("reveal.js", "dist/reveal.js", "reveal/reveal.js"),
    ("reveal.js", "dist/plugin/notes.js", "reveal/plugin/notes.js"),
    # Drawing on slides while presenting (press C for a pen, B for a whiteboard)
    ("reveal.js-plugins", "chalkboard/plugin.js", "chalkboard/plugin.js"),
    ("reveal.js-plugins", "chalkboard/style.css", "chalkboard/style.css"),
    ("reveal.js-plugins", "chalkboard/img", "chalkboard/img"),
    # the chalkboard's buttons are Font Awesome icons
    ("@fortawesome/fontawesome-free", "css/all.min.css", "fontawesome/css/all.min.css"),
    ("@fortawesome/fontawesome-free", "webfonts", "fontawesome/webfonts"),
]


class MissingAssets(EnvironmentProblem):
    pass


def copy_assets(dist: Path, templates: Path, node_modules: Path = NODE_MODULES) -> None:
    target = dist / "assets"
    for package, inside, dest in ASSETS:
        source = node_modules / package / inside
        if not source.exists():
            raise MissingAssets(f"{source} is missing: run `npm ci` (or `make deck`) to install reveal.js and MathJax")
        files = sorted(source.rglob("*")) if source.is_dir() else [source]
        for file in files:
            if file.is_file():
                relative = file.relative_to(source) if source.is_dir() else Path()
                write_atomic(target / dest / relative, file.read_bytes())
    # The fonts the layout measures with (matplotlib ships them): the browser draws what was measured.
    for font in FONTS:
        write_atomic(target / "fonts" / font, (font_folder() / font).read_bytes())
    write_atomic(target / "livedeck.css", (templates / "reveal" / "livedeck.css").read_bytes())
