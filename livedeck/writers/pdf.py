"""PDF: the built HTML deck printed by headless Chromium (reveal.js's print view).

Chromium prints the very deck a lecturer presents, so math, code colours and SVG
figures come out as on the slides, as text where they are text. Slides: one page per
slide with every step shown. Handout (`--handout`): A4 pages of two slides, each at
least 16 cm wide with its speaker notes beneath (templates/reveal/handout.js arranges them).
Without Chromium, LibreOffice converts the .pptx instead (slides only).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from livedeck.base.errors import EnvironmentProblem, Kind, LivedeckError
from livedeck.base.files import temporary
from livedeck.settings.options import BuildOptions
from livedeck.writers import Sources, Warn, Writer

CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
OFFICES = ("soffice", "libreoffice")
PRINT_TIMEOUT_MS = 60_000


class PrintError(LivedeckError):
    """Chromium or LibreOffice failed on a deck: reported as that lesson's failure, in one line."""
    kind = Kind.LESSON


class MissingProgram(EnvironmentProblem):
    """Neither Chromium nor LibreOffice: said in one line, naming what to install."""


def chromium() -> Optional[str]:
    """The Chromium to print with: $LIVEDECK_CHROMIUM, else the first one on PATH."""
    chosen = os.environ.get("LIVEDECK_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    return next((found for found in map(shutil.which, CHROMIUMS) if found), None)


def libreoffice() -> Optional[str]:
    return next((found for found in map(shutil.which, OFFICES) if found), None)


def check_programs(handout: bool) -> str:
    """"chromium" or "libreoffice": what will make the PDFs; raises MissingProgram when nothing can."""
    if chromium():
        try:
            import playwright  # noqa: F401
        except ImportError:
            raise MissingProgram("--format pdf needs the Python package playwright "
                                 "(pip install -e .; never `playwright install`: it drives the installed Chromium)"
                                 ) from None
        return "chromium"
    if handout:
        raise MissingProgram("--handout needs Chromium, which was not found "
                             f"(looked for {', '.join(CHROMIUMS)} on PATH and $LIVEDECK_CHROMIUM); "
                             "install it, e.g. `apt install chromium`")
    if libreoffice():
        return "libreoffice"
    raise MissingProgram("--format pdf needs Chromium or LibreOffice, and neither was found "
                         f"(looked for {', '.join(CHROMIUMS + OFFICES)} on PATH); "
                         "install one, e.g. `apt install chromium`")


def print_html(deck: Path, handout_script: Optional[Path] = None) -> list[bytes]:
    """Print `deck` (a built reveal.js HTML file, its assets beside it): [slides PDF].

    With `handout_script`: [slides PDF, handout PDF], the script rearranging the same printed
    page into handout pages after the first print (one Chromium start for both)."""
    from playwright.sync_api import Error, sync_playwright

    try:
        return _print(deck, handout_script, sync_playwright)
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PrintError(f"Chromium could not print {deck.name} to PDF: {first}") from None


def _print(deck: Path, handout_script: Optional[Path], sync_playwright) -> list[bytes]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            # Offline by design: a deck that asks the network for anything prints without it.
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            page.goto(deck.resolve().as_uri() + "?print-pdf", wait_until="load")
            page.wait_for_function("document.querySelector('.reveal .slides .pdf-page') !== null"
                                   " && window.livedeckPdfReady === true", timeout=PRINT_TIMEOUT_MS)
            page.evaluate("document.fonts.ready")
            # Tagged: headings, reading order, tables and alt text reach screen readers; outline: bookmarks
            printed = [page.pdf(prefer_css_page_size=True, print_background=True, tagged=True, outline=True)]
            if handout_script is not None:
                page.add_script_tag(content=handout_script.read_text(encoding="utf-8"))
                page.wait_for_function("window.livedeckHandoutReady === true", timeout=PRINT_TIMEOUT_MS)
                printed.append(page.pdf(prefer_css_page_size=True, print_background=True, tagged=True, outline=True))
            return printed
        finally:
            browser.close()


# A tagged PDF (headings, reading order, alt text for screen readers), as Chromium prints one too
TAGGED_PDF = 'pdf:impress_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def convert_pptx(pptx: bytes, name: str) -> bytes:
    """LibreOffice's PDF of a .pptx: the fallback when there is no Chromium."""
    office = libreoffice()
    if office is None:
        raise PrintError("LibreOffice is not installed (apt install libreoffice-impress)")
    with tempfile.TemporaryDirectory(prefix="livedeck-pdf-") as folder:
        source = Path(folder) / f"{name}.pptx"
        source.write_bytes(pptx)
        # Its own profile folder: a LibreOffice the lecturer has open would otherwise take the job.
        profile = Path(folder, "profile").as_uri()
        try:
            subprocess.run([office, f"-env:UserInstallation={profile}", "--headless",
                            "--convert-to", TAGGED_PDF, "--outdir", folder, str(source)],
                           check=True, capture_output=True, timeout=PRINT_TIMEOUT_MS / 1000)
            return (Path(folder) / f"{name}.pdf").read_bytes()
        except (subprocess.SubprocessError, OSError) as exc:
            raise PrintError(f"LibreOffice could not convert {name}.pptx to PDF: {exc}") from None


def prepare(options: BuildOptions, warn: Warn) -> BuildOptions:
    """Which program prints, decided once per build; a PDF printed by Chromium is printed from the HTML deck."""
    from dataclasses import replace

    maker = check_programs(options.handout)  # neither program: MissingProgram, the environment's error
    formats = options.formats + (("html",) if maker == "chromium" and "html" not in options.formats else ())
    return replace(options, pdf_maker=maker, formats=formats)


def make(sources: Sources) -> dict[str, bytes]:
    """NAME.pdf (and NAME-handout.pdf): printed from the HTML deck just made, or LibreOffice's from the .pptx."""
    name, options = sources.deck.name, sources.options
    if options.pdf_maker == "libreoffice":
        from livedeck.writers.pptx.draw import write_pptx

        pptx = sources.made.get(f"{name}.pptx") or write_pptx(sources.deck, sources.slides, sources.context)
        return {f"{name}.pdf": convert_pptx(pptx, name)}
    # Printed from a folder of its own in dist/, beside a link to the assets, so that the page's relative
    # links hold before it is published; the folder's name marks it as a temporary of this process.
    with tempfile.TemporaryDirectory(dir=options.dist, **temporary(name)) as stage:
        (Path(stage) / "assets").symlink_to(options.dist / "assets", target_is_directory=True)
        page = Path(stage) / f"{name}.html"
        page.write_bytes(sources.made[f"{name}.html"])
        script = options.templates / "reveal" / "handout.js" if options.handout else None
        return dict(zip((f"{name}.pdf", f"{name}-handout.pdf"), print_html(page, script)))


WRITER = Writer(make, prepare=prepare)
