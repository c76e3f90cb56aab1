"""Untrusted text: control characters, links, decoding and HTML to readable text."""

from __future__ import annotations

import pytest

from tui_news.core.html_text import (
    BOLD,
    CODE,
    END,
    ITALIC,
    html_to_text,
    plain,
    readable,
    strip_tags,
)
from tui_news.core.text import clean, decode, looks_binary, one_line, safe_link


def test_clean_strips_escapes_bell_and_osc52_but_keeps_newlines() -> None:
    hostile = "Title\x1b[31m red\x07\x1b]52;c;aGk=\x07 end\r\nnext\tline\u202e"
    cleaned = clean(hostile)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\u202e" not in cleaned
    assert cleaned == "Title red end\nnext line"  # whole escape sequences go, not just ESC


def test_clean_removes_c1_controls() -> None:
    assert clean("a\x9b31mb\x85c") == "abc"
    hyperlink = "x\x1b]8;;https://e.org\x1b\\link\x1b]8;;\x1b\\ "
    assert clean(hyperlink + "\x1bP1$q\x1b\\y\x1b7z") == "xlink yz"
    assert clean("exa\x1bmple") == "example"  # a lone ESC goes, the letter stays


def test_one_line_collapses_whitespace() -> None:
    assert one_line("  A\n\n  title\t here ") == "A title here"


def test_safe_link_accepts_web_and_mail_only() -> None:
    assert safe_link("https://example.org/a b") == "https://example.org/a%20b"
    assert safe_link("mailto:x@example.org") == "mailto:x@example.org"
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("file:///etc/passwd") is None
    assert safe_link("http://exa\x1bmple.org") == "http://example.org"
    assert safe_link("") is None


def test_decode_prefers_utf8_then_cp1252() -> None:
    assert decode("café “quoted”".encode()) == "café “quoted”"
    assert decode("café “quoted”".encode("cp1252")) == "café “quoted”"
    assert decode("naïve".encode("latin-1")) == "naïve"
    assert decode(b"\x81\x8d") == "\x81\x8d"  # undefined in cp1252: Latin-1 fallback
    assert decode("\ufeffBOM".encode()) == "BOM"
    assert decode("wide".encode("utf-16")) == "wide"


def test_looks_binary() -> None:
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not looks_binary(b"plain text\nwith lines\n")
    assert not looks_binary("utf-16 text".encode("utf-16"))


def test_nested_lists_are_indented_and_a_tight_list_stays_one_block() -> None:
    html = (
        "<ul><li>bullet A</li><li>bullet B<ul><li>nested</li><li>nested 2</li></ul></li>"
        "<li>bullet C</li></ul><p>After.</p>"
    )
    assert (
        html_to_text(html)
        == "• bullet A\n• bullet B\n  • nested\n  • nested 2\n• bullet C\n\nAfter."
    )
    # a loose list (each item a paragraph, as Markdown writes one): the marker leads its text
    loose = (
        "<ol><li><p>First</p><p>more of it</p></li>"
        "<li><p>Second</p><ul><li>deep</li></ul></li></ol>"
    )
    assert html_to_text(loose) == "1. First\n\nmore of it\n\n2. Second\n\n  • deep"


def test_html_to_text_paragraphs_lists_headings_and_numbered_links() -> None:
    html = """
    <html><head><title>T</title><style>p{}</style></head><body>
    <script>alert('x')</script>
    <h2>Sub heading</h2>
    <p>First <b>bold</b> paragraph with a <a href="/more">link</a>.</p>
    <p>Second&nbsp;one <a href="javascript:evil()">bad</a> and
       <a href="https://example.org/x">again</a> <a href="/more">dup</a>.</p>
    <ul><li>one</li><li>two</li></ul>
    <ol><li>first</li><li>second</li></ol>
    <blockquote>Quoted words</blockquote>
    <pre>code  line 1
  indented</pre>
    </body></html>
    """
    text = html_to_text(html, base_url="https://site.example/news/")
    blocks = text.split("\n\n")
    assert blocks[0] == "# Sub heading"
    assert blocks[1] == f"First {BOLD}bold{END[BOLD]} paragraph with a link [1]."
    assert blocks[2] == "Second one bad and again [2] dup [1]."
    assert "• one\n• two\n\n1. first\n2. second" in text
    assert "> Quoted words" in text
    assert "    code  line 1\n      indented" in text
    assert text.endswith("Links:\n[1] https://site.example/more\n[2] https://example.org/x")
    assert "alert" not in text and "p{}" not in text and "evil" not in text


