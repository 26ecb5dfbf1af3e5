"""The build plan: which lessons there are, which formats a build writes (and in what order), and for each
lesson whether it is up to date, re-rendered from its cached results, or run."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from livedeck.base.errors import Kind, UsageError
from livedeck.build.plan import make_plan, select_lessons, settle_formats
from livedeck.settings.options import BuildOptions, resolved
from support.builds import build_here, write_lesson

LESSON = "# %% [markdown]\n# # {title}\n# ## A slide\n# {prose}\n\n# %%\nprint({value})\n"


def options_for(folder: Path, *formats: str, lessons: tuple[str, ...] = ()) -> BuildOptions:
    return resolved(replace(BuildOptions(), slides=folder / "slides", dist=folder / "dist", figures=folder / "figures",
                            cache=folder / ".livedeck-cache", formats=formats, lessons=lessons))


def test_lessons_are_selected_by_name_and_misnamed_files_fail_alone(tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_first.py", LESSON.format(title="A", prose="p", value=1))
    write_lesson(tmp_path / "slides", "02_second.ipynb.py", "")  # no lesson name: fails alone
    write_lesson(tmp_path / "slides", "03 third.py", "")
    write_lesson(tmp_path / "slides", "_helpers.py", "")  # a helper, not a lesson
    found, misnamed = select_lessons(options_for(tmp_path))
    assert [name for name, _ in found] == ["first"]
    assert [(r.path.name, r.kind) for r in misnamed] == [("02_second.ipynb.py", Kind.USAGE), ("03 third.py", Kind.USAGE)]
    assert select_lessons(options_for(tmp_path, lessons=("first",))) == (found, [])  # asked for by name: just it
    with pytest.raises(UsageError, match="unknown lesson 'nope'; lessons are: first"):
        select_lessons(options_for(tmp_path, lessons=("nope",)))
    for asked in ("01_first", "slides/01_first.py", "01_first.py", str(tmp_path / "slides" / "01_first.py")):
        assert select_lessons(options_for(tmp_path, lessons=(asked,))) == (found, [])  # its file names it too


def test_a_course_without_lessons_says_what_a_lesson_file_is(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no lesson folder .*/slides/: a course keeps one file per lesson there"):
        select_lessons(options_for(tmp_path))
    (tmp_path / "slides").mkdir()
    with pytest.raises(UsageError, match=r"no lessons in .*/slides/: .*slides/01_first_lesson\.py .*# %%.*livedeck new"):
        select_lessons(options_for(tmp_path))


def test_formats_come_in_build_order_and_none_named_is_the_defaults(tmp_path: Path) -> None:
    assert settle_formats(options_for(tmp_path, "json", "ipynb"), print).formats == ("ipynb", "json")
    assert settle_formats(options_for(tmp_path), print).formats == ("html", "pptx")
    assert (tmp_path / "dist" / "assets").is_dir()  # the HTML deck's assets, copied once, before any lesson


def test_up_to_date_re_rendered_or_run(tmp_path: Path) -> None:
    for number, name in ((1, "first"), (2, "second"), (3, "third")):
        write_lesson(tmp_path / "slides", f"0{number}_{name}.py", LESSON.format(title=name, prose="p", value=number))
    options = options_for(tmp_path, "html")
    lessons = select_lessons(options)[0]
    assert [job.lesson.name for job in make_plan(lessons, options).runs] == ["first", "second", "third"]  # nothing built
    assert build_here("-f", "html", cwd=tmp_path).returncode == 0
    write_lesson(tmp_path / "slides", "02_second.py", LESSON.format(title="second", prose="edited", value=2))  # prose
    write_lesson(tmp_path / "slides", "03_third.py", LESSON.format(title="third", prose="p", value=33))  # code
    plan = make_plan(lessons, options)
    assert [result.name for result in plan.up_to_date] == ["first"] and plan.up_to_date[0].card is not None
    assert [job.lesson.name for job in plan.rerenders] == ["second"]
    assert [job.lesson.name for job in plan.runs] == ["third"]
