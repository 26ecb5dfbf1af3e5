"""The reveal.js writer: the laid-out slides become one HTML file (figures inlined as SVG data URIs).

Every block is drawn where the layout placed it, at its size, in the DejaVu fonts the layout
measured with (shipped in assets/fonts): the browser draws the plan, it never has to fit it."""
from __future__ import annotations

import base64
import datetime
import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Optional

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from livedeck.layout import LaidDeck, LaidSlide
from livedeck.layout.geometry import BULLET_INDENT, PX_PER_PT, Box
from livedeck.layout.math_engine import Formula
from livedeck.layout.mathtext import Script
from livedeck.layout.planner import Placed
from livedeck.layout.richtext import Run, markdown_paragraphs, plain_text
from livedeck.layout.unimath import latex_to_unicode
from livedeck.markup.markdown import parser
from livedeck.markup.safe_html import UNWRAPPED, html_block, read_tag, safe_link
from livedeck.model import Code, Deck, Markdown, Stream
from livedeck.style.theme import Theme
from livedeck.writers import Card, WriteContext, side_folder


def _math(content: str, options: dict) -> str:
    # Speaker notes (the only markdown rendered as such): formulas read as Unicode there.
    return html.escape(latex_to_unicode(content))


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = parser(_math)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("html_inline", _html_inline)
    md.add_render_rule("html_block", _html_block)
    md.add_render_rule("image", lambda self, tokens, idx, options, env: f"<em>{html.escape(tokens[idx].content)}</em>")
    return md


def _html_inline(self, tokens, idx, options, env) -> str:
    """Raw inline HTML in speaker notes: its safe subset, rewritten (livedeck.markup.safe_html); never passed on."""
    tag = read_tag(tokens[idx].content)
    if tag is None or tag.dropped or tag.name in UNWRAPPED or tag.name == "center":
        return ""
    if not tag.known:  # `A <green> box`: the text it is
        return html.escape(tokens[idx].content)
    if tag.name == "img":
        return f"<em>{html.escape(tag.attrs.get('alt', ''))}</em>"
    if tag.name == "a" and not tag.closing:
        href = safe_link(tag.attrs.get("href", ""))
        return f'<a href="{html.escape(href)}" target="_blank" rel="noopener">' if href else "<a>"
    return f"<{'/' if tag.closing else ''}{tag.name}>"


def _html_block(self, tokens, idx, options, env) -> str:
    return "".join(_markdown().render(part.text) if part.text else f"<p><em>{html.escape(part.alt)}</em></p>"
                   for part in html_block(tokens[idx].content))


def _link_open(self, tokens, idx, options, env) -> str:
    # Links open in a new tab: clicking one mid-lecture must not lose the deck.
    tokens[idx].attrSet("target", "_blank")
    tokens[idx].attrSet("rel", "noopener")
    return self.renderToken(tokens, idx, options, env)


def render_markdown(text: str) -> Markup:
    return Markup(_markdown().render(text))


# Slidev's click marker in speaker notes: what follows it belongs to the next step of the slide
CLICK = re.compile(r"\[click\]")
# The part of the notes for the step shown, as the speaker view highlights it (inline: the view is another page)
NOW = "background:#FFF3B0;border-left:4px solid #{accent};padding-left:6px"


def last_step(slide: LaidSlide) -> int:
    """The slide's last click: of a block that appears, an incremental list's last item, a code's last line step."""
    steps = [0]
    for item in slide.items:
        block = item.block
        steps.append(block.step)
        if isinstance(block, Markdown) and block.items_from:
            items = sum(1 for p in item.paragraphs if p.bullet and p.level == 0)
            steps.append(block.items_from + item.items_before + items - 1)
        if isinstance(block, Code) and len(block.line_steps) > 1:
            steps.append(block.lines_from + len(block.line_steps) - 2)
    return max(steps)


