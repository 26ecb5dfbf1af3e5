"""Whose course it is: `course.toml` at the project root, and each lesson's front matter.

`course.toml` (optional) holds course-wide settings; a lesson's first markdown cell may start
with a Quarto-style `---` … `---` YAML block that overrides them for that lesson. Both are
checked like cell options: an unknown key or a wrong type names the file and the line.
"""
from __future__ import annotations

import datetime
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from livedeck.base.errors import UsageError
from livedeck.settings.requirements import Requirements, Tolerance, requirements, tolerance

COURSE_FILE = "course.toml"


class SettingsError(UsageError):
    """A course.toml or front-matter key that is unknown or of the wrong type; names the file and line."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Settings:
    """What a deck says of its course and lesson (course.toml, then the lesson's front matter)."""
    course: str = ""  # the course's title
    title: str = ""  # the lesson's, when its front matter sets one (else its `# Title`)
    subtitle: str = ""
    author: tuple[str, ...] = ()
    institute: str = ""
    date: str = ""
    lang: str = "en"
    logo: str = ""  # an image file, absolute
    footer: str = ""  # inline markdown
    memory: float = 0.0  # gigabytes a lesson may allocate while it runs (0: no limit)
    picture_folders: tuple[str, ...] = ()  # folders outside the course whose pictures lessons may show, absolute
    requires: Requirements = field(default_factory=Requirements)  # a lesson's front matter: what the machine that runs it must have
    check: Tolerance = field(default_factory=Tolerance)  # course.toml's [check]: how far `livedeck --check` lets results move


# key → (types allowed, where it may be set)
COURSE_KEYS = {"title": str, "author": (str, list), "institute": str, "date": (str, datetime.date), "lang": str,
               "logo": str, "footer": str, "memory": (int, float, str), "picture_folders": list, "check": dict}
FRONT_MATTER_KEYS = {"title": str, "subtitle": str, "author": (str, list), "date": (str, datetime.date),
                     "footer": str, "logo": str, "memory": (int, float, str), "requires": dict}
# The settings that are tables of their own, each read by its function: (value, what is wrong with it)
TABLES = {"requires": requirements, "check": tolerance}
WANTED = {"author": "a name or a list of names", "date": "a date or a string", "picture_folders": "a list of folders",
          "memory": 'a size, such as 4 (gigabytes) or "512 MB"'}
SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(GB|G|GiB|MB|M|MiB)?\s*", re.I)


TOML_OR_YAML_LEAD = r"""\s*['"]?"""  # before a key in a TOML or YAML text
IN_A_LESSON_LEAD = r"""[\s#"']*"""  # and in a whole file, where the YAML may sit behind `# ` or a JSON `"`


def _line_of(text: str, key: str, first: int, lead: str = TOML_OR_YAML_LEAD) -> int:
    """The line (counted from `first`) where `key` is set in a TOML or YAML text (`first`: not found)."""
    for number, line in enumerate(text.splitlines(), start=first):
        if re.match(rf"""{lead}(?:{re.escape(key)}['"]?\s*[:=]|\[{re.escape(key)}\])""", line):  # or a [table]
            return number
    return first


def _checked(data: dict, keys: dict, text: str, path: Path, first: int, base: Path, course: Path) -> dict[str, Any]:
    """The keys' values, each checked; `base` is where relative files are, `course` the folder none may leave."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = _line_of(text, key, first)
        if key not in keys:
            raise SettingsError(path, line, f"unknown key {key!r} (known: {', '.join(sorted(keys))})")
        if key in TABLES:
            value, wrong = TABLES[key](value)
            if value is None:
                raise SettingsError(path, line, wrong)
        elif (not isinstance(value, keys[key]) or isinstance(value, bool)
                or (isinstance(value, list) and not all(isinstance(v, str) for v in value))
                or (key == "memory" and _gigabytes(value) is None)):
            raise SettingsError(path, line, f"{key!r} must be {WANTED.get(key, 'a string')}, not {value!r}")
        elif key == "memory":
            value = _gigabytes(value)
        elif key == "author":
            value = (value,) if isinstance(value, str) else tuple(value)
        elif key == "date":
            value = str(value)
        elif key == "picture_folders":
            value = tuple(_folder(path, line, base, folder) for folder in value)
        elif key == "logo":
            logo = (base / value).resolve()
            if not logo.is_relative_to(course.resolve()):  # a file of someone's elsewhere: never published
                raise SettingsError(path, line, f"logo {value!r}: outside the course's folder; keep it inside")
            if not logo.is_file():
                raise SettingsError(path, line, f"logo {value!r}: no such file")
            value = str(logo)
        values[key] = value
    return values


def _folder(path: Path, line: int, base: Path, folder: str) -> str:
    """A folder course.toml names (relative to the project), absolute; one that is not there is its error."""
    found = (base / folder).resolve()
    if not found.is_dir():
        raise SettingsError(path, line, f"picture_folders: {folder!r} is no folder")
    return str(found)


def _gigabytes(value: Any) -> Optional[float]:
    """A memory size as gigabytes: a positive number is gigabytes, a text may say GB or MB."""
    if isinstance(value, str):
        match = SIZE.fullmatch(value)
        if not match:
            return None
        amount = float(match.group(1)) / (1024 if (match.group(2) or "G").upper().startswith("M") else 1)
    else:
        amount = float(value)
    return amount if amount > 0 else None


def read_course(project: Path) -> Settings:
    """The project's course.toml, or no settings when there is none."""
    path = project / COURSE_FILE
    if not path.is_file():
        return Settings()
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
        raise SettingsError(path, line, f"not valid TOML: {exc}") from None
    values = _checked(data, COURSE_KEYS, text, path, 1, project, project)
    return Settings(course=values.pop("title", ""), **values)


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(markdown: str, path: Path, line: int) -> tuple[dict[str, Any], str]:
    """A markdown cell's leading `---` … `---` YAML block, checked, and the cell without it."""
    match = FRONT_MATTER.match(markdown)
    if not match:
        return {}, markdown
    import yaml

    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SettingsError(path, line + 1 + (mark.line if mark else 0), f"front matter is not valid YAML: "
                                                                         f"{getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise SettingsError(path, line, "front matter is `key: value` lines between two `---` lines")
    values = _checked(data, FRONT_MATTER_KEYS, match.group(1), path, line + 1, path.parent, path.parent.parent)
    return values, markdown[match.end():]


def lesson_settings(course: Settings, front_matter: dict[str, Any], lesson_file: Path) -> Settings:
    """The course's settings with the lesson's front matter over them, and a date: set, or else the
    lesson file's last commit, or SOURCE_DATE_EPOCH; never the clock, so rebuilds stay byte-identical."""
    settings = replace(course, **front_matter)
    if not settings.date:
        settings = replace(settings, date=_committed(lesson_file) or _epoch_date() or "")
    return settings


def where_set(key: str, project: Path, lesson_file: Path, front_matter: dict[str, Any]) -> tuple[Path, int]:
    """The file and line where a setting was given: the lesson's front matter if it sets the key, else course.toml.
    In a lesson file the front matter is its first markdown cell, so the key's first YAML line is it (the
    line may start with `# ` in a script, or `"` in a notebook's JSON)."""
    path = lesson_file if key in front_matter else project / COURSE_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return path, _line_of(text, key, 1, IN_A_LESSON_LEAD)


def _committed(path: Path) -> Optional[str]:
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%cs", "--", path.name], cwd=path.parent,
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _epoch_date() -> Optional[str]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch.isdigit():
        return None
    return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date().isoformat()
