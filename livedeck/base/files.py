"""Writing outputs so no half-written file is ever visible: write a temporary file, then rename."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional, TypedDict


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


class TemporaryNames(TypedDict):
    prefix: str
    suffix: str


def temporary(name: str) -> TemporaryNames:
    """The one naming rule of every temporary file and folder a build makes, for tempfile's mkstemp and
    mkdtemp: `.<name>.<pid>.<random>.tmp`, hidden, beside what it becomes. The writer's pid lets a later
    build remove what a killed one left (remove_stale_temporaries)."""
    return TemporaryNames(prefix=f".{name}.{os.getpid()}.", suffix=".tmp")


def process_alive(pid: int) -> bool:
    """Whether a process is still running: not gone, and not a zombie (a killed build whose parent has not
    yet collected it, as a test harness reading its output has not). Another user's process is alive."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc (macOS): alive as far as can be told


def _stage(path: Path, data: bytes) -> str:
    """`data` written in full under a temporary name beside `path`; returns that name. An error
    (full disk, refused folder) names `path`, not its temporary."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, **temporary(path.name))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return temp


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace `path` with `data` in one rename; returns False when it already held exactly that."""
    if _unchanged(path, data):
        return False
    os.replace(_stage(path, data), path)
    return True


def publish(files: dict[Path, bytes]) -> None:
    """Write all of `files` or none: each is staged under a temporary name first, and only when every
    one is written in full (no full disk, no refused folder) are they renamed into place. If a rename
    fails even so (a folder where a file should go), the files already renamed are put back as they were."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            if _unchanged(path, data):
                os.utime(path)  # rebuilt, just the same: as new as the rest (the course page compares dates)
            else:
                staged.append((_stage(path, data), path))
    except BaseException:
        for temp, _ in staged:
            Path(temp).unlink(missing_ok=True)
        raise
    kept = [(path, _kept(path)) for _, path in staged]  # each file, and a link to what it held
    journal = _journal(kept)  # what a build killed among the renames left, for the next build to undo
    started = 0  # renames begun
    try:
        for temp, path in staged:
            started += 1
            os.replace(temp, path)
    except BaseException:
        _undo(kept[:started])
        for temp, _ in staged:
            Path(temp).unlink(missing_ok=True)
        raise
    finally:
        for _, old in kept:
            if old is not None:
                old.unlink(missing_ok=True)
        if journal is not None:
            journal.unlink(missing_ok=True)


JOURNAL = "publishing"  # the temporary that lists a publish's files and what each held, while it renames


def _journal(kept: list[tuple[Path, Optional[Path]]]) -> Optional[Path]:
    if not kept:
        return None
    fd, name = tempfile.mkstemp(dir=kept[0][0].parent, **temporary(JOURNAL))
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump([[str(path), str(old) if old else None] for path, old in kept], out)
        out.flush()
        os.fsync(out.fileno())
    return Path(name)


def _undo(replaced: list[tuple[Path, Optional[Path]]]) -> None:
    """Put back what each file held before it was replaced (a file that was not there is removed)."""
    for path, old in reversed(replaced):
        if old is not None and old.exists():
            os.replace(old, path)
        elif old is None and path.is_file():
            path.unlink()


def undo_interrupted_publishes(folder: Path) -> None:
    """A build killed among the renames of one lesson's files left some new and some old (a.html from one
    build beside a.pptx from the one before): its journal names them all, and each is put back as it was
    before, so a lesson's files are always of one build. Called before stale temporaries are removed."""
    if not folder.is_dir():
        return
    for journal in folder.rglob(f".{JOURNAL}.*.tmp"):
        if process_alive(int(journal.name.split(".")[-3])):
            continue  # a concurrent build, still publishing
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = []  # killed while writing it: no rename had begun
        _undo([(Path(path), Path(old) if old else None) for path, old in entries])
        journal.unlink(missing_ok=True)


def _kept(path: Path) -> Optional[Path]:
    """A second name for the file at `path` (a hard link, or a copy where links are refused), under the
    temporaries' naming rule, so that it can be put back; None when there is no file there."""
    if not path.is_file():
        return None
    fd, name = tempfile.mkstemp(dir=path.parent, **temporary(path.name))
    os.close(fd)
    os.unlink(name)
    try:
        os.link(path, name)
    except OSError:
        shutil.copy2(path, name)
    return Path(name)


def remove_others(folder: Path, keep: set[str]) -> None:
    """Remove the files of `folder` not named in `keep` (what an earlier build wrote and this one did not)."""
    if folder.is_dir():
        for old in folder.iterdir():
            if old.is_file() and old.name not in keep and not old.name.startswith("."):
                old.unlink()


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
        if not process_alive(pid):
            if temp.is_dir():
                shutil.rmtree(temp, ignore_errors=True)
            else:
                temp.unlink(missing_ok=True)