def render_notes(slide: LaidSlide, accent: str) -> tuple[Markup, Markup]:
    """Speaker notes, as reveal.js's speaker view reads them. `[click]` splits them into each step's part:
    at step k the view shows all of them, the k-th highlighted (the last part from its step on). A hidden
    fragment of each step carries that copy, put first on the slide: reveal.js's notes plugin shows the notes
    of the first current fragment. Returns those fragments (first on the slide) and the notes (last)."""
    if not slide.notes:
        return Markup(""), Markup("")
    parts = [render_markdown(part) for part in CLICK.split(slide.notes)]
    if len(parts) == 1:
        return Markup(""), Markup(f'<aside class="notes" role="note" aria-label="Speaker notes">\n{parts[0]}</aside>')

    def marked(now: int) -> str:
        highlighted = f' style="{NOW.format(accent=accent)}"'
        return "".join(f'<div data-ld-click="{k}"{highlighted if k == now else ""}>{part}</div>'
                       for k, part in enumerate(parts))

    steps = "".join(f'<div class="fragment ld-notes-step" data-fragment-index="{k}" aria-hidden="true">'
                    f'<aside class="notes">{marked(min(k, len(parts) - 1))}</aside></div>'
                    for k in range(1, max(len(parts) - 1, last_step(slide)) + 1))
    return Markup(steps), Markup(f'<aside class="notes" role="note" aria-label="Speaker notes">{marked(0)}</aside>')


def _px(points: float) -> str:
    return f"{points * PX_PER_PT:.2f}".rstrip("0").rstrip(".") + "px"


def box_style(box: Box, size: float = 0.0, within: Optional[Box] = None) -> Markup:
    """Where the layout put a box, in the slide's CSS px (relative to `within`, when it is nested)."""
    x, y = (box.x - within.x, box.y - within.y) if within else (box.x, box.y)
    style = f"left:{_px(x)};top:{_px(y)};width:{_px(box.w)};height:{_px(box.h)}"
    return Markup(style + (f";font-size:{_px(size)}" if size else ""))


def render_formula(formula: Formula, size: Optional[Box] = None) -> Markup:
    """MathJax's SVG, sized in em of the text around it (or to `size`, a display formula's box), with its
    MathML beside it for screen readers, and the formula in words for the printed PDF's tags."""
    if size is not None:
        dimensions = f'width="{_px(size.w)}" height="{_px(size.h)}"'
        align = ""
    else:
        dimensions = f'width="{formula.width:.3f}em" height="{formula.height:.3f}em"'
        align = f' style="vertical-align:{-formula.depth:.3f}em"'
    svg = re.sub(r'^<svg style="[^"]*"', f"<svg{align}", formula.svg)
    svg = re.sub(r' width="[^"]*" height="[^"]*"', " " + dimensions + ' aria-hidden="true"', svg, count=1)
    # what the printed PDF's tags say of it: a display formula in words, an inline one as its text (x², ∂f/∂u)
    said = formula.speech or latex_to_unicode(formula.latex)
    return Markup(f'<span class="ld-formula" data-speech="{html.escape(said)}">{svg}'
                  f'<span class="ld-mathml">{formula.mathml}</span></span>')


def render_runs(runs: tuple[Run, ...], formulas: dict) -> Markup:
    """Styled runs as spans (what PowerPoint draws as runs), inline formulas as MathJax's SVG."""
    parts = []
    for run in runs:
        if run.math:
            text = render_formula(formulas[(run.math, False)])
        elif "\n" in run.text:  # a hard line break (`  ` or `\\` ending a markdown line), as the layout measured it
            text = Markup("<br>").join(Markup(html.escape(piece, quote=False)) for piece in run.text.split("\n"))
        else:
            text = Markup(html.escape(run.text, quote=False))
        styles = []
        if run.color:
            styles.append(f"color:#{run.color}")
        if run.bold:
            text = Markup(f"<strong>{text}</strong>")
        if run.italic and not run.math:
            text = Markup(f"<em>{text}</em>")
        if run.strike:
            text = Markup(f"<s>{text}</s>")
        if run.script and not run.math:
            tag = "sup" if run.script == Script.SUPER else "sub"
            text = Markup(f"<{tag}>{text}</{tag}>")
        if run.code and not run.color and not run.math:
            text = Markup(f"<code>{text}</code>")
        if styles:
            text = Markup(f'<span style="{";".join(styles)}">{text}</span>')
        if run.link:
            text = Markup(f'<a href="{html.escape(run.link)}" target="_blank" rel="noopener">{text}</a>')
        parts.append(text)
    return Markup("").join(parts)


def render_inline(text: str, formulas: dict) -> Markup:
    """A title or caption: its markdown as runs, its lines joined."""
    return Markup(" ").join(render_runs(p.runs, formulas) for p in markdown_paragraphs(text))


