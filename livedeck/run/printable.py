"""What a lesson printed, made fit for a slide: what a terminal would show, and nothing a file can't hold.

Progress bars rewrite their line with a carriage return, so a line keeps what follows its
last `\\r`. ANSI colour and cursor codes are removed, as are other control characters (NUL,
ESC, BEL …), which are invalid in HTML and show as `_x001B_` in PowerPoint. Lone surrogates
(`print("\\ud800")`) cannot be encoded as UTF-8: they become U+FFFD. Absolute paths (a torch
warning names its file) are shortened: the project's relative to it, the Python installation's as
`<python>/…`, the rest of the home folder as `~/…`; a slide never shows the machine's layout.
"""
from __future__ import annotations

import os
import re
import site
import sys
import sysconfig
from pathlib import Path
from typing import Optional

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


Prefixes = tuple[tuple[str, str], ...]  # (absolute folder with its separator, what it is shown as), longest first


def path_prefixes(project: Optional[Path]) -> Prefixes:
    """The folders whose paths are shortened, and how."""
    python = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(), site.getusersitepackages(),
              *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))}
    pairs = {os.path.realpath(folder): "<python>" for folder in python if folder}
    pairs.update({folder: "<python>" for folder in python if folder})
    if project is not None:
        pairs[str(project.resolve())] = "."
        pairs[str(project.absolute())] = "."
    home = os.path.expanduser("~")
    if home not in ("/", "~"):
        pairs.setdefault(home, "~")
    ordered = sorted(pairs.items(), key=lambda pair: -len(pair[0]))
    return tuple((folder.rstrip(os.sep) + os.sep, shown) for folder, shown in ordered)


def short_paths(text: str, prefixes: Prefixes) -> str:
    """Every absolute path under a prefix, and the folder itself, shortened (`./` dropped: a project path
    reads as relative)."""
    for folder, shown in prefixes:
        bare = folder.rstrip(os.sep)
        if bare in text:
            def short(match: re.Match[str], shown: str = shown) -> str:
                return ("" if shown == "." else shown + os.sep) if match.group(1) else shown

            text = re.sub(re.escape(bare) + r"(?:(/)|(?![\w.-]))", short, text)
    return text


def printable(text: str, prefixes: Prefixes = ()) -> str:
    text = short_paths(text, prefixes) if prefixes else text
    text = ANSI.sub("", text)
    text = "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in text.replace("\r\n", "\n").split("\n"))
    return SURROGATE.sub("\ufffd", CONTROL.sub("", text))
