"""Writing outputs so no half-written file is ever visible: write a temporary file, then rename."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace `path` with `data` in one rename; returns False when it already held exactly that."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def sync_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Make `folder` hold exactly `files`: changed ones rewritten atomically, stale ones removed."""
    for name, data in sorted(files.items()):
        write_atomic(folder / name, data)
    if folder.is_dir():
        for old in folder.iterdir():
            if old.is_file() and old.name not in files and not old.name.startswith("."):
                old.unlink()