def render_paragraphs(item: Placed, formulas: dict) -> Markup:
    """A text block's paragraphs as HTML: lists as <ul>/<ol> (their items one click each when the block
    is incremental), other paragraphs as <p>."""
    block = item.block
    out: list[str] = []
    open_lists: list[str] = []  # tags of the lists open, outermost first
    item_number = item.items_before

    def close_to(depth: int) -> None:
        while len(open_lists) > depth:
            out.append(f"</li></{open_lists.pop()}>")

    for paragraph in item.paragraphs:
        if not paragraph.bullet:
            close_to(0)
            if paragraph.heading:  # a subheading (the slide's title is the h2)
                out.append(f'<h3 class="ld-subheading">{render_runs(paragraph.runs, formulas)}</h3>')
            elif paragraph.quote:
                indent = f"{paragraph.quote * BULLET_INDENT:g}em"
                out.append(f'<blockquote style="padding-left:calc({indent} - 3px)">'
                           f'<p>{render_runs(paragraph.runs, formulas)}</p></blockquote>')
            else:
                out.append(f"<p>{render_runs(paragraph.runs, formulas)}</p>")
            continue
        tag = "ol" if paragraph.bullet == "number" else "ul"
        close_to(paragraph.level + 1)
        if len(open_lists) == paragraph.level + 1 and open_lists[-1] != tag:
            close_to(paragraph.level)
        if len(open_lists) == paragraph.level + 1:
            out.append("</li>")
        else:
            while len(open_lists) < paragraph.level + 1:
                start = f' start="{paragraph.number}"' if tag == "ol" and paragraph.number != 1 else ""
                out.append(f"<{tag}{start}>")
                open_lists.append(tag)
        fragment = ""
        if isinstance(block, Markdown) and block.items_from and paragraph.level == 0:
            fragment = f' class="fragment" data-fragment-index="{block.items_from + item_number}"'
            item_number += 1
        out.append(f"<li{fragment}>{render_runs(paragraph.runs, formulas)}")
    close_to(0)
    return Markup("".join(out))


def line_ids(code: Code) -> dict[int, str]:
    """A morph's lines, each by an id made of its text and how many lines of that text come before it:
    a line kept from one state to the next keeps its id, and reveal.js moves it there."""
    ids, seen = {}, Counter[str]()
    for number, text in enumerate(code.source.splitlines(), start=1):
        digest = hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:10]
        ids[number] = f"{code.morph}-{digest}-{seen[digest]}"
        seen[digest] += 1
    return ids


def render_lines(item: Placed, full_output: str = "") -> Markup:
    """Code or output as laid out, one span per drawn line (a wrapped line's tail carries its mark);
    the note under a cut-off output links `full_output`, all of it. A morph's lines carry their ids,
    and those new or changed since its state before are marked (on paper)."""
    block = item.block
    ids = line_ids(block) if isinstance(block, Code) and block.morph else {}
    changed = block.changed if isinstance(block, Code) else ()
    parts = Counter[int]()
    lines = []
    for index, paragraph in enumerate(item.paragraphs):
        text = render_runs(paragraph.runs, {})
        last = index == len(item.paragraphs) - 1
        if full_output and last and isinstance(block, Stream):  # a cut-off output, and its file
            text = Markup(f'<a class="ld-truncated" href="{full_output}" download="{html.escape(block.full)}">{text}</a>')
        mark = " ld-line-changed" if changed and paragraph.line in changed else ""
        line_id = ""
        if ids:
            part = parts[paragraph.line]  # a line wrapped in its box: each part of it moves on its own
            parts[paragraph.line] += 1
            line_id = f' data-id="{ids[paragraph.line]}{"-" + str(part) if part else ""}"'
        lines.append(Markup(f'<span class="ld-line{mark}" data-line="{paragraph.line}"{line_id}>{text}</span>'))
    return Markup("\n").join(lines)


LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
              ".gif": "image/gif", ".webp": "image/webp"}


def data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _picture(folder: Path, name: str) -> str:
    """A figure's file as a data URI: its SVG (matplotlib's, or a lesson's vector picture), else its PNG."""
    svg = folder / f"{name}.svg"
    return data_uri(svg, "image/svg+xml") if svg.exists() else data_uri(folder / f"{name}.png", "image/png")


# How the page templates are read; their compiled code is kept under a name made of these (templates_compiled)
_TEMPLATE_OPTIONS: dict[str, Any] = {"autoescape": True, "undefined": jinja2.StrictUndefined, "trim_blocks": True,
                     "lstrip_blocks": True, "keep_trailing_newline": True}


