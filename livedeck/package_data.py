"""Where livedeck's own data lives: the templates (reveal.js page, PowerPoint template, theme, figure
style) and the npm packages it draws with (reveal.js, MathJax, resvg).

Both are found beside this module, as livedeck/templates and livedeck/node_modules. In a checkout
those are symbolic links to the checkout's templates/ and node_modules/ (so `npm ci` and edits to a
template need no copy step); in an installed wheel they are the copies setuptools packed
(pyproject.toml's package-data), so a non-editable install finds them just the same."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = (PACKAGE / "templates").resolve()
NODE_MODULES = (PACKAGE / "node_modules").resolve()
