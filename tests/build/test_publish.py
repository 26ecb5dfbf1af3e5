"""Publishing a lesson: every format made, then its files and figures written all or nothing."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from livedeck.base.errors import OutputError
from livedeck.build.publish import write_deck
from livedeck.model import Deck, Markdown, Slide
from livedeck.read.lesson import read_lesson
from livedeck.settings.options import BuildOptions, resolved, with_theme
from support.builds import write_lesson


def _options(folder: Path) -> BuildOptions:
    """A build's options, with the output folders made, as the pipeline makes them before any lesson."""
    options = with_theme(resolved(replace(BuildOptions(), slides=folder / "slides", dist=folder / "dist",
                                          figures=folder / "figures", cache=folder / ".livedeck-cache",
                                          formats=("json", "ipynb"))))
    options.dist.mkdir(parents=True, exist_ok=True)
    options.figures.mkdir(parents=True, exist_ok=True)
    return options


def test_a_lessons_files_are_published_all_or_none(tmp_path: Path) -> None:
    lesson = read_lesson(write_lesson(tmp_path / "slides", "01_pub.py", "# %% [markdown]\n# # Pub\n# ## S\n# Text.\n"))
    deck = Deck("pub", "Pub", slides=(Slide("S", (Markdown("Text."),)),))
    options = _options(tmp_path)
    published = write_deck(deck, lesson, ((),), {"fig-01.svg": b"<svg>1</svg>"}, options)
    assert {p.relative_to(tmp_path).as_posix() for p in published.files} == {
        "figures/pub/fig-01.svg", "dist/pub.json", "dist/pub.ipynb"}
    assert published.slides == deck.slide_count
    # A folder stands where the model's file goes: the rename fails, and nothing of this lesson changes,
    # not even the figure renamed before it
    (tmp_path / "dist" / "pub.json").unlink()
    (tmp_path / "dist" / "pub.json").mkdir()
    before = (tmp_path / "dist" / "pub.ipynb").read_bytes()
    with pytest.raises(OutputError, match="cannot write"):
        write_deck(replace(deck, title="Changed"), lesson, ((),), {"fig-01.svg": b"<svg>2</svg>"}, options)
    assert (tmp_path / "figures" / "pub" / "fig-01.svg").read_bytes() == b"<svg>1</svg>"
    assert (tmp_path / "dist" / "pub.ipynb").read_bytes() == before
    assert [p.name for p in (tmp_path / "figures").rglob(".*")] == []  # no staging or temporary left


def test_a_figure_no_longer_made_is_removed(tmp_path: Path) -> None:
    lesson = read_lesson(write_lesson(tmp_path / "slides", "01_pub.py", "# %% [markdown]\n# # Pub\n"))
    deck, options = Deck("pub", "Pub"), _options(tmp_path)
    write_deck(deck, lesson, (), {"fig-01.svg": b"1", "fig-02.svg": b"2"}, options)
    write_deck(deck, lesson, (), {"fig-01.svg": b"1"}, options)
    assert sorted(p.name for p in (tmp_path / "figures" / "pub").iterdir()) == ["fig-01.svg"]


def test_a_long_output_is_one_side_file_linked_from_each_slide(tmp_path: Path) -> None:
    """100,000 printed lines: the HTML deck stays small (the full text was a data: link on every slide that
    showed part of it, 8.9 MB); the text is published once, in the deck's side folder, and goes with it
    once the output is short again."""
    from support.builds import build_here

    lesson = write_lesson(tmp_path / "slides", "01_long.py",
                          "# %% [markdown]\n# # Long\n\n# %%\nfor i in range(100_000):\n    print('line', i)\n")
    assert build_here("-q", "-f", "html", cwd=tmp_path).returncode == 0
    page = (tmp_path / "dist" / "long.html").read_text()
    assert len(page.encode()) < 1_000_000 and "data:text/plain" not in page
    links = re.findall(r'class="ld-truncated" href="([^"]+)"', page)
    assert links and set(links) == {"long_files/output-01.txt"}
    full = (tmp_path / "dist" / "long_files" / "output-01.txt").read_text().splitlines()
    assert full[0] == "line 0" and full[99_999] == "line 99999"
    lesson.write_text(lesson.read_text().replace("100_000", "3"))
    assert build_here("-q", "-f", "html", cwd=tmp_path).returncode == 0
    assert not (tmp_path / "dist" / "long_files").exists()


def test_a_figure_shown_under_12_points_is_named_with_a_figsize_that_would_not_be(tmp_path: Path) -> None:
    """The README promises figure text of 12 pt; a 16 × 16 in annotated matrix was shown at 5.5 pt without a
    word. Its warning names the cell's line, the size shown and the largest figsize that keeps 12 pt; a
    web picture's warning names its whole address (cut at 80 characters, notebooks' all read the same)."""
    from support.builds import build_here

    far = "https://example.org/" + "course/" * 12 + "images/01-tensor.png"
    write_lesson(tmp_path / "slides", "01_big.py", "# %% [markdown]\n# # Big\n# ## Matrix\n\n# %%\n"
                 "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(16, 16))\n"
                 "ax.text(0.5, 0.5, 'cell', fontsize=8)\n\n"
                 f"# %% [markdown]\n# ## A picture\n# ![cube]({far})\n")
    said = build_here("-f", "html", cwd=tmp_path).stderr
    [small] = [line for line in said.splitlines() if "under 12 pt" in line]
    shown = float(re.search(r"at ([\d.]+) pt", small).group(1))
    assert small.startswith("⚠ slides/01_big.py:6: figure fig-01 shows its smallest text at") and shown < 6
    side = float(re.search(r"figsize=\(([\d.]+), \1\) or smaller would show it at 12 pt", small).group(1))
    assert abs(side - 16 * shown / 12) <= 0.1  # (from the size shown, rounded to a tenth as printed)
    assert f"the picture {far} is not shown" in said
