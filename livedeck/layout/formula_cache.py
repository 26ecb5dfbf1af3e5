"""Formulas typeset once, for every format: each result is kept in the build cache under a hash of the
engine and the formula, with a checksum, so a damaged entry is typeset again; a build's head start
typesets its lessons' formulas into it while the lessons run, and a worker waits for it rather than
typesetting the same formulas twice (a lock file per running build)."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from livedeck.base.files import process_alive, write_atomic
from livedeck.layout.math_engine import (
    TIMEOUT,
    Formula,
    Key,
    MathEngineMissing,
    engine_version,
    formula_of,
    formulas_in,
    run_engine,
)


def _cache_file(cache: Path, key: Key) -> Path:
    digest = hashlib.sha256(f"{engine_version()}\n{key[1]}\n{key[0]}".encode()).hexdigest()
    return cache / f"{digest}.json"


def _load(cache: Optional[Path], key: Key) -> Optional[Formula]:
    if cache is None:
        return None
    try:
        stored = json.loads(_cache_file(cache, key).read_text(encoding="utf-8"))
        data = stored["data"]
        if hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest() != stored["checksum"]:
            return None
        return formula_of(key, data)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: typeset again


def _store(cache: Optional[Path], key: Key, data: dict) -> None:
    if cache is None:
        return
    checksum = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    try:
        write_atomic(_cache_file(cache, key), json.dumps({"checksum": checksum, "data": data}).encode())
    except OSError:
        pass  # a cache that cannot be written only costs time


def typeset(wanted: Iterable[Key], cache: Optional[Path] = None) -> dict[Key, Formula]:
    """Every formula asked for, from the cache or typeset in one batch (after the build's head start,
    if one is typesetting now: it is likely typesetting these very formulas)."""
    wanted = list(dict.fromkeys(wanted))
    found = {key: formula for key in wanted if (formula := _load(cache, key)) is not None}
    if len(found) < len(wanted) and _wait_for_head_start(cache):
        found.update({key: formula for key in wanted
                      if key not in found and (formula := _load(cache, key)) is not None})
    missing = [key for key in wanted if key not in found]
    if missing:
        for key, data in zip(missing, run_engine(missing)):
            _store(cache, key, data)
            found[key] = formula_of(key, data)
    return found


WARMING = ".warming-"  # + the pid of a build whose head start is typesetting into the cache now


def _wait_for_head_start(cache: Optional[Path]) -> bool:
    """Wait while a running build's head start typesets into `cache`; whether there was one."""
    def live() -> list[Path]:
        found = []
        for lock in cache.glob(WARMING + "*") if cache is not None and cache.is_dir() else ():
            pid = lock.name[len(WARMING):]
            if pid.isdigit() and process_alive(int(pid)):
                found.append(lock)  # a killed build's lock is ignored (the next head start removes it)
        return found

    if not live():
        return False
    deadline = time.monotonic() + TIMEOUT
    while live() and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


@dataclass(frozen=True)
class HeadStart:
    """The build's formula head start under way: its thread, and the lock that tells workers to wait."""
    thread: threading.Thread
    lock: Path

    def finish(self) -> None:
        """Wait for it: its node run ends with the build."""
        self.thread.join()

    def abandon(self) -> None:
        """The build was stopped first: workers it leaves behind must not wait for it."""
        self.lock.unlink(missing_ok=True)


def warm(lessons: Iterable, cache: Path) -> Optional[HeadStart]:
    """Typeset every formula of the lessons' markdown into the cache, in one batch, in a thread of its
    own: the workers run their lessons meanwhile, and find the formulas there when they lay them out
    (waiting for it if it is not done). Only a head start: a formula that fails is reported by its own
    lesson's build."""
    from livedeck.markup.pieces import Kind, split_markdown

    keys: list[Key] = []
    for lesson in lessons:
        for cell in lesson.cells:
            if cell.kind == "markdown":
                for piece in split_markdown(cell.source):
                    if piece.kind == Kind.MATH:
                        keys.append((piece.text, True))
                    elif piece.kind != Kind.NOTES:
                        keys += formulas_in(piece.text)
    missing = [key for key in dict.fromkeys(keys) if _load(cache, key) is None]
    if not missing:
        return None
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for stale in cache.glob(WARMING + "*"):
            stale.unlink(missing_ok=True)
        lock = cache / f"{WARMING}{os.getpid()}"
        lock.touch()
    except OSError:
        return None

    def run() -> None:
        try:
            for key, data in zip(missing, run_engine(missing)):
                _store(cache, key, data)
        except (MathEngineMissing, RuntimeError, OSError, ValueError, subprocess.TimeoutExpired):
            pass
        finally:
            lock.unlink(missing_ok=True)

    thread = threading.Thread(target=run, name="typeset formulas", daemon=True)
    thread.start()
    return HeadStart(thread, lock)
