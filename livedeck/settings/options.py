"""What a build was asked to do: one frozen BuildOptions, passed explicitly, never a global setting."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Optional

from livedeck.base.errors import UsageError
from livedeck.base.package_data import TEMPLATES
from livedeck.settings.course import Settings
from livedeck.style.theme import Theme, ThemeError, load_theme


class Executor(StrEnum):
    """Where lessons run: in worker processes on this machine, or as tasks on a Ray cluster."""
    LOCAL = "local"
    RAY = "ray"


@dataclass(frozen=True)
class Shard:
    """`--shard K/N`: the K-th (from 1) of N shares of the lessons, balanced by their recorded durations."""
    index: int
    count: int


@dataclass(frozen=True)
class BuildOptions:
    slides: Path = Path("slides")
    dist: Path = Path("dist")
    figures: Path = Path("figures")
    formats: tuple[str, ...] = ()  # none named: the formats written by default (livedeck.writers.DEFAULT_FORMATS)
    lessons: tuple[str, ...] = ()  # lesson names; empty = all
    jobs: int = 0  # 0 = one per core
    timeout: float = 300.0  # per cell
    allow_errors: bool = False
    templates: Path = TEMPLATES
    pptx_template: Optional[Path] = None
    cache: Path = Path(".livedeck-cache")
    force: bool = False  # re-execute every lesson
    handout: bool = False  # pdf: also NAME-handout.pdf, slides with their notes beneath
    with_outputs: bool = False  # ipynb: with what each cell showed when it ran
    pdf_maker: str = ""  # "chromium" or "libreoffice", chosen once per build (writers/pdf.py)
    root: Path = Path(".")  # the folder the build started in (paths in messages are shown relative to it)
    course: Settings = field(default_factory=Settings)  # course.toml, read once per build (settings.course)
    theme: Optional[Theme] = None  # templates/theme.toml, read once per build (with_theme), for every lesson and format
    freeze: bool = False  # keep each lesson's results in frozen/NAME/ (build.frozen)
    frozen: bool = False  # build from frozen/ alone, running nothing
    check: bool = False  # run every lesson and compare what it shows with its frozen record (build.drift)
    shard: Optional[Shard] = None  # build only this share of the lessons
    executor: Executor = Executor.LOCAL
    ray_address: str = ""  # the Ray cluster's (--ray-address or RAY_ADDRESS); empty: a local Ray instance

    @property
    def style(self) -> Optional[Path]:
        style = self.templates / "figure.mplstyle"
        return style if style.exists() else None

    @property
    def project(self) -> Path:
        """The folder holding the lessons' folder: data files a lesson reads from it are in its cache key."""
        return self.slides.resolve().parent

    def shown(self, path: Path) -> str:
        """`path` as the lecturer typed it: relative to the folder the build started in, when inside it."""
        return os.path.relpath(path, self.root) if path.is_relative_to(self.root) else str(path)


def resolved(options: BuildOptions) -> BuildOptions:
    """Every folder livedeck reads templates from or writes to, made absolute before any lesson runs:
    nothing a lesson does to its working directory can move the outputs. Lesson paths stay as
    typed, for messages."""
    root = Path.cwd()

    def absolute(path: Path) -> Path:
        return Path(os.path.abspath(root / path))

    return replace(options, root=root, dist=absolute(options.dist), figures=absolute(options.figures),
                   cache=absolute(options.cache), templates=absolute(options.templates),
                   pptx_template=absolute(options.pptx_template) if options.pptx_template else None)


def with_theme(options: BuildOptions) -> BuildOptions:
    """The options with the theme every lesson and format of the build draws with, read once, when the build
    has anything to draw (a build with nothing to do reads none); a theme that cannot be read stops the build
    before any lesson runs, in one line."""
    return replace(options, theme=_theme(options.templates / "theme.toml"))


def _theme(path: Path) -> Theme:
    try:
        return load_theme(path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the theme: {exc.strerror or exc}") from None
    except ThemeError as exc:  # a value that is not what its key takes
        raise UsageError(f"{path}: {exc}") from None
    except ValueError as exc:  # not TOML
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
