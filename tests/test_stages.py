"""The house by stages: reading down livedeck/ is reading down the pipeline. Each module imports only
from its own stage or from earlier ones (so no import cycle between stages), in the order below."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from support.builds import ROOT

PACKAGE = ROOT / "livedeck"
# Earliest first. The model (the frozen tree, and the deck built from a lesson) comes before the run in
# imports though after it in the pipeline: the executor records what ran as the model's blocks. The
# helpers are what lessons import, and their figure descriptions; the executor collects what they show.
STAGES = ("base", "style", "settings", "markup", "read", "model", "helpers", "run", "layout", "writers", "build",
          "cli")


def _stage(module: str) -> str:
    """`livedeck.read.lesson` → `read`; the package itself (`from livedeck import table`) is the helpers'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "helpers"


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every livedeck module a file imports, at any depth (a function's own import counts too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("livedeck")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("livedeck") and not node.level:
            found.append((node.lineno, node.module))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in ("templates", "node_modules"))


def test_every_module_lives_in_a_stage_folder() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == sorted(STAGES)


def test_no_module_imports_a_later_stage() -> None:
    wrong = []
    for path in _modules():
        parts = path.relative_to(PACKAGE).parts
        if len(parts) == 1:  # livedeck/__init__.py: the helpers lessons import, re-exported
            continue
        own = STAGES.index(parts[0])
        wrong += [f"{path.relative_to(ROOT)}:{line}: {module}" for line, module in _imports(path)
                  if STAGES.index(_stage(module)) > own]
    assert wrong == []


@pytest.mark.parametrize("where", ["inside a function", "at the top"])
def test_the_check_finds_what_it_names(tmp_path: Path, where: str) -> None:
    """A later stage's import is found wherever it stands, by line."""
    module = tmp_path / "lesson.py"
    module.write_text("import os\n\ndef f():\n    from livedeck.build.cache import sha_file\n" if where == "inside a function"
                      else "from livedeck.cli import command\n")
    [(line, name)] = _imports(module)
    assert STAGES.index(_stage(name)) > STAGES.index("read") and line in (1, 4)


def test_the_tests_mirror_the_stages_and_pytest_collects_every_folder() -> None:
    """tests/ has a folder for each stage it tests (and support/ for what they share), and none of them is
    one pytest passes over: its default skips any folder named `build`."""
    import fnmatch
    import tomllib

    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and list(p.glob("test_*.py"))}
    assert folders <= set(STAGES) and "build" in folders
    skipped = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["norecursedirs"]
    assert [f for f in folders if any(fnmatch.fnmatch(f, pattern) for pattern in skipped)] == []


def test_no_function_is_over_50_lines_and_no_module_over_400() -> None:
    """Small functions and modules of one job each: a newcomer reads one at a time."""
    too_long = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > 400:
            too_long.append(f"{path.relative_to(ROOT)}: {len(source.splitlines())} lines")
        too_long += [f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1} lines"
                     for node in ast.walk(ast.parse(source)) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and node.end_lineno is not None and node.end_lineno - node.lineno + 1 > 50]
    assert too_long == []
