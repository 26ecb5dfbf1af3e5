"""What a build left on disk, read back whole."""
from __future__ import annotations

import zipfile
from pathlib import Path

from pptx import Presentation

from livedeck.build import cache


def assert_all_complete(folder: Path) -> None:
    """Every visible output and cache entry is whole: no half-written file anywhere."""
    for path in folder.rglob("*"):
        if not path.is_file() or any(part.startswith(".") and part != ".livedeck-cache"
                                     for part in path.relative_to(folder).parts):
            continue  # temporaries are hidden, and removed by the next build
        data = path.read_bytes()
        if path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
        elif path.suffix == ".pptx":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path
            Presentation(str(path))
        elif path.suffix == ".png":
            assert data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82"), path
        elif path.suffix == ".svg":
            assert data.rstrip().endswith(b"</svg>"), path
    executed = folder / ".livedeck-cache" / "executed"
    if executed.is_dir():
        for entry in executed.iterdir():
            if not entry.name.startswith("."):
                assert cache.load_executed(folder / ".livedeck-cache", entry.name) is not None, entry
