"""Safe writes: a file is replaced whole or not at all, a set of files is published all or none, and what a
killed build left behind is found by the one naming rule and removed, never a live build's."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from livedeck.base.files import (
    process_alive,
    publish,
    remove_others,
    remove_stale_temporaries,
    temporary,
    write_atomic,
)
from support.builds import ROOT


def test_write_atomic_replaces_whole_and_skips_what_is_already_there(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "a.txt"
    assert write_atomic(path, b"one") is True and path.read_bytes() == b"one"  # its folder made too
    assert write_atomic(path, b"one") is False  # unchanged: not rewritten
    assert write_atomic(path, b"two") is True and path.read_bytes() == b"two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.txt"]  # no temporary left beside it


def test_publish_writes_all_or_none(tmp_path: Path) -> None:
    old = tmp_path / "a.html"
    old.write_bytes(b"old")
    (tmp_path / "refused").mkdir()  # a folder where a file should go: that write fails
    with pytest.raises(OSError):
        publish({old: b"new", tmp_path / "refused": b"x"})
    assert old.read_bytes() == b"old"  # nothing of the failed set was renamed into place
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # and no temporary stays
    publish({old: b"new", tmp_path / "b.pptx": b"deck"})
    assert old.read_bytes() == b"new" and (tmp_path / "b.pptx").read_bytes() == b"deck"


def test_remove_others_keeps_what_this_build_wrote_and_hidden_files(tmp_path: Path) -> None:
    for name in ("fig-01.svg", "fig-02.svg", ".keep"):
        (tmp_path / name).write_text("x")
    remove_others(tmp_path, {"fig-01.svg"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [".keep", "fig-01.svg"]


def test_the_naming_rule_lets_a_later_build_remove_a_dead_builds_temporaries(tmp_path: Path) -> None:
    names = temporary("a.html")
    assert names["prefix"] == f".a.html.{os.getpid()}." and names["suffix"] == ".tmp"
    mine = Path(tempfile.mkstemp(dir=tmp_path, **names)[1])  # a live writer's: this process
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / f".a.html.{int(dead.stdout)}.x7k2.tmp"  # a killed writer's, its pid gone
    left.write_text("half")
    folder = tmp_path / f".b.{int(dead.stdout)}.q1.tmp"
    folder.mkdir()
    remove_stale_temporaries(tmp_path)
    assert mine.exists() and not left.exists() and not folder.exists()


def test_a_process_is_alive_until_it_is_gone_or_a_zombie() -> None:
    assert process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: its pid is gone
    assert not process_alive(child.pid)
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        os.waitid(os.P_PID, zombie.pid, os.WEXITED | os.WNOWAIT)  # exited, not yet collected: a zombie
        assert not process_alive(zombie.pid)
    finally:
        zombie.wait()
    assert process_alive(1)  # init: another user's process, which kill(pid, 0) may not signal, is alive


def test_a_build_killed_among_the_renames_is_undone_by_the_next(tmp_path: Path) -> None:
    """A kill between two renames left a.html from one build beside a.pptx from the one before. The publish
    keeps a journal while it renames; the next build puts every file back as it was before that publish."""
    from livedeck.base.files import undo_interrupted_publishes

    html, pptx, figure = tmp_path / "a.html", tmp_path / "a.pptx", tmp_path / "fig.svg"
    html.write_text("old html")
    pptx.write_text("old pptx")
    killed = ("import os, sys\nfrom pathlib import Path\nimport livedeck.base.files as files\n"
              "real, count = os.replace, [0]\n"
              "def replace(src, dst):\n"
              "    real(src, dst)\n"
              "    count[0] += 1\n"
              "    if count[0] == 2:\n"
              "        os._exit(9)  # killed between the second and the third rename\n"
              "files.os.replace = replace\n"
              f"root = Path({str(tmp_path)!r})\n"
              "files.publish({root / 'fig.svg': b'new figure', root / 'a.html': b'new html', root / 'a.pptx': b'new pptx'})\n")
    done = subprocess.run([sys.executable, "-c", killed], env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 9
    assert html.read_text() == "new html" and pptx.read_text() == "old pptx"  # mixed, as a kill leaves them
    undo_interrupted_publishes(tmp_path)
    assert html.read_text() == "old html" and pptx.read_text() == "old pptx" and not figure.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".publishing")] == []
