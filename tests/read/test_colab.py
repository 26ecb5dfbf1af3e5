"""Colab's form comments are Colab's controls, not the lesson's code (read/colab.py)."""
from __future__ import annotations

from pathlib import Path

from livedeck.read.colab import colab_form
from livedeck.read.lesson import read_lesson
from support.builds import write_lesson


def test_a_title_line_is_dropped_and_param_comments_taken_off() -> None:
    source = '#@title Step size\nlr = 0.1  # @param {type:"slider", min:0.01, max:1}\nsteps = 20 #@param\nprint(lr)'
    assert colab_form(source) == ("lr = 0.1\nsteps = 20\nprint(lr)", False)
    assert colab_form("x = 1  # a comment about @home\n") == ("x = 1  # a comment about @home\n", False)  # none: as is


def test_a_form_mode_cell_shows_its_outputs_not_its_code_and_keeps_its_lines(tmp_path: Path) -> None:
    path = write_lesson(tmp_path, "01_colab.py", '# %% [markdown]\n# # Forms\n\n'
                        '# %%\n#@title Setup { display-mode: "form" }\nimport math\nprint(math.pi)\n\n'
                        '# %%\n# @title Rate\nrate = 0.5  # @param {type:"number"}\nprint(rate)\n')
    form, plain = (c for c in read_lesson(path).cells if c.kind == "code")
    assert (form.source, form.options.echo, form.line) == ("import math\nprint(math.pi)", False, 6)
    assert (plain.source, plain.options.echo, plain.line) == ("rate = 0.5\nprint(rate)", True, 11)
