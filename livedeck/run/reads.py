"""The project's files a lesson reads while it runs: part of its cache key, so that an edited data file
runs the lesson again (jupyter-cache keys on code alone)."""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Optional


def record_reads(reads: set[str]) -> None:
    """Note every file opened for reading from now on (an audit hook lasts as long as the process,
    which is this lesson's alone): data files a lesson reads are part of its cache key."""
    def hook(event: str, args: tuple) -> None:
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            mode, flags = args[1], args[2]
            if (mode is None and flags & os.O_ACCMODE != os.O_WRONLY) or (isinstance(mode, str) and "r" in mode):
                reads.add(os.path.abspath(os.fsdecode(args[0])))

    sys.addaudithook(hook)


def inputs_read(reads: set[str], project: Optional[Path], lesson: Path, ignore: tuple[Path, ...]) -> dict[str, str]:
    """path → sha256 of the project's files the lesson read: not installed packages, compiled
    bytecode, the lesson itself (its own key) or what the build writes."""
    if project is None:
        return {}
    found = {}
    outside = (Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), *ignore)
    for name in sorted(reads):
        path = Path(name)
        if (path == lesson or path.suffix == ".pyc" or not path.is_relative_to(project)
                or any(path.is_relative_to(o) for o in outside) or not path.is_file()):
            continue
        found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
