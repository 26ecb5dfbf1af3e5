"""The reveal.js writer, on a hand-built deck: structure (golden), escaping, math, notes, offline."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from livedeck.writers import WriteContext
from livedeck.writers.html.render import write_html
from support.decks import drawn, small_deck, write_figure


class Outline(HTMLParser):
    """Sections with their heading, block elements and notes: the structure a golden file pins."""

    BLOCK_CLASSES = ("ld-text", "ld-math", "ld-code", "ld-output", "ld-figure", "ld-table", "ld-columns")

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[dict] = []
        self.stack: list[str] = []
        self.capture: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section":
            self.sections.append({"class": attrs.get("class", ""), "heading": "", "blocks": [], "notes": False})
        elif self.sections:
            current = self.sections[-1]
            if tag in ("h1", "h2"):
                self.capture = "heading"
            if tag == "aside" and "notes" in classes:
                current["notes"] = True
            for name in self.BLOCK_CLASSES:
                if name in classes:
                    current["blocks"].append(" ".join(c for c in classes if c.startswith("ld-")))
            if tag == "img":
                current["blocks"].append(f"img alt={attrs.get('alt')!r} src={attrs.get('src', '')[:26]}")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2"):
            self.capture = None

    def handle_data(self, data):
        if self.capture and self.sections:
            self.sections[-1]["heading"] += data


@pytest.fixture
def page(tmp_path: Path) -> str:
    write_figure(tmp_path)
    return drawn(write_html, small_deck(), WriteContext(figures=tmp_path)).decode("utf-8")


def test_structure_matches_golden(page: str, golden) -> None:
    outline = Outline()
    outline.feed(page)
    golden("html_small", outline.sections)


def test_printed_text_is_escaped(page: str) -> None:
    assert "<script>alert(1)</script>" not in page
    assert '&lt;script&gt;alert(1)&lt;/script&gt; &amp; "quotes"' in page
    assert "A &lt;green&gt; box" in page
    assert "3 more lines not shown" in page


def test_math_code_notes_and_assets_are_local(page: str) -> None:
    # Formulas typeset at build time: MathJax's SVG to see, its MathML for screen readers, its words for
    # the printed PDF's tags, no TeX left
    assert len(re.findall(r'<span class="ld-formula" data-speech="[^"]+"><svg', page)) == 3
    assert page.count("<math") == 3 and 'data-speech="d y over d x equals 2 x"' in page
    assert "\\frac" not in re.sub(r"<math.*?</math>", "", page, flags=re.S)
    assert '<span style="color:#008000">print</span>' in page  # Pygments' colours
    assert page.count('<aside class="notes" role="note" aria-label="Speaker notes">') == 3
    # Nothing is fetched from the network: every URL outside the lesson's own link is local
    local = re.sub(r'xmlns(:\w+)?="[^"]*"', "", page.replace('href="https://example.org"', ""))  # names, not links
    remote = re.findall(r"""(?:https?:)?//[^\s"'()<>]+""", local)
    assert remote == [] and "cdn" not in page
    assert 'src="data:image/svg+xml;base64,' in page  # figures inline as SVG


def normalised(page: str) -> str:
    """The deck page with inlined files replaced by their sha256, one tag a line: what a golden file pins."""
    import hashlib

    page = re.sub(r"data:([\w/+.-]+)(?:;charset=[\w-]+)?;base64,([A-Za-z0-9+/=]+)",
                  lambda m: f"data:{m.group(1)};sha256={hashlib.sha256(m.group(2).encode()).hexdigest()[:16]}", page)
    return re.sub(r">\s*<", ">\n<", page)


def test_page_matches_golden(page: str, golden_text) -> None:
    golden_text("html_small.html", normalised(page))


def test_the_table_says_which_formats_finish_a_build() -> None:
    """Only a format whose writer has a finish hook is loaded after a build (a no-op build loads no other)."""
    from livedeck.writers import FORMATS, Writer

    for fmt in FORMATS:
        assert fmt.finishes == (fmt.writer().finish is not Writer.__dataclass_fields__["finish"].default), fmt.name


def test_templates_compile_once_into_the_cache_and_again_when_edited(tmp_path: Path) -> None:
    """The build's head start compiles the page templates into the cache; a lesson's worker (another process,
    another environment) reads that code back instead of compiling, and a template edited since is compiled anew."""
    import shutil

    import jinja2

    from livedeck.base.package_data import TEMPLATES
    from livedeck.writers.html import render

    shutil.copytree(TEMPLATES, tmp_path / "templates")
    render.compile_templates(tmp_path / "templates", tmp_path / "cache")
    names = sorted(p.name for p in (tmp_path / "templates" / "reveal").glob("*.j2"))
    assert len(list((tmp_path / "cache" / "templates").rglob("*.cache"))) == len(names) >= 3

    compiled: list[str] = []

    class Counting(jinja2.Environment):
        def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[override]
            compiled.append(name)
            return super().compile(source, name, filename, raw, defer_init)

    def worker() -> Counting:
        env = Counting(loader=jinja2.FileSystemLoader(str(tmp_path / "templates" / "reveal")),
                       bytecode_cache=render.templates_compiled(tmp_path / "cache"), **render._TEMPLATE_OPTIONS)
        env.filters.update(markdown=render.render_markdown, plain=render.plain_text)
        return env

    for name in names:
        worker().get_template(name)
    assert compiled == []
    page = tmp_path / "templates" / "reveal" / "index.html.j2"
    page.write_text(page.read_text() + "{# edited #}\n")
    worker().get_template("index.html.j2")
    assert compiled == ["index.html.j2"]


def test_a_template_that_does_not_compile_fails_each_lesson_in_one_line(tmp_path: Path) -> None:
    """The head start compiles the templates only to save time: a lecturer's broken template is still each
    lesson's one-line failure, never the build's traceback."""
    import shutil

    from livedeck.base.package_data import TEMPLATES
    from support.builds import build_here, write_lesson

    shutil.copytree(TEMPLATES, tmp_path / "templates")
    deck = tmp_path / "templates" / "reveal" / "deck.html.j2"
    deck.write_text(deck.read_text() + "{% if %}\n")
    write_lesson(tmp_path / "slides", "01_one.py", "# %% [markdown]\n# # One\n\n# %%\nx = 1\n")
    result = build_here("--templates", "templates", "-f", "html", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "✗ slides/01_one.py: the Slides could not be made: TemplateSyntaxError" in result.stderr
