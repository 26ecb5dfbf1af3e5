"""Turn a lesson's cells and their outputs into slides: the one place slide structure is decided.

Headings make slides as in pandoc and Quarto: the slide level is the highest heading level
directly followed by content; headings above it make section slides, headings below it are
subheadings on their slide, and a `---` line starts an untitled slide. The lesson's title is
a bold line standing alone before any heading (`**Tools - pandas**`, as notebooks write it), else
its first `#` heading (else its first heading, else its file's name); what follows the title
before the next heading is the title slide's subtitle, and content before any heading gets a
slide of its own (a setup cell there, imports alone, makes none). `::: notes` becomes speaker
notes; `$$…$$` on its own becomes a Math block; hidden cells (`echo: false`) show no code.
Steps are numbered here too (`. . .` pauses, `::: incremental` lists, `#| fragment: true`
cells, `#| code-line-numbers`), and `:::: columns` set by hand are recorded. Where blocks go
on the slide is livedeck.layout's choice, not this module's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional, Union

from livedeck.markup.pieces import Kind, Piece, list_items, split_markdown
from livedeck.model import (
    Block,
    Callout,
    CalloutKind,
    Code,
    ColumnBreak,
    Deck,
    Image,
    Layout,
    Markdown,
    Math,
    Slide,
    Table,
)
from livedeck.read.lesson import CellOptions, Lesson, OutputLocation
from livedeck.settings.course import Settings


@dataclass
class _Draft:
    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    step: int = 0  # the click at which new content appears
    last_step: int = 0  # the last click used on this slide
    columns: bool = False
    section: bool = False  # a heading above the slide level: the slide shows it alone
    after_subheading: bool = False  # the last block is a subheading: the text after it joins it
    before_title: bool = False  # begun before the lesson's title: shown before the title slide

    def next_step(self) -> int:
        self.last_step += 1
        return self.last_step

    def add(self, piece: Piece) -> None:
        subheading, self.after_subheading = self.after_subheading, False
        match piece.kind:
            case Kind.NOTES:
                self.notes.append(piece.text)
                self.after_subheading = subheading
            case Kind.MATH:
                self.blocks.append(Math(piece.text, step=self.step, line=piece.line))
            case Kind.PAUSE:
                self.step = self.next_step()
            case Kind.INCREMENTAL:
                count = list_items(piece.text)
                first = self.last_step + 1 if count else 0
                self.last_step += count
                self.blocks.append(Markdown(piece.text, step=self.step, items_from=first, line=piece.line))
                self._annotation_steps(first, count)
            case Kind.COLUMN:
                self.columns = True
                self.blocks.append(ColumnBreak(piece.width, step=self.step))
            case Kind.COLUMNS_END:  # what follows spans the slide again, below the columns
                self.blocks.append(ColumnBreak(step=self.step, end=True))
            case Kind.HEADING:  # below the slide level: a subheading, in the slide's text with what is around it
                self._text(piece.source, True, piece.line)
                self.after_subheading = True
            case Kind.TEXT if piece.centred:
                self.blocks.append(Markdown(piece.text, step=self.step, centred=True, line=piece.line))
            case Kind.TEXT:
                self._text(piece.text, subheading, piece.line)
            case Kind.TABLE:
                header, rows, align = piece.table
                self.blocks.append(Table("", header, rows, step=self.step, align=align, markdown=True, line=piece.line))
            case Kind.CALLOUT:
                kind = CalloutKind(piece.source)
                title, text = piece.title, piece.text
                heading = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", text.split("\n", 1)[0])
                if not title and heading:  # Quarto: a callout's first heading is its title
                    title, text = heading.group(1), text.split("\n", 1)[1].strip() if "\n" in text else ""
                self.blocks.append(Callout(kind, title or kind.value.capitalize(), text, step=self.step, line=piece.line))
            case Kind.IMAGE:
                self.blocks.append(Image(piece.source, piece.text, step=self.step, line=piece.line))
            case _:
                raise ValueError(f"a slide cannot hold a {piece.kind} piece")

    def _text(self, text: str, joined: bool, line: int) -> None:
        last = self.blocks[-1] if self.blocks else None
        if joined and isinstance(last, Markdown) and last.step == self.step and not (last.items_from or last.centred):
            self.blocks[-1] = replace(last, text=f"{last.text}\n\n{text}")
        else:
            self.blocks.append(Markdown(text, step=self.step, line=line))

    def add_cell(self, cell: _CodeCell) -> None:
        self.after_subheading = False
        step = self.next_step() if cell.fragment else self.step
        beside = cell.location in (OutputLocation.COLUMN, OutputLocation.COLUMN_FRAGMENT) and cell.code and cell.outputs
        if beside:  # `output-location: column`: the code left, what it showed right, as `:::: columns` would
            self.columns = True
            self.blocks.append(ColumnBreak(0.5, step=step))
        if cell.code is not None:
            code = cell.code
            lines_from = self.last_step + 1 if len(code.line_steps) > 1 else 0
            self.last_step += max(0, len(code.line_steps) - 1)
            self.blocks.append(replace(code, step=step, lines_from=lines_from))
        if beside:
            self.blocks.append(ColumnBreak(0.5, step=step))
        shown = step
        if cell.outputs and cell.code and cell.location in (OutputLocation.FRAGMENT, OutputLocation.COLUMN_FRAGMENT):
            shown = self.next_step()  # "what will this print?": the outputs at the next click
        self.blocks.extend(replace(block, step=shown) for block in cell.outputs)
        if beside:
            self.blocks.append(ColumnBreak(step=step, end=True))

    def _annotation_steps(self, first: int, count: int) -> None:
        """An incremental list explaining annotated code above it: as its k-th item appears, the lines marked
        `# <k>` stand out (the code's line steps, every line alike before the first item)."""
        at = next((i for i in range(len(self.blocks) - 1, -1, -1) if isinstance(self.blocks[i], Code)), None)
        code = self.blocks[at] if at is not None else None
        if at is None or not isinstance(code, Code) or not code.markers or code.line_steps or not count:
            return
        groups = tuple(tuple(line for line, number in code.markers if number == k) for k in range(1, count + 1))
        self.blocks[at] = replace(code, line_steps=((), *groups), lines_from=first)  # (): every line alike

    def freeze(self) -> Slide:
        layout = Layout.SECTION if self.section else Layout.COLUMNS if self.columns else Layout.STACK
        return Slide(self.title, tuple(self.blocks), "\n\n".join(self.notes), layout)


@dataclass(frozen=True)
class _CodeCell:
    """A code cell as its slide shows it: its code (None when hidden) and what it showed."""
    code: Optional[Code]
    outputs: tuple[Block, ...]
    fragment: bool
    setup: bool  # imports or notebook settings alone, showing nothing: no slide of its own
    location: Optional[OutputLocation] = None  # `#| output-location:`; None: under the code, with it


Event = Union[Piece, _CodeCell]
SUBTITLE = (Kind.NOTES, Kind.MATH, Kind.TEXT, Kind.INCREMENTAL, Kind.HEADING)  # what a title slide can hold
LOOK_PAST = (Kind.NOTES, Kind.PAUSE, Kind.COLUMN, Kind.COLUMNS_END)  # neither content nor a heading


def _setup_only(source: str) -> bool:
    """Imports and notebook settings (`%matplotlib inline`) alone: a cell that sets up, and shows nothing."""
    import ast

    from livedeck.read.magics import is_setting

    lines = [line for line in source.splitlines() if not is_setting(line)]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return False
    return all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body)


