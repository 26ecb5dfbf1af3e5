"""Only the course's own files are published: a picture named by an absolute path, by `../` or through a link
out of the course, an SVG's reference to a file, and a logo elsewhere never reach a deck or figures/."""
from __future__ import annotations

import zipfile
from pathlib import Path

from support.builds import build_here, write_lesson


def png(path: Path, size: int, colour: tuple[int, int, int] = (200, 30, 30)) -> None:
    """A picture told apart by its size (ours are 4 px square, the private ones 7) or its colour."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (size, size), colour).save(path)


def has_green(data: bytes) -> bool:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        rgb = picture.convert("RGB").tobytes()
    return any(rgb[i + 1] > 200 and rgb[i] < 60 and rgb[i + 2] < 60 for i in range(0, len(rgb), 3))


def sizes(data: bytes) -> tuple[int, int]:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        return picture.size


def test_pictures_from_outside_the_course_are_not_published(tmp_path: Path) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    png(outside / "secret.png", 7)
    png(outside / "secret-inside-svg.png", 7, (0, 255, 0))  # green: the drawing itself is all blue
    course = tmp_path / "course"
    (course / "slides").mkdir(parents=True)
    (course / "slides" / "link.png").symlink_to(outside / "secret.png")
    png(course / "slides" / "own.png", 4)
    (course / "slides" / "drawing.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="10">'
        f'<rect width="20" height="10" fill="#0b3d91"/><image xlink:href="{outside / "secret-inside-svg.png"}" '
        'width="20" height="10"/></svg>')
    write_lesson(course / "slides", "01_pictures.py", f"""# %% [markdown]
# # Pictures
# ## Ours and not ours
# ![Ours](own.png)
#
# ![Up and out](../../private/secret.png)
#
# ![Absolute]({outside / "secret.png"})
#
# ![Through a link](link.png)
#
# <img src="{outside / "secret.png"}" alt="Raw HTML">
#
# ![A drawing](drawing.svg)
""")
    result = build_here("-f", "html", "-f", "pptx", cwd=course)
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert said.count("is outside the course's folder") == 4, said
    pngs = [p.read_bytes() for p in (course / "figures" / "pictures").glob("*.png")]
    assert len(pngs) == 2 and (4, 4) in [sizes(data) for data in pngs] and (7, 7) not in [sizes(data) for data in pngs]
    drawn = next(data for data in pngs if sizes(data) != (4, 4))
    assert not has_green(drawn)  # the private picture the SVG named was not drawn into it
    drawing = next(p for p in (course / "figures" / "pictures").iterdir() if p.suffix == ".svg").read_text()
    assert "secret-inside-svg" not in drawing and "<rect" in drawing
    with zipfile.ZipFile(course / "dist" / "pictures.pptx") as deck:
        media = [deck.read(name) for name in deck.namelist() if name.startswith("ppt/media/")]
    assert (7, 7) not in [sizes(data) for data in media] and len(media) == 2


def test_a_logo_outside_the_course_is_refused(tmp_path: Path) -> None:
    png(tmp_path / "logo.png", 7)
    course = tmp_path / "course"
    write_lesson(course / "slides", "01_a.py", "# %% [markdown]\n# # A\n# ## S\n# Text.\n")
    (course / "course.toml").write_text('title = "DL"\nlogo = "../logo.png"\n')
    result = build_here("-f", "html", cwd=course)
    assert result.returncode == 2 and "course.toml:2: logo '../logo.png': outside the course's folder" in result.stderr


def test_a_folder_course_toml_names_may_hold_pictures(tmp_path: Path) -> None:
    """The department's shared pictures, kept beside the course: course.toml's picture_folders lets a lesson
    show them; any other folder outside the course stays out, and a folder that is not there is an error."""
    png(tmp_path / "shared" / "seal.png", 5)
    png(tmp_path / "private" / "secret.png", 7)
    course = tmp_path / "course"
    write_lesson(course / "slides", "01_a.py", "# %% [markdown]\n# # A\n# ## S\n# ![Seal](../../shared/seal.png)\n#\n"
                                               "# ![Secret](../../private/secret.png)\n")
    (course / "course.toml").write_text('title = "DL"\npicture_folders = ["../shared"]\n')
    result = build_here("-f", "html", cwd=course)
    said = result.stdout + result.stderr
    assert result.returncode == 0 and said.count("is outside the course's folder") == 1 and "secret.png" in said, said
    assert [sizes(p.read_bytes()) for p in (course / "figures" / "a").glob("*.png")] == [(5, 5)]
    (course / "course.toml").write_text('title = "DL"\npicture_folders = ["../nowhere"]\n')
    result = build_here("-f", "html", cwd=course)
    assert result.returncode == 2 and "course.toml:2: picture_folders: '../nowhere' is no folder" in result.stderr


def test_web_pictures_in_a_paragraph_are_named_and_badges_are_left_out_with_one_notice(tmp_path: Path) -> None:
    write_lesson(tmp_path / "slides", "01_a.py", """# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://x.org/a)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/x)
#
# # Tensors
# ## A cube
# A tensor is a cube ![a cube of numbers](https://example.org/course/images/00-cube.png) of numbers.
""")
    result = build_here("-f", "html", cwd=tmp_path)
    said = [line for line in result.stderr.splitlines() if line.startswith("⚠")]
    assert said[0] == ("⚠ slides/01_a.py:2: 2 status badges (Open In Colab and the like) left out: they link "
                       "elsewhere, and a deck presents offline")
    assert any("slides/01_a.py:7: the picture https://example.org/course/images/00-cube.png is not shown" in line
               for line in said) and len(said) == 2
    page = (tmp_path / "dist" / "a.html").read_text()
    assert "a cube of numbers" in page and "Picture not shown" in page and "colab-badge" not in page
