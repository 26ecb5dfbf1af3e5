"""`livedeck new PATH`: a course folder to start from, as a lecturer who has nothing yet needs it: course.toml,
a first lesson that shows what a deck can hold, .gitignore, a README saying how to build and present, and a
GitHub Actions workflow that builds the decks and publishes them to GitHub Pages. The files are
templates/new-course/ (package data), so a lecturer can read what they will get."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Optional

import click

from livedeck.base.package_data import TEMPLATES

STARTER = TEMPLATES / "new-course"


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's for a string)."""
    return json.dumps(value, ensure_ascii=False)


def make_course(path: Path, settings: dict[str, str], force: bool = False) -> list[Path]:
    """The starter course written into `path` (made if missing); a folder that holds anything is refused unless
    `force` (then only the starter's own files are overwritten). Returns the files written."""
    import jinja2

    if path.exists() and not path.is_dir():
        raise click.UsageError(f"{path} is a file, not a folder for a course")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise click.UsageError(f"{path} is not empty; a new course needs an empty folder (or --force to add the "
                               "starter files to it, overwriting files of the same names)")
    environment = jinja2.Environment(keep_trailing_newline=True, autoescape=False)
    environment.filters["toml"] = _toml_string
    files = {
        "course.toml": environment.from_string((STARTER / "course.toml.j2").read_text(encoding="utf-8"))
        .render(settings=list(settings.items())),
        "README.md": environment.from_string((STARTER / "README.md.j2").read_text(encoding="utf-8"))
        .render(title=settings.get("title", "")),
        ".gitignore": (STARTER / "gitignore").read_text(encoding="utf-8"),
        ".github/workflows/decks.yml": (STARTER / "decks.yml").read_text(encoding="utf-8"),
    }
    written = []
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    (path / "slides").mkdir(exist_ok=True)
    for lesson in sorted((STARTER / "slides").iterdir()):
        written.append(Path(shutil.copyfile(lesson, path / "slides" / lesson.name)))
    return written


@click.command(name="new", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--title", default="", help="The course's name (course.toml's `title`).")
@click.option("--author", default="", help="Who teaches it (course.toml's `author`).")
@click.option("--institute", default="", help="Where (course.toml's `institute`).")
@click.option("--date", default="", help="When, as it should read on the title slides (course.toml's `date`).")
@click.option("--force", is_flag=True, help="Write the starter files into a folder that is not empty.")
def new(path: Path, title: str, author: str, institute: str, date: str, force: bool) -> None:
    """Create a course in PATH: course.toml, slides/01_first_lesson.py, .gitignore, a README and a GitHub
    Actions workflow that publishes the decks. Then: cd PATH && livedeck."""
    written = make_course(path, {"title": title, "author": author, "institute": institute, "date": date}, force)
    for file in written:
        click.echo(f"  {file}")
    click.echo(f"A course in {path}/. Build it: cd {path} && livedeck   (then open dist/index.html)")


def run_new(arguments: Optional[list[str]] = None) -> None:
    """`livedeck new …`, with the build's one-line errors (exit status 2)."""
    try:
        new.main(arguments if arguments is not None else sys.argv[2:], prog_name="livedeck new",
                 standalone_mode=False)
    except click.UsageError as exc:
        click.secho(f"livedeck new: error: {exc.format_message()}", fg="red", err=True)
        sys.exit(2)
    except OSError as exc:
        click.secho(f"livedeck new: error: cannot write the course: {exc}", fg="red", err=True)
        sys.exit(2)
