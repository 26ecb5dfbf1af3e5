"""What the slides show in a lesser form than the lesson wrote it (layout/findings.py): each compromise named
once at the lesson's line, and silence when the promise held."""
from __future__ import annotations

from livedeck.layout import lay_out
from livedeck.layout.findings import findings
from livedeck.model import Code, Deck, Slide, Stream
from livedeck.style.theme import CodeStyle


def found(*blocks) -> list[tuple[int, str]]:
    slides = lay_out(Deck("t", "A deck", "", "t.py", (Slide("Cells", tuple(blocks)),)), {}, CodeStyle(), "f")
    return [(f.line, f.message) for f in findings((item for slide in slides for item in slide.items), "figures/t")]


def test_a_line_broken_inside_a_word_is_named_at_its_line() -> None:
    name = "a_name_so_long_that_no_slide_holds_it_" * 5
    said = found(Code(f"x = 1\n{name} = 2", line=40), Stream("y" * 400))
    assert (41, "a line of code is too long for the slide at 14 pt and breaks inside a word (marked ↪): "
                "shorten the line") in said
    assert any(line == 40 and message.startswith("a line of output") for line, message in said)


def test_lines_broken_between_tokens_and_code_cut_between_statements_are_not_findings() -> None:
    long_call = "result = compute(" + ", ".join(f"argument_{n}" for n in range(30)) + ")"
    loop = "\n".join(f"for step_{n} in range(3):\n    total += step_{n}" for n in range(40))
    assert found(Code(long_call, line=3), Code(loop, line=9)) == []


def test_a_statement_longer_than_a_slide_is_cut_and_said_so() -> None:
    body = ",\n".join(f"    {n}" for n in range(120))
    said = found(Code(f"values = [\n{body}\n]", line=7))
    assert len(said) == 1 and said[0][0] > 7 and "inside a statement" in said[0][1]


def test_printed_lines_cut_short_name_the_file_that_holds_them() -> None:
    said = found(Code("print(table)", line=12), Stream("x" * 50 + "…", full="output-01.txt"))
    assert (12, "printed lines too long for any slide are cut short with …; all of the output is in "
                "figures/t/output-01.txt") in said
