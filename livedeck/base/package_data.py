"""Where livedeck's own data lives: the templates (reveal.js page, PowerPoint template, theme, figure
style) and the npm packages it draws with (reveal.js, MathJax, resvg).

Both are found beside this module, as livedeck/templates and livedeck/node_modules. In a checkout
those are symbolic links to the checkout's templates/ and node_modules/ (so `npm ci` and edits to a
template need no copy step); in an installed wheel they are the copies setuptools packed
(pyproject.toml's package-data), so a non-editable install finds them just the same."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # livedeck/, above base/
DATA_FOLDERS = ("templates", "node_modules")  # beside the code, never code themselves
TEMPLATES = (PACKAGE / "templates").resolve()
NODE_MODULES = (PACKAGE / "node_modules").resolve()


def code_files() -> list[Path]:
    """livedeck's own code (.py and the node engines' .mjs), not the data beside it: in a wheel the
    templates and npm packages are real folders inside the package, and their files are no code of ours."""
    return [p for pattern in ("*.py", "*.mjs") for p in PACKAGE.rglob(pattern)
            if p.relative_to(PACKAGE).parts[0] not in DATA_FOLDERS]
