"""A notebook exported as a script by `jupyter nbconvert --to script` (or Jupyter's "Download as Python"),
as lecturers often keep code: each code cell under `# In[3]:`, each markdown cell as a comment block
before it. Read as the notebook it was, its cells at their lines in the file.

The export is rewritten line for line into jupytext's percent format: each `# In[…]:` line becomes
`# %%`, the blank line above a comment block that stands alone (nbconvert puts two blank lines
around every cell) becomes `# %% [markdown]`, and `get_ipython().run_line_magic(…)` and
`.system(…)` lines are the magic and shell lines they were. The file's line numbers stay those of
the text read."""
from __future__ import annotations

import ast
import re
from typing import Optional

IN_PROMPT = re.compile(r"^# In\[[\d ]*\]:\s*$")  # nbconvert's code cell marker: `# In[12]:`, `# In[ ]:`
COMMENT = re.compile(r"^#(?!!)")  # a comment line (not the `#!` of a shebang)
HEADER = re.compile(r"^#!|^#.*coding[:=]")  # the export's first lines: `#!/usr/bin/env python`, `# coding: utf-8`
# What nbconvert made of a magic or a shell line, written back as the notebook had it (`%matplotlib inline`, `!ls`)
IPYTHON_CALL = re.compile(r"^(\s*)get_ipython\(\)\.(run_line_magic|system)\((.*)\)\s*$")


def as_percent(text: str) -> Optional[str]:
    """The export in percent format, line for line; None when the text is no nbconvert export."""
    lines = text.splitlines()
    if not any(IN_PROMPT.match(line) for line in lines):
        return None
    out = list(lines)
    top = 0  # the header's lines are no cell's
    while top < len(lines) and (HEADER.match(lines[top]) or not lines[top].strip()) and not IN_PROMPT.match(lines[top]):
        out[top] = ""
        top += 1
    for index, line in enumerate(lines):
        if IN_PROMPT.match(line):
            out[index] = "# %%"
        elif _starts_markdown(lines, index, top):
            out[index - 1] = "# %% [markdown]"
        else:
            out[index] = _as_written(line)
    return "\n".join(out) + "\n"


def _as_written(line: str) -> str:
    """`get_ipython().run_line_magic('time', 'x = 1')` → `%time x = 1`; `get_ipython().system('ls')` → `!ls`."""
    call = IPYTHON_CALL.match(line)
    if call is None:
        return line
    try:
        arguments = ast.literal_eval(f"({call[3]},)")  # nbconvert wrote them as Python literals (repr)
    except (ValueError, SyntaxError):
        return line
    if call[2] == "system" and len(arguments) == 1:
        return f"{call[1]}!{arguments[0]}"
    if call[2] == "run_line_magic" and len(arguments) == 2:
        return f"{call[1]}%{arguments[0]} {arguments[1]}".rstrip()
    return line


def _starts_markdown(lines: list[str], index: int, top: int) -> bool:
    """A comment block standing alone: two blank lines above it (nbconvert's cell gap; one, right under the
    header), and after it a cell marker, another such block or the end."""
    if not COMMENT.match(lines[index]) or IN_PROMPT.match(lines[index]) or index < 1 or lines[index - 1].strip():
        return False
    if index != top and (index < 2 or lines[index - 2].strip()):
        return False
    after = index
    while after < len(lines) and COMMENT.match(lines[after]) and not IN_PROMPT.match(lines[after]):
        after += 1
    rest = next((line for line in lines[after:] if line.strip()), None)
    return rest is None or bool(IN_PROMPT.match(rest)) or bool(COMMENT.match(rest))
