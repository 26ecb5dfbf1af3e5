"""The docs say what the code does: the README's lesson builds, every example is fenced, every link
resolves, and the references list exactly the command's options and the model's fields."""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from support.builds import ROOT, build_here, run_build

DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "bench" / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")), ROOT / "tests" / "fixtures" / "lessons" / "README.md"]


def _outside_fences(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every line that is not inside a ``` fence."""
    outside, fenced = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            outside.append((number, line))
    return outside


@pytest.mark.parametrize("path", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_every_code_example_is_fenced(path: Path) -> None:
    """An unclosed fence turns the rest of a page into one code block (the README's lesson example once
    swallowed the whole lesson-format reference); a lesson line outside a fence is an example unfenced."""
    text = path.read_text(encoding="utf-8")
    assert sum(line.startswith("```") for line in text.splitlines()) % 2 == 0
    assert [n for n, line in _outside_fences(text) if line.startswith(("# %%", "#| "))] == []


@pytest.mark.parametrize("path", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_every_link_to_a_file_resolves(path: Path) -> None:
    text = "\n".join(line for _, line in _outside_fences(path.read_text(encoding="utf-8")))
    text = re.sub(r"(`+).+?\1", "", text)  # a link quoted in code is an example, not a link
    targets = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", text) if "://" not in t and not t.startswith("#")]
    assert [t for t in targets if not (path.parent / t).exists()] == []


def test_the_readmes_lesson_builds(tmp_path: Path) -> None:
    """The lesson a lecturer copies from the README, built in a folder of its own, as the README says."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lesson = re.search(r"## A course of your own.*?```python\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "01_no_grad.py").write_text(lesson, encoding="utf-8")
    result = build_here("-f", "html", "-f", "pptx", "-f", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    deck = json.loads((tmp_path / "dist" / "no_grad.json").read_text())["deck"]
    assert deck["title"] == "Turning Autograd Off" and deck["title_notes"]
    assert [s["title"] for s in deck["slides"]] == ["Inside `no_grad`, nothing is recorded"]
    assert {b["type"] for b in deck["slides"][0]["blocks"]} >= {"Markdown", "Math", "Code", "Table"}
    assert (tmp_path / "dist" / "no_grad.pptx").exists() and (tmp_path / "dist" / "index.html").exists()


def test_the_cli_reference_lists_exactly_the_commands_options() -> None:
    """docs/reference/cli.md against click's own list, both ways; --help prints each too."""
    from livedeck.cli.command import main

    options = {name for param in main.params for name in param.opts if name.startswith("--")} - {"--help"}
    assert {"--handout", "--with-outputs", "--watch"} <= options and len(options) >= 17
    table = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    documented = {name for row in table.splitlines() if row.startswith("| `")
                  for name in re.findall(r"`(--[\w-]+)", row.split("|")[1])}
    assert documented == options
    shown = run_build("--help").stdout
    assert [option for option in options if option not in shown] == []
    # `livedeck new PATH`: its own section lists its options
    from livedeck.cli.new import new

    section = table.split("## `livedeck new PATH`", 1)[1]
    assert {name for param in new.params for name in param.opts if name.startswith("--")} - {"--help"} == \
        set(re.findall(r"`(--[\w-]+)`", section))


def test_the_model_reference_lists_every_type_and_field() -> None:
    import livedeck.model as model

    text = (ROOT / "docs" / "reference" / "model.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## `(\w+)`\n(.*?)(?=^## |\Z)", text, re.S | re.M))
    for name in ("Deck", "Slide", *[block.__name__ for block in model.Block.__args__]):
        cls = getattr(model, name)
        fields = re.findall(r"^- `(\w+)`: ", sections[name], re.M)
        assert fields == [f.name for f in dataclasses.fields(cls)], name
    assert f'"version": {model.MODEL_VERSION}' in text
