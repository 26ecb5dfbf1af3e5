"""Content-hash caches, after jupyter-cache: rebuild only what changed, never trust an mtime.

Two keys per lesson:
- the execution key hashes the lesson's code cells (with their options) and what
  running them depends on: livedeck's capture code, torch and matplotlib versions,
  the figure style, helper modules in slides/. Editing prose does not change it, so
  the lesson is re-rendered from its cached outputs without running again.
- the render key hashes the whole lesson file with everything a deck's bytes depend
  on (templates, livedeck's code, formats). When it and the files on disk match the
  last build's manifest, nothing is done at all: no torch, no matplotlib.

Entries are written to a temporary folder and renamed into place, and every file
is checked against the sha256 recorded with it, so a half-written or corrupt entry
is simply a miss.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Optional

from livedeck import __version__
from livedeck.base.files import temporary, write_atomic
from livedeck.base.package_data import PACKAGE, code_files
from livedeck.model import MODEL_VERSION, Block, outputs_from_json, outputs_to_json
from livedeck.read.lesson import Lesson
from livedeck.writers import Card

# The stages whose code alters what execution captures (the rest only alters rendering): reading the
# lesson, the model it is recorded in, the helpers lessons call, and the run itself.
CAPTURE_STAGES = ("read", "model", "helpers", "run")


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def sha_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digests(files: dict[str, bytes]) -> dict[str, str]:
    """Each file's sha256 by its name: what a cache entry's manifest and a frozen record keep of their files."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}


def read_checked(folder: Path, recorded: dict[str, str]) -> tuple[dict[str, bytes], list[str]]:
    """The files `recorded` names, read from `folder`, and the names of those whose bytes are not what their
    recorded sha256 says (a half-written or damaged copy). OSError when one is missing."""
    files = {name: (folder / name).read_bytes() for name in recorded}
    return files, [name for name, data in files.items() if hashlib.sha256(data).hexdigest() != recorded[name]]


@lru_cache(maxsize=1)
def library_versions() -> bytes:
    """Python's, torch's, matplotlib's and NumPy's versions (read from package metadata: importing them
    costs seconds)."""
    versions = [f"python=={sys.version}"]
    for name in ("torch", "matplotlib", "numpy"):
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return ";".join(versions).encode()


def _files(paths: Iterable[Path]) -> list[bytes]:
    return [part for p in sorted(paths) for part in (p.name.encode(), p.read_bytes())]


@dataclass(frozen=True)
class KeyInputs:
    """What a lesson's results depend on beyond its own file."""
    style: Optional[Path]  # the figure style
    helpers: tuple[Path, ...]  # slides/_*.py, which lessons may import
    allow_errors: bool

    @cached_property
    def digest(self) -> str:
        """Their hash, read once per build and shared by every lesson's keys."""
        style = self.style.read_bytes() if self.style and self.style.exists() else b""
        return _sha(__version__.encode(), str(MODEL_VERSION).encode(), library_versions(), style,
                    b"allow-errors" if self.allow_errors else b"", *_files(self.helpers),
                    *_files(p for stage in CAPTURE_STAGES for p in (PACKAGE / stage).rglob("*.py")))


def code_cells_digest(lesson: Lesson) -> str:
    """Hash of the code cells and their options only: prose edits keep it."""
    cells = [[c.source, sorted(vars(c.options).items())] for c in lesson.cells if c.kind == "code"]
    return _sha(json.dumps(cells).encode())


def execution_key(lesson: Lesson, inputs: KeyInputs) -> str:
    return _sha(code_cells_digest(lesson).encode(), inputs.digest.encode(), b"code-cell outputs")


def code_outputs(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...]) -> tuple[tuple[Block, ...], ...]:
    """What the cache keeps of a run: the outputs of the code cells alone, which the key covers exactly.
    (Kept cell by cell, a prose edit that splits a markdown cell in two would shift every output.)"""
    return tuple(shown for cell, shown in zip(lesson.cells, outputs) if cell.kind == "code")


def cell_outputs(lesson: Lesson, kept: tuple[tuple[Block, ...], ...]) -> Optional[tuple[tuple[Block, ...], ...]]:
    """The cached code-cell outputs put back beside every cell of the lesson as it is now (markdown
    cells show nothing); None if they do not match its code cells."""
    if len(kept) != sum(cell.kind == "code" for cell in lesson.cells):
        return None
    shown = iter(kept)
    return tuple(next(shown) if cell.kind == "code" else () for cell in lesson.cells)


