"""The reveal.js writer: a deck model becomes one HTML file (figures inlined as SVG data URIs)."""
from __future__ import annotations

import base64
import html
from functools import lru_cache
from types import SimpleNamespace
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from livedeck.layout import columns
from livedeck.markdown import parser
from livedeck.model import Deck, Markdown
from livedeck.theme import load_theme
from livedeck.writers import WriteContext


def _math(content: str, options: dict) -> str:
    # KaTeX's auto-render then finds \( \) and \[ \] (never a bare $, which prices use).
    escaped = html.escape(content)
    return f"\\[{escaped}\\]" if options.get("display_mode") else f"\\({escaped}\\)"


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = parser(_math)
    md.add_render_rule("link_open", _link_open)
    return md


def _link_open(self, tokens, idx, options, env) -> str:
    # Links open in a new tab: clicking one mid-lecture must not lose the deck.
    tokens[idx].attrSet("target", "_blank")
    tokens[idx].attrSet("rel", "noopener")
    return self.renderToken(tokens, idx, options, env)


def render_markdown(text: str) -> Markup:
    return Markup(_markdown().render(text))


def render_inline(text: str) -> Markup:
    return Markup(_markdown().renderInline(text))


@lru_cache(maxsize=4)
def _formatter(style: str) -> HtmlFormatter:
    return HtmlFormatter(style=style, nowrap=True)


def highlight_code(source: str, language: str, style: str) -> Markup:
    """Pygments HTML, one `<span class="ld-line" data-line="n">` per line (for line steps)."""
    html_lines = highlight(source, get_lexer_by_name(language), _formatter(style)).rstrip("\n").split("\n")
    return Markup("\n".join(f'<span class="ld-line" data-line="{n}">{line}</span>'
                            for n, line in enumerate(html_lines, start=1)))


def render_block_markdown(block: Markdown) -> Markup:
    """A Markdown block; an incremental list's top-level items become fragments, one click each."""
    if not block.items_from:
        return render_markdown(block.text)
    tokens = _markdown().parse(block.text)
    index = block.items_from
    for token in tokens:
        if token.type == "list_item_open" and token.level == 1:
            token.attrSet("class", "fragment")
            token.attrSet("data-fragment-index", str(index))
            index += 1
    return Markup(_markdown().renderer.render(tokens, _markdown().options, {}))


def data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


@lru_cache(maxsize=4)
def _environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates / "reveal")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = render_markdown
    env.filters["inline"] = render_inline
    return env


def write_html(deck: Deck, context: WriteContext) -> bytes:
    theme = load_theme(context.templates / "theme.toml")
    template = _environment(context.templates).get_template("deck.html.j2")
    helpers = SimpleNamespace(
        markdown=render_block_markdown,
        highlight=lambda block: highlight_code(block.source, block.language, theme.pygments_style),
        svg=lambda name: data_uri(context.figures / f"{name}.svg", "image/svg+xml"),
        text_file=lambda name: data_uri(context.figures / name, "text/plain;charset=utf-8"),
        kind=lambda block: type(block).__name__,
        columns=columns,
    )
    page = template.render(
        deck=deck,
        theme=theme,
        assets="assets",
        code_css=Markup(_formatter(theme.pygments_style).get_style_defs(".ld-code")),
        w=helpers,
    )
    return page.encode("utf-8")


def write_index(decks: list[tuple[str, str, list[tuple[str, str, bool]]]], templates: Path) -> bytes:
    """dist/index.html: every lesson (name, title, files built as (label, file, stale)) in course order."""
    page = _environment(templates).get_template("index.html.j2").render(decks=decks)
    return page.encode("utf-8")

