"""Raw HTML in a lesson's markdown, read as its safe subset: what shows stays, what could run or fetch goes."""
from __future__ import annotations

from livedeck.markup.safe_html import html_block, problems, read_tag, safe_link


def test_only_links_that_run_nothing_are_kept() -> None:
    for address in ("https://example.org/a", "http://x", "mailto:a@b.c", "notes.html#part", "../a.png"):
        assert safe_link(address) == address
    for address in ("javascript:alert(1)", " JavaScript:alert(1)", "vbscript:x", "data:text/html,<script>"):
        assert safe_link(address) == ""
    assert safe_link("data:image/png;base64,AAAA", picture=True).startswith("data:image/png")
    assert safe_link("data:image/png;base64,AAAA") == ""  # as a link, not a picture: refused


def test_what_is_dropped_is_named_once_each() -> None:
    said = problems('<script>x()</script><a href="javascript:x()" onclick="y()">a</a><script>z()</script>')
    assert len(said) == 3
    assert any("<script> dropped" in s for s in said) and any("onclick" in s for s in said)
    assert any("javascript:x()" in s for s in said)
    assert problems("<b>bold</b> and <a href='https://example.org'>a link</a>") == []


def test_a_word_in_angle_brackets_is_no_tag() -> None:
    assert not read_tag("<green>").known  # `A <green> box` stays text
    assert read_tag("</b>").closing and read_tag("<br/>").name == "br" and read_tag("<!-- c -->") is None


def test_a_block_gives_its_text_tables_and_pictures_never_its_scripts() -> None:
    parts = html_block('<div onclick="x()"><p>Seen <b>bold</b></p><script>never()</script>'
                       '<img src="a.png" alt="A picture"><table><tr><th>h</th></tr><tr><td>1</td></tr></table></div>')
    text = " ".join(p.text for p in parts)
    assert "Seen <b>bold</b>" in text and "never" not in text and "onclick" not in text  # inline tags kept
    assert [(p.src, p.alt) for p in parts if p.src] == [("a.png", "A picture")]
    assert [(p.header, p.rows) for p in parts if p.rows] == [(("h",), (("1",),))]