ANNOTATION = re.compile(r"[ \t]*#[ \t]*<(\d+)>[ \t]*$")  # Quarto's code annotation: `x = f(y)  # <1>`


def take_annotations(source: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The code with its annotation markers taken off, and (line, number) for each."""
    lines, markers = [], []
    for number, line in enumerate(source.splitlines(), start=1):
        found = ANNOTATION.search(line)
        if found:
            markers.append((number, int(found.group(1))))
            line = line[:found.start()]
        lines.append(line)
    return ("\n".join(lines), tuple(markers)) if markers else (source, ())


def _code(source: str, options: CellOptions, line: int) -> Code:
    shown, markers = take_annotations(source.rstrip())
    return Code(shown, line_steps=options.code_line_numbers, line=line, morph=options.morph, markers=markers)


def _events(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...]) -> list[Event]:
    """The lesson as one sequence: markdown pieces and code cells, in order."""
    events: list[Event] = []
    open_divs: list[str] = []  # `:::: columns` spans cells
    for cell, cell_outputs in zip(lesson.cells, outputs):
        if cell.kind == "markdown":
            events += [replace(piece, line=cell.line + piece.line) for piece in split_markdown(cell.source, open_divs)]
        elif cell.options.echo or cell_outputs:
            code = _code(cell.source, cell.options, cell.line) if cell.options.echo else None
            events.append(_CodeCell(code, cell_outputs, cell.options.fragment,
                                    not cell_outputs and _setup_only(cell.source), cell.options.output_location))
    return events


def _is_heading(event: Event) -> bool:
    return isinstance(event, Piece) and event.kind == Kind.HEADING


def title_heading(events: list[Event]) -> Optional[int]:
    """Where the lesson's title is: its first heading of the top level (`#`, else the highest used), unless it
    is one of several there with code before it: then it heads a section like the others (a notebook of
    `# Creating a Tensor`, `# Tensor Shapes`, …), and the lesson has no title heading."""
    headings = [(i, event) for i, event in enumerate(events) if isinstance(event, Piece) and event.kind == Kind.HEADING]
    if not headings:
        return None
    top = min(heading.level for _, heading in headings)
    first = next(i for i, heading in headings if heading.level == top)
    several = sum(1 for _, heading in headings if heading.level == top) > 1
    return None if several and any(isinstance(event, _CodeCell) for event in events[:first]) else first


STRONG_LINE = re.compile(r"(\*\*|__)([^*_\n]+?)\1")


def _strong_title(events: list[Event]) -> Optional[tuple[int, str]]:
    """A bold line standing alone before any heading or code, as notebooks often write their title
    (`**Tools - pandas**`): where it is (the events are changed so that it stands alone there), and its
    text; None when the lesson does not start so."""
    for index, event in enumerate(events):
        if isinstance(event, _CodeCell) or event.kind == Kind.HEADING:
            return None
        if event.kind != Kind.TEXT:
            continue
        first, _, rest = event.text.strip().partition("\n\n")
        line = STRONG_LINE.fullmatch(first.strip())
        if line is None:
            return None
        events[index:index + 1] = [event] + ([replace(event, text=rest.strip())] if rest.strip() else [])
        return index, line.group(2).strip()
    return None


def slide_level(events: list[Event], title: Optional[int]) -> int:
    """Pandoc's rule: the highest heading level directly followed by content (the title aside); 2 if none is."""
    levels = []
    for index, event in enumerate(events):
        if index == title or not (isinstance(event, Piece) and event.kind == Kind.HEADING):
            continue
        following = next((e for e in events[index + 1:] if not (isinstance(e, Piece) and e.kind in LOOK_PAST)), None)
        ends = isinstance(following, Piece) and following.kind in (Kind.HEADING, Kind.BREAK)
        if following is not None and not ends:
            levels.append(event.level)
    return min(levels, default=2)


def _drafts(events: list[Event], consumed: Optional[int], level: int) -> tuple[list[_Draft], list[str], list[str]]:
    """The slides the events make at the slide `level`, and the title slide's subtitle and notes: what
    follows the title heading (at `consumed`) before any slide begins."""
    subtitle: list[str] = []
    title_notes: list[str] = []
    slides: list[_Draft] = []
    under_title = False  # no slide begun since the title heading: what follows is the title slide's
    for index, event in enumerate(events):
        if index == consumed:
            under_title = True
            for draft in slides:
                draft.before_title = True
            continue
        count = len(slides)
        if isinstance(event, _CodeCell):
            if not slides or slides[-1].section or under_title:
                if event.setup:
                    continue
                slides.append(_Draft(""))  # visible code before any slide heading: an untitled slide
            if event.location == OutputLocation.SLIDE and event.code and event.outputs:
                slides[-1].add_cell(replace(event, outputs=()))  # the code, and on the next slide what it showed
                slides.append(_Draft(slides[-1].title))
                event = replace(event, code=None, fragment=False)
            slides[-1].add_cell(event)
        elif event.kind == Kind.HEADING and event.level <= level:
            slides.append(_Draft(event.text, section=event.level < level))
        elif event.kind == Kind.BREAK:  # a heading just before it (a RISE title cell's `##`) heads what follows
            if not (slides and slides[-1].title and not slides[-1].blocks and not slides[-1].section):
                slides.append(_Draft(""))
        elif under_title and event.kind in SUBTITLE and not event.centred:
            (title_notes if event.kind == Kind.NOTES else subtitle).append(  # under the title: the title slide's
                f"$${event.text}$$" if event.kind == Kind.MATH else event.source or event.text)
        else:
            if not slides or (slides[-1].section and event.kind != Kind.NOTES):
                slides.append(_Draft(""))  # content before any heading, or after a section's: a slide of its own
            slides[-1].add(event)
        under_title = under_title and len(slides) == count
    return slides, subtitle, title_notes


def _tie_morphs(slides: list[_Draft]) -> None:
    """Each state of a morph knows the lines new or changed since the state before (what the PDF marks),
    and every state but its last is superseded."""
    import difflib

    last: dict[str, tuple[_Draft, int]] = {}  # a morph's latest state so far: its slide and block
    for draft in slides:
        for index, block in enumerate(draft.blocks):
            if not isinstance(block, Code) or not block.morph:
                continue
            before = last.get(block.morph)
            if before is not None:
                old_slide, old_index = before
                old = old_slide.blocks[old_index]
                assert isinstance(old, Code)
                old_slide.blocks[old_index] = replace(old, superseded=True)
                ops = difflib.SequenceMatcher(None, old.source.splitlines(), block.source.splitlines(), autojunk=False)
                changed = tuple(line + 1 for tag, _, _, j1, j2 in ops.get_opcodes() if tag in ("replace", "insert")
                                for line in range(j1, j2))
                draft.blocks[index] = replace(block, changed=changed)
            last[block.morph] = (draft, index)


def build_deck(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], source: str = "",
               settings: Optional[Settings] = None, deeper: bool = False) -> Deck:
    """The lesson's cells and their captured outputs as a deck's slides; `settings`: whose course it is.
    `deeper`: slides come from the heading level below the one pandoc's rule picks (when the lesson has
    one), and that level's headings make section slides: the layout asks for it when the rule's slides
    each spread over many (livedeck.build.publish)."""
    settings = settings or Settings()
    events = _events(lesson, outputs)
    strong = _strong_title(events)
    consumed: Optional[int]  # the event that made the title slide, if one did
    if strong is not None:  # a notebook's bold title line: the title slide, what follows it the subtitle
        at, title = strong
        consumed, level = at, slide_level(events, None)
    else:
        title_at = title_heading(events)
        level = slide_level(events, title_at)
        # The title heading makes the title slide when no heading comes before it; what follows it up to
        # the next heading is the subtitle
        first_heading = next((i for i, event in enumerate(events) if _is_heading(event)), None)
        consumed = title_at if title_at == first_heading else None
        heading = events[title_at] if title_at is not None else None
        title = heading.text if isinstance(heading, Piece) else lesson.name
    if deeper and any(isinstance(event, Piece) and _is_heading(event) and event.level == level + 1 for event in events):
        level += 1
    slides, subtitle, title_notes = _drafts(events, consumed, level)
    _tie_morphs(slides)
    kept = [draft for draft in slides if draft.title or draft.blocks or draft.notes]
    # what the lesson shows before its title (a navigation cell) stays before the title slide
    before = sum(1 for draft in kept if draft.before_title)
    source = source or str(lesson.path)
    notes = "\n\n".join(title_notes + [f"Source: `{source}`"])  # the file, for the lecturer, not the room
    return Deck(
        name=lesson.name,
        title=settings.title or title,
        subtitle=settings.subtitle or "\n\n".join(subtitle),
        source=source,
        # a `---` before a heading, or at the end, leaves an untitled slide with nothing on it: none is made
        slides=tuple(draft.freeze() for draft in kept),
        title_notes=notes,
        before_title=before,
        course=settings.course,
        author=settings.author,
        institute=settings.institute,
        date=settings.date,
        footer=settings.footer,
        logo=settings.logo,
        lang=settings.lang,
    )