def test_html_to_text_marks_emphasis_code_tables_and_images() -> None:
    html = """<p><strong>Strong</strong>, <em>em</em>, <i>i</i> and <code>x = 1</code>.</p>
    <table><tr><th>Year</th><th>Visitors</th></tr>
    <tr><td>2025</td><td>1,200 <a href="https://e.org/t">src</a></td></tr>
    <tr><td>2026 (so far)</td></tr></table>
    <p><img src="a.png" alt="A chart"> <img src="b.png"></p>"""
    text = html_to_text(html)
    blocks = text.split("\n\n")
    assert blocks[0] == (
        f"{BOLD}Strong{END[BOLD]}, {ITALIC}em{END[ITALIC]}, {ITALIC}i{END[ITALIC]} and "
        f"{CODE}x = 1{END[CODE]}."
    )
    assert blocks[1].split("\n") == [
        f"| {BOLD}Year          │ Visitors{END[BOLD]}",
        "| 2025          │ 1,200 src [1]",
        "| 2026 (so far) │",
    ]
    assert plain(blocks[2]) == "[image: A chart]\n[image]"  # each picture on a line of its own
    assert text.endswith("Links:\n[1] https://e.org/t")
    assert plain(blocks[0]) == "Strong, em, i and x = 1."


def test_a_nested_table_is_plain_text_in_its_cell() -> None:
    html = (
        "<table><tr><td><table><tr><td>in1</td><td>in2</td></tr></table></td>"
        "<td>x</td></tr><tbody><tr><td>2</td><td>y</td></tr></tbody></table>"
    )
    assert html_to_text(html).split("\n") == ["| in1 in2 │ x", "| 2       │ y"]


def test_a_page_cannot_fake_inline_marks() -> None:
    text = html_to_text(f"<p>a{BOLD}b{END[BOLD]}c</p>")
    assert text == "abc"


def test_html_to_text_keeps_markup_like_text_literal() -> None:
    text = html_to_text("<p>[bold red]x[/] &lt;b&gt;</p>")
    assert text == "[bold red]x[/] <b>"


def test_html_to_text_of_nothing() -> None:
    assert html_to_text("") == ""
    assert html_to_text("   ") == ""


def test_strip_tags_gives_quick_plain_text() -> None:
    html = "<style>p{}</style><p>Caf&eacute; <b>bold</b></p><script>x()</script><ul><li>a</li></ul>"
    assert strip_tags(html) == "Café bold a"
    assert strip_tags("<p>\x1b[31mred</p>") == "red"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ('<p>See the <a href="/b">background</a>.</p>', "See the background."),
        ("<p>₹<b>4,000</b> a month</p>", "₹4,000 a month"),
        ("word<span>s</span> <EM>here</EM>", "words here"),
        ("one<!-- a comment -->word", "oneword"),
        ("<P>One</P><DIV>Two</DIV><h2>Three</h2>", "One Two Three"),
        ("line<br>line<br/>end<hr>", "line line end"),
        ("<ul><li>a</li><li>b</li></ul><table><tr><td>1</td><td>2</td></tr></table>", "a b 1 2"),
        ('before<img src="x.png" alt="A">after', "before after"),
    ],
)
def test_strip_tags_parts_words_only_where_a_tag_breaks_the_text(html: str, text: str) -> None:
    # the search index and the lists read this text: an inline tag inside a word ("words",
    # "₹4,000") or before punctuation must not add a space, as browsers add none
    assert strip_tags(html) == text


def test_readable_prefers_converted_content() -> None:
    assert readable(
        "quick text", "<p>One</p><p>Two <a href='/x'>x</a></p>", "https://a.example/b"
    ) == ("One\n\nTwo x [1]\n\nLinks:\n[1] https://a.example/x")
    assert readable("plain body", None) == "plain body"


def test_counted_says_one_and_many_with_thousands_separators() -> None:
    from tui_news.core.text import counted

    assert counted(1, "article") == "1 article"
    assert counted(0, "article") == "0 articles"
    assert counted(12345, "article") == "12,345 articles"
    assert counted(2, "match", "matches") == "2 matches"


def test_an_address_too_wide_is_cut_in_its_middle_to_the_width() -> None:
    from rich.cells import cell_len

    from tui_news.ui.article import address_line

    url = "https://news.example.org/2026/12/02/" + "long-slug-" * 10 + "end"
    assert address_line(url, len(url)) == url  # fits: as it is
    cut = address_line(url, 40)
    assert cell_len(cut) == 40 and cut.startswith("https://news.ex") and cut.endswith("slug-end")
    assert "…" in cut
    wide = "/新聞/" + "記事" * 30 + ".txt"  # two cells a character
    cut = address_line(wide, 31)
    assert cell_len(cut) <= 31 and cut.endswith("記事.txt") and cut.startswith("/新聞")
    assert address_line(url, 1) == "…" and address_line(url, 0) == ""
