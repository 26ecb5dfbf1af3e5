"""A notebook exported by `jupyter nbconvert --to script` is read as the notebook it was (read/scripts.py)."""
from __future__ import annotations

from pathlib import Path

from livedeck.read.lesson import read_lesson
from livedeck.read.scripts import as_percent
from support.builds import write_lesson

# The shape nbconvert writes: a header, each markdown cell a comment block, each code cell under `# In[n]:`,
# two blank lines around every cell, magics and shell lines as get_ipython() calls
EXPORT = """#!/usr/bin/env python
# coding: utf-8

# # Slopes
# What a derivative measures.

# In[1]:


get_ipython().run_line_magic('matplotlib', 'inline')
get_ipython().system('echo "not run"')


# A small step, and the change it makes

# In[2]:


h = 0.001
# the slope of x² at 3, from one small step:
slope = ((3 + h) ** 2 - 3 ** 2) / h


# In[3]:


print(round(slope, 2))


# In[ ]:




"""


def test_an_export_is_read_cell_by_cell_at_its_lines(tmp_path: Path) -> None:
    path = write_lesson(tmp_path, "01_slopes.py", EXPORT)
    cells = read_lesson(path).cells
    assert [(c.kind, c.source.splitlines()[0], c.line) for c in cells] == [
        ("markdown", "# Slopes", 4),
        ("code", "%matplotlib inline", 10),  # as the notebook had it: a setting the slides leave out
        ("markdown", "A small step, and the change it makes", 14),
        ("code", "h = 0.001", 19),  # a comment inside the code stays code
        ("code", "print(round(slope, 2))", 27),
    ]
    assert cells[1].source.splitlines()[1] == '!echo "not run"'
    assert "#!/usr/bin/env python" not in "".join(c.source for c in cells)  # the header is no cell's
    assert "# the slope of x² at 3" in cells[3].source


def test_a_file_without_prompts_is_no_export() -> None:
    assert as_percent("# # A lesson\n\nx = 1\n") is None
    assert as_percent("# %%\nx = 1\n") is None

