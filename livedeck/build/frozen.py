"""Frozen results: each lesson's execution record kept beside the course, in git, so that any machine can
build the decks without running the lessons (`--frozen`), and a later run can be checked against it
(`--check`). After Quarto's `_freeze/`, but keyed by content: a record names every input it was made from,
and a record whose inputs changed is refused with the input named, never used stale.

    frozen/NAME/record.json   what it was made from (code, helpers, data files, livedeck and Python),
                              how long the run took, and the sha256 of every file below
    frozen/NAME/outputs.json  what each code cell showed (the deck model's blocks, one per line)
    frozen/NAME/files/        its figures (SVG, and the PNG PowerPoint shows)

Two freezes of an unchanged course write the same bytes: the record keeps the duration of the run it was
first made from until its inputs or results change.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Optional

from livedeck import __version__
from livedeck.base.errors import Kind, LivedeckError, cannot_write
from livedeck.base.files import publish, remove_others
from livedeck.build.cache import CachedRun, code_cells_digest, digests, read_checked, sha_file
from livedeck.model import outputs_from_json, outputs_to_json
from livedeck.read.lesson import Lesson
from livedeck.settings.options import BuildOptions

FORMAT = 1  # of record.json; a record of another format is frozen again
CODE = "code cells"  # the names of the inputs that are not files
LIVEDECK = "livedeck"
PYTHON = "python"
STYLE = "figure style"


class FrozenError(LivedeckError):
    """A lesson's frozen record is missing, unreadable or stale (that lesson's failure), or cannot be
    written; the message says which and what to do."""
    kind = Kind.LESSON


def folder(options: BuildOptions) -> Path:
    """Where the course keeps its frozen records: frozen/ beside slides/."""
    return options.project / "frozen"


def _relative(path: Path, options: BuildOptions) -> str:
    """The path within the course, as a record names it (records are read on other machines)."""
    return path.resolve().relative_to(options.project).as_posix()


def _course_files(data: dict[str, str], options: BuildOptions) -> dict[str, str]:
    """Of the files a run read (path → sha256), those of the course, by their paths in it."""
    return {_relative(Path(path), options): digest for path, digest in data.items()
            if Path(path).resolve().is_relative_to(options.project)}


def inputs(lesson: Lesson, options: BuildOptions, data: dict[str, str]) -> dict[str, str]:
    """What a lesson's results were made from, each by a name a message can show: its code cells, the
    course's helper modules and the data files it read (by their paths in the course), the figure style,
    livedeck's version and Python's. (Not torch's: a torch upgrade is what `--check` is for.)"""
    style = options.style
    named = {CODE: code_cells_digest(lesson), LIVEDECK: __version__,
             PYTHON: f"{sys.version_info.major}.{sys.version_info.minor}",
             STYLE: sha_file(style) if style is not None else "none"}
    named |= {_relative(path, options): sha_file(path) for path in sorted(options.slides.glob("_*.py"))}
    return named | _course_files(data, options)


def _read(options: BuildOptions, name: str) -> dict:
    """The lesson's record.json as stored (OSError when there is none, ValueError when it is no JSON)."""
    return json.loads((folder(options) / name / "record.json").read_text(encoding="utf-8"))


def _text(value: object) -> bytes:
    return (json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def freeze(lesson: Lesson, run: CachedRun, options: BuildOptions) -> None:
    """Write the lesson's record: all its files or none (a killed freeze leaves the last whole record)."""
    where = folder(options) / lesson.name
    outputs = _text(json.loads(outputs_to_json(run.outputs)))
    record = {"format": FORMAT, "lesson": _relative(lesson.path, options), "seconds": round(run.seconds, 1),
              "inputs": inputs(lesson, options, run.inputs), "outputs": hashlib.sha256(outputs).hexdigest(),
              "reads": sorted(_course_files(run.inputs, options)),
              "files": digests(run.files)}
    try:
        old = _read(options, lesson.name)
        if {**old, "seconds": record["seconds"]} == record:
            record["seconds"] = old["seconds"]  # the same results: the same bytes, however long this run took
    except (OSError, ValueError, TypeError):
        pass
    try:
        (where / "files").mkdir(parents=True, exist_ok=True)
        publish({where / "record.json": _text(record), where / "outputs.json": outputs}
                | {where / "files" / name: data for name, data in run.files.items()})
        remove_others(where / "files", set(run.files))
    except OSError as exc:
        raise FrozenError(cannot_write(f"{_relative(where, options)}/", exc)) from None


def _record(lesson: Lesson, options: BuildOptions) -> dict:
    where = folder(options) / lesson.name
    shown = options.shown(where / "record.json")
    try:
        record = _read(options, lesson.name)
    except FileNotFoundError:
        raise FrozenError(f"{options.shown(lesson.path)}: no frozen record ({shown}); `livedeck --freeze` "
                          "writes one where the lesson can run") from None
    except (OSError, ValueError) as exc:
        raise FrozenError(f"{shown}: cannot read the frozen record: {exc}; freeze the lesson again") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise FrozenError(f"{shown}: a frozen record of another livedeck; freeze the lesson again")
    return record


def changed(lesson: Lesson, options: BuildOptions, frozen: dict[str, str], environment: bool = True) -> list[str]:
    """The inputs that differ from those a record was made from, in words: `data/points.csv changed`.
    `environment`: livedeck's and Python's versions count too."""
    now = inputs(lesson, options, {})
    found = []
    for name, digest in frozen.items():
        if name in (LIVEDECK, PYTHON) and not environment:
            continue
        current = now.get(name)
        if current is None and name not in (CODE, LIVEDECK, PYTHON, STYLE):
            path = options.project / name
            current = sha_file(path) if path.is_file() else None
        if current != digest:
            found.append(f"{name} {'is gone' if current is None else 'changed'}"
                         + (f" ({digest} then, {current} now)" if name in (LIVEDECK, PYTHON) else ""))
    found += [f"{name} is new" for name in now if name not in frozen]
    return found


def thaw(lesson: Lesson, options: BuildOptions, fresh: bool = True) -> CachedRun:
    """The lesson's frozen results, checked against the files' checksums and (`fresh`) against its inputs
    as they are now; FrozenError naming the lesson and what changed when they do not hold."""
    record = _record(lesson, options)
    where = folder(options) / lesson.name
    stale = changed(lesson, options, record.get("inputs", {})) if fresh else []
    if stale:
        raise FrozenError(f"{options.shown(lesson.path)}: its frozen record is stale: {'; '.join(stale)} since "
                          f"it was frozen; run `livedeck --freeze -l {lesson.name}` where the lesson can run")
    try:
        outputs_text = (where / "outputs.json").read_bytes()
        files, damaged = read_checked(where / "files", record["files"])
        if hashlib.sha256(outputs_text).hexdigest() != record["outputs"]:
            damaged.append("outputs.json")
        if damaged:
            raise ValueError(f"{', '.join(damaged)} do not match the record's checksums")
        outputs = outputs_from_json(outputs_text.decode("utf-8"))
        data = {str(options.project / name): record["inputs"][name] for name in record["reads"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FrozenError(f"{options.shown(where)}/: a damaged frozen record ({exc}); freeze the lesson again") from None
    return CachedRun(outputs, files, data, float(record.get("seconds", 0.0)))


def recorded_inputs(lesson: Lesson, options: BuildOptions) -> dict[str, str]:
    """What the lesson's record was made from (by thaw's names); FrozenError when it has none."""
    inputs = _record(lesson, options).get("inputs", {})
    return inputs if isinstance(inputs, dict) else {}


def prune(options: BuildOptions, names: set[str]) -> list[str]:
    """Remove the records of lessons the course no longer has (renamed or deleted), after a freeze of the
    whole course; returns what went, for the build to say. Only folders holding a record are touched."""
    gone = []
    store = folder(options)
    for old in sorted(store.iterdir()) if store.is_dir() else []:
        if old.is_dir() and old.name not in names and (old / "record.json").is_file():
            shutil.rmtree(old)
            gone.append(f"{options.shown(old)}/: removed, no lesson of the course is named {old.name!r} now")
    return gone


def record_digest(options: BuildOptions, name: str) -> str:
    """The sha256 of the lesson's record as it is on disk (a new freeze makes its decks out of date)."""
    try:
        return sha_file(folder(options) / name / "record.json")
    except OSError:
        return "none"


def duration(options: BuildOptions, name: str) -> Optional[float]:
    """How long the lesson's frozen run took, if it has a readable record (the shards are balanced by it)."""
    try:
        return float(_read(options, name)["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