def render_context(inputs: KeyInputs, templates: Path, formats: Iterable[str], pptx_template: Optional[Path],
                   destinations: Iterable[str], settings: Iterable[Path] = ()) -> str:
    """Hash of all a deck's bytes depend on besides its lesson file (`settings`: course.toml and its
    logo); computed once per build."""
    template_files = [p for p in templates.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    extra = [pptx_template.read_bytes()] if pptx_template else [b""]
    extra += [part for p in settings for part in (str(p).encode(), p.read_bytes())]
    return _sha(inputs.digest.encode(), *_files(code_files()),
                *[part for p in sorted(template_files) for part in (str(p.relative_to(templates)).encode(),
                                                                    p.read_bytes())],
                ",".join(formats).encode(), ",".join(destinations).encode(), *extra)


def render_key(lesson_file: Path, context: str) -> str:
    return _sha(lesson_file.read_bytes(), context.encode())


# --- executed results ------------------------------------------------------------------

def _entry(cache: Path, key: str) -> Path:
    return cache / "executed" / key


def has_executed(cache: Path) -> bool:
    """Whether any executed results are cached at all (none: a cold build, everything runs)."""
    return any((cache / "executed").glob("*/manifest.json"))


def _same_files(digests: dict[str, str]) -> bool:
    """Whether every file still has the sha256 recorded for it."""
    try:
        return all(sha_file(Path(path)) == digest for path, digest in digests.items())
    except OSError:
        return False


@dataclass(frozen=True)
class CachedRun:
    """What the executed cache keeps of a lesson's run: its code cells' outputs, its figure and table files,
    and the data files it read (path → sha256)."""
    outputs: tuple[tuple[Block, ...], ...]
    files: dict[str, bytes]
    inputs: dict[str, str]
    seconds: float = 0.0  # how long the run took (a frozen record keeps it: shards are balanced by it)


def load_executed(cache: Path, key: str) -> Optional[CachedRun]:
    """Cached outputs, figure files and data files read, for `key`; None when missing, partial or
    corrupt, or when a data file the lesson read has changed since (then it runs again)."""
    entry = _entry(cache, key)
    try:
        manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
        if not _same_files(manifest["inputs"]):
            raise ValueError("a data file the lesson read has changed")  # stale: dropped below, like corrupt
        files, damaged = read_checked(entry / "files", manifest["files"])
        if damaged:
            raise ValueError(f"{', '.join(damaged)} do not match their checksums")
        outputs_text = (entry / "outputs.json").read_bytes()
        if hashlib.sha256(outputs_text).hexdigest() != manifest["outputs"]:
            raise ValueError("outputs.json does not match its checksum")
        return CachedRun(outputs_from_json(outputs_text.decode("utf-8")), files, manifest["inputs"],
                         float(manifest.get("seconds", 0.0)))
    except (OSError, ValueError, KeyError, TypeError):
        if entry.exists():
            shutil.rmtree(entry, ignore_errors=True)  # corrupt or stale: drop it, the lesson simply runs again
        return None


def store_executed(cache: Path, key: str, run: CachedRun) -> None:
    """Store a run's results under its key, with the sha256 of each data file it read (`run.inputs`)."""
    outputs, files, inputs = run.outputs, run.files, run.inputs
    entry = _entry(cache, key)
    if entry.exists():
        return
    entry.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=entry.parent, **temporary(key[:12])))
    try:
        (temp / "files").mkdir()
        for name, data in files.items():
            (temp / "files" / name).write_bytes(data)
        outputs_text = outputs_to_json(outputs).encode("utf-8")
        (temp / "outputs.json").write_bytes(outputs_text)
        manifest = {"outputs": hashlib.sha256(outputs_text).hexdigest(), "inputs": inputs, "seconds": run.seconds,
                    "files": digests(files)}
        # The manifest is written last: an entry without one is incomplete.
        (temp / "manifest.json").write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
        os.replace(temp, entry)
    except OSError:
        shutil.rmtree(temp, ignore_errors=True)  # another build stored it first, or the disk is full


# --- the last build of each lesson ---------------------------------------------------

def _manifest(cache: Path, name: str) -> Path:
    return cache / "built" / f"{name}.json"


def up_to_date(cache: Path, name: str, key: str) -> Optional[Card]:
    """What the course page says of the lesson, when its last build had this render key and its outputs
    and the data files it read are as that build left them."""
    try:
        built = json.loads(_manifest(cache, name).read_text(encoding="utf-8"))
        if built["render_key"] != key or not _same_files(built["outputs"]) or not _same_files(built["inputs"]):
            return None
        return Card(**built["card"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def last_card(cache: Path, name: str) -> Optional[Card]:
    """The lesson's card as its last good build left it (the course page lists lessons a build did not touch)."""
    try:
        return Card(**json.loads(_manifest(cache, name).read_text(encoding="utf-8"))["card"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_build(cache: Path, name: str, key: str, card: Card, outputs: Iterable[Path],
                 inputs: dict[str, str]) -> None:
    built = {"render_key": key, "card": vars(card), "outputs": {str(p): sha_file(p) for p in outputs},
             "inputs": inputs}
    try:
        write_atomic(_manifest(cache, name), json.dumps(built, indent=1, sort_keys=True).encode("utf-8"))
    except OSError:
        pass  # a full disk: without its record, the lesson is simply built again next time
