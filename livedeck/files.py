"""Writing outputs so no half-written file is ever visible: write a temporary file, then rename."""
from __future__ import annotations

import os
import shutil
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
    # The writer's pid in the name lets a later build remove what a killed one left.
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files that a killed build left (their writer's pid is gone).

    A concurrent build's temporaries belong to a live process and are left alone.
    """
    if not folder.is_dir():
        return
    for temp in folder.rglob(".*.tmp"):
        try:  # ".<name>.<pid>.<random>.tmp"
            pid = int(temp.name.split(".")[-3])
        except (ValueError, IndexError):
            continue
        if not _alive(pid):
            if temp.is_dir():
                shutil.rmtree(temp, ignore_errors=True)
            else:
                temp.unlink(missing_ok=True)
