"""`livedeck new PATH`: a course folder to start from, which builds as it is (livedeck/cli/new.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from support.builds import ROOT, build_here


def new(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "new", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_a_new_course_has_its_files_and_builds_every_kind_of_content(tmp_path: Path) -> None:
    made = new("course", "--title", 'Deep "Learning"', "--author", "A. Lecturer", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    course = tmp_path / "course"
    toml = (course / "course.toml").read_text()
    assert 'title = "Deep \\"Learning\\""' in toml and 'author = "A. Lecturer"' in toml
    assert '# institute = "…"' in toml and '# date = "…"' in toml  # what was not given stays a comment
    assert "dist/" in (course / ".gitignore").read_text() and "livedeck --watch" in (course / "README.md").read_text()
    workflow_file = course / ".github" / "workflows" / "decks.yml"
    checked = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                              str(workflow_file)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # GitHub's workflow schema (actionlint: offline none)
    workflow = yaml.safe_load(workflow_file.read_text())
    steps = [step.get("run", step.get("uses", "")) for step in workflow["jobs"]["build"]["steps"]]
    assert "actions/upload-pages-artifact@v3" in steps
    [script] = [step for step in steps if "livedeck --" in step]
    assert _workflow_runs(script, course) == "--format html --format pptx"  # no frozen results: every lesson runs
    (course / "frozen").mkdir()
    assert _workflow_runs(script, course) == "--frozen --format html --format pptx"  # frozen ones: nothing runs
    (course / "frozen").rmdir()
    built = build_here("-f", "html", "-f", "pptx", "-f", "json", cwd=course)
    assert built.returncode == 0 and "⚠" not in built.stderr, built.stderr
    deck = json.loads((course / "dist" / "first_lesson.json").read_text())["deck"]
    blocks = {block["type"] for slide in deck["slides"] for block in slide["blocks"]}
    assert {"Math", "Figure", "Table", "Code", "Value"} <= blocks
    assert deck["title_notes"] and any(slide["notes"] for slide in deck["slides"])
    assert any(block.get("step") for slide in deck["slides"] for block in slide["blocks"])  # revealed step by step
    assert (course / "dist" / "first_lesson.pptx").exists() and (course / "dist" / "index.html").exists()


def _workflow_runs(script: str, course: Path) -> str:
    """The livedeck command line the workflow's build step runs, in bash, with a `livedeck` that only says
    how it was called."""
    fake = course.parent / "fake-bin"
    fake.mkdir(exist_ok=True)
    (fake / "livedeck").write_text('#!/bin/sh\necho "$@"\n')
    (fake / "livedeck").chmod(0o755)
    ran = subprocess.run(["bash", "-e", "-c", script], cwd=course, capture_output=True, text=True, timeout=30,
                         env={**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"})
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.strip()


def test_a_folder_that_holds_something_is_refused_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    refused = new(".", cwd=tmp_path)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "is not empty" in refused.stderr
    assert not (tmp_path / "course.toml").exists()
    forced = new(".", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and (tmp_path / "slides" / "01_first_lesson.py").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"
