"""One error family: every exception livedeck defines is a LivedeckError of a kind, and the kind sets the
build's exit status, in one table."""
from __future__ import annotations

import ast

from livedeck.base.errors import EXIT_STATUS, Kind, exit_status
from support.builds import ROOT, build_here, run_build, write_lesson

# Not errors but control flow: a cell's time limit, raised into the lesson's own code by an alarm
CONTROL_FLOW = {"CellTimeout"}


def _exception_classes() -> dict[str, list[str]]:
    """Every class livedeck defines, by name, with the names of its bases (read, not imported)."""
    classes: dict[str, list[str]] = {}
    for path in (ROOT / "livedeck").rglob("*.py"):
        if {"templates", "node_modules"} & set(path.relative_to(ROOT / "livedeck").parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                classes[node.name] = [b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases]
    return classes


def _ancestors(name: str, classes: dict[str, list[str]]) -> set[str]:
    found, todo = set(), [name]
    while todo:
        for base in classes.get(todo.pop(), []):
            if base not in found:
                found.add(base)
                todo.append(base)
    return found


def test_every_exception_livedeck_defines_is_of_the_family() -> None:
    classes = _exception_classes()
    errors = {name for name in classes if {"Exception", "BaseException"} & _ancestors(name, classes)}
    assert {"UsageError", "SettingsError", "LessonError", "FormulaError", "OutputError"} <= errors
    outside = sorted(name for name in errors - CONTROL_FLOW - {"LivedeckError"}
                     if "LivedeckError" not in _ancestors(name, classes))
    assert outside == []


def test_the_exit_status_table() -> None:
    assert set(EXIT_STATUS) == set(Kind)
    assert exit_status([]) == 0
    assert [exit_status([kind]) for kind in (Kind.LESSON, Kind.INTERNAL)] == [1, 1]
    assert [exit_status([kind]) for kind in (Kind.USAGE, Kind.OUTPUT, Kind.ENVIRONMENT)] == [2, 2, 2]
    assert exit_status([Kind.LESSON, Kind.USAGE, Kind.LESSON]) == 2  # the worst wins


def test_each_kind_is_the_exit_status_a_build_ends_with(tmp_path) -> None:
    """Through the command: a lesson whose code raises (lesson: 1), a malformed lesson file (usage: 2), a
    bad course.toml (usage, before anything runs: 2)."""
    write_lesson(tmp_path / "a" / "slides", "01_raises.py", "# %%\nraise ValueError('no')\n")
    assert build_here("-f", "json", cwd=tmp_path / "a").returncode == 1
    write_lesson(tmp_path / "b" / "slides", "01_bad.py", "# %%\n#| echo: maybe\nx = 1\n")
    assert build_here("-f", "json", cwd=tmp_path / "b").returncode == 2
    write_lesson(tmp_path / "c" / "slides", "01_fine.py", "# %%\nx = 1\n")
    (tmp_path / "c" / "course.toml").write_text("titel = 'typo'\n")
    result = run_build("-f", "json", cwd=tmp_path / "c")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "course.toml:1: unknown key" in result.stderr

