"""Every deck of the bundled lessons, of a stress lesson and of a public tutorial, as LibreOffice draws
its .pptx: one page per slide, every word inside a shape, every monospace line on one line."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

from support.builds import LESSONS, MATERIAL
from support.pptx_checks import rendered_problems

DECKS = [("course", name) for name in LESSONS] + [("material", name) for name in MATERIAL]


@pytest.fixture(scope="session")
def rendered(built: dict[str, Path], soffice: str, poppler, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every deck's .pptx as LibreOffice draws it: one soffice run for all of them."""
    out = tmp_path_factory.mktemp("rendered")
    decks = [str(built[where] / f"{name}.pptx") for where, name in DECKS]
    subprocess.run([soffice, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(out), *decks], check=True, capture_output=True, timeout=300)
    return out


@pytest.mark.parametrize("where, name", DECKS, ids=[name for _, name in DECKS])
def test_libreoffice_draws_every_text_inside_its_shape(built, rendered: Path, where: str, name: str) -> None:
    pptx, pdf = built[where] / f"{name}.pptx", rendered / f"{name}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == len(Presentation(str(pptx)).slides)
    assert rendered_problems(pptx, pdf) == []