@lru_cache(maxsize=4)
def _environment(templates: Path, cache: Optional[Path] = None) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates / "reveal")),
                             bytecode_cache=templates_compiled(cache), **_TEMPLATE_OPTIONS)
    env.filters["markdown"] = render_markdown
    env.filters["plain"] = plain_text
    return env


def templates_compiled(cache: Optional[Path]) -> Optional[jinja2.BytecodeCache]:
    """The templates' compiled code, kept in the build's cache (jinja2's bytecode cache, checked against each
    template's text and jinja2's and Python's versions): compiling them was a tenth of each lesson's HTML."""
    if cache is None:
        return None
    options = hashlib.sha256(repr(sorted(_TEMPLATE_OPTIONS.items())).encode()).hexdigest()[:12]
    folder = cache / "templates" / options  # code compiled under other options is never read back
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def compile_templates(templates: Path, cache: Path) -> None:
    """Compile every page template into the cache now (the build's head start, while torch imports), so
    that no lesson's worker compiles them again. Only a head start: a template that does not compile, or a
    cache that cannot be written, is left for each lesson's own build to report, as it always was."""
    try:
        env = _environment(templates, cache)
        for name in env.list_templates(filter_func=lambda name: name.endswith(".j2")):
            env.get_template(name)
    except (jinja2.TemplateError, OSError):
        return


def write_html(deck: Deck, laid: LaidDeck, context: WriteContext) -> bytes:
    """The laid-out slides as a reveal.js page: every box where the layout put it, at its size."""
    theme = context.theme
    template = _environment(context.templates, context.cache).get_template("deck.html.j2")
    helpers = SimpleNamespace(
        style=box_style,
        paragraphs=lambda item: render_paragraphs(item, laid.formulas),
        inline=lambda text: render_inline(text, laid.formulas),
        display=lambda item: render_formula(laid.formulas[(item.block.latex, True)], item.picture),
        lines=lambda item: render_lines(item, f"{side_folder(deck.name)}/{item.block.full}"
                                        if isinstance(item.block, Stream) and item.block.full else ""),
        picture=lambda name: _picture(context.figures, name),
        cell=lambda table, text: render_inline(text, laid.formulas) if table.markdown else text,
        align=lambda table, column: Markup(f' style="text-align:{table.align[column]}"')
        if column < len(table.align) and table.align[column] else "",
        row_height=lambda item, row: Markup(f' style="height:{_px(item.row_heights[row])}"')
        if item.block.markdown and row < len(item.row_heights) else "",
        callout=lambda block: Markup("border-color:#{0};background:#{1};--ld-callout:#{0}".format(
            *theme.callout(block.kind))),
        kind=lambda block: type(block).__name__,
        px=_px,
        across=lambda item: Box(item.box.x, item.picture.y, item.box.w, item.picture.h),  # math, centred in its row
        notes=lambda slide: render_notes(slide, theme.accent),
        morphs=[name or following for name, following in zip(laid.morphs, laid.morphs[1:] + ("",))],
        logo=data_uri(Path(deck.logo), LOGO_TYPES.get(Path(deck.logo).suffix.lower(), "image/png")) if deck.logo else "",
    )
    page = template.render(deck=deck, slides=laid.slides, title=plain_text(deck.title), theme=theme, assets="assets",
                           w=helpers)
    return page.encode("utf-8")


@dataclass(frozen=True)
class IndexFile:
    label: str
    file: str  # in dist/
    size: int  # bytes
    stale: str  # what of its inputs changed since it was built ("the lesson", "course.toml" …), or ""


@dataclass(frozen=True)
class IndexLesson:
    number: str  # from its file name: "01"
    card: Card
    files: list[IndexFile]


def _size(size: int) -> str:
    scaled: float = size
    for unit in ("bytes", "kB", "MB"):
        if scaled < 1000 or unit == "MB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{scaled:.1f} {unit}"
        scaled /= 1000
    raise AssertionError("unreachable")


def write_index(decks: list[IndexLesson], course, templates: Path, theme: Theme, cache: Optional[Path] = None) -> bytes:
    """dist/index.html: the course (course.toml), then every lesson in course order with its files. `cache`: the
    build's, whose compiled templates (and this process's environment, from the head start) it reuses."""
    built = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = _environment(templates, cache).get_template("index.html.j2").render(
        decks=decks, course=course, built=built, size=_size, theme=theme)
    return page.encode("utf-8")
