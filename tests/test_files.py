"""Reading each kind of local article file, the bad ones included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED
from tui_news.core.disk import Skip
from tui_news.core.html_text import TABLE_ROW, plain, readable
from tui_news.core.models import Parsed
from tui_news.core.sources.files import read_article


def shown(parsed: Parsed) -> str:
    """What the reader shows of a parsed article (its HTML converted, if it has any)."""
    return plain(readable(parsed.body, parsed.content, parsed.link))


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode(encoding)
    path.write_bytes(data)
    return path


def test_the_seed_article(tmp_path: Path) -> None:
    parsed = read_article(write(tmp_path / "seed.txt", SEED.read_bytes()))
    assert parsed.section == "World"
    assert parsed.title == "Russia and Syria Raise Concerns about Prospective Collaboration"
    paragraphs = shown(parsed).split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("The meeting between Russian President Vladimir Putin")
    assert paragraphs[-1].endswith("was the most positive take away.")


@pytest.mark.parametrize(
    ("breadcrumb", "title", "section"),
    [
        ("Home Middle East Water Deal Signed", "Water Deal Signed", "Middle East"),
        ("Home Science and Technology New Chip", "New Chip", "Science and Technology"),
        ("Home World Home Sweet Home", "Home Sweet Home", "World"),
        ("Home  Business   Rates  Held ", "Rates Held", "Business"),
        ("Home Rates Held", "Rates Held", None),
    ],
)
def test_breadcrumb_sections(tmp_path: Path, breadcrumb: str, title: str, section: str) -> None:
    parsed = read_article(write(tmp_path / "a.txt", f"{breadcrumb}\n\n{title}\n\nBody.\n"))
    assert (parsed.title, parsed.section, shown(parsed)) == (title, section, "Body.")


def test_no_breadcrumb_first_line_is_the_title(tmp_path: Path) -> None:
    text = (
        "\n\n  A Plain Note  \n\nLine one of a\nhard-wrapped paragraph.\n\n- item one\n- item two\n"
    )
    parsed = read_article(write(tmp_path / "note", text))
    assert parsed.title == "A Plain Note"
    assert parsed.section is None
    assert shown(parsed) == "Line one of a hard-wrapped paragraph.\n\n- item one\n- item two"


def test_home_line_that_is_not_a_breadcrumb_is_a_title(tmp_path: Path) -> None:
    parsed = read_article(
        write(tmp_path / "a.txt", "Home Improvements on a Budget\n\nPaint first.\n")
    )
    assert parsed.title == "Home Improvements on a Budget"
    assert parsed.section is None


def test_cp1252_latin1_and_crlf(tmp_path: Path) -> None:
    text = (
        "Home Europe Café “Society” Returns\r\n\r\nCafé “Society” Returns\r\n\r\nNaïve façade.\r\n"
    )
    parsed = read_article(write(tmp_path / "a.txt", text, "cp1252"))
    assert parsed.title == "Café “Society” Returns"
    assert parsed.section == "Europe"
    assert shown(parsed) == "Naïve façade."
    latin = read_article(write(tmp_path / "b.txt", "Ærø\n\nSmørrebrød.\n", "latin-1"))
    assert (latin.title, latin.body) == ("Ærø", "Smørrebrød.")


def test_markdown_with_yaml_front_matter(tmp_path: Path) -> None:
    text = """---
title: "Front: Matter Title"
date: 2024-03-05T10:00:00+01:00
section: Tech Notes
author: Ada
link: https://example.org/post
---
# Front: Matter Title

Intro with *emphasis* and a [link](https://example.org/x).

## Details

- one
- two
"""
    parsed = read_article(write(tmp_path / "post.md", text))
    assert parsed.title == "Front: Matter Title"
    assert parsed.section == "Tech Notes"
    assert parsed.author == "Ada"
    assert parsed.link == "https://example.org/post"
    assert parsed.published == 1709629200.0
    assert shown(parsed).startswith(
        "Intro with emphasis and a link [1].\n\n# Details\n\n• one\n• two"
    )
    assert shown(parsed).endswith("Links:\n[1] https://example.org/x")


def test_markdown_tables_and_strikethrough_as_github_writes_them(tmp_path: Path) -> None:
    text = "# Results\n\n| Team | Points |\n|------|-------:|\n| Celtic | 3 |\n\n~~old~~ new\n"
    parsed = read_article(write(tmp_path / "table.md", text))
    lines = shown(parsed).splitlines()
    rows = [line.removeprefix(TABLE_ROW) for line in lines if line.startswith(TABLE_ROW)]
    assert [[cell.strip() for cell in row.split("│")] for row in rows] == [
        ["Team", "Points"],
        ["Celtic", "3"],
    ]
    assert rows[0].index("│") == rows[1].index("│")  # aligned: one column for both rows
    assert "old new" in lines and "~~" not in shown(parsed)


def test_markdown_toml_front_matter_and_heading_title(tmp_path: Path) -> None:
    toml = read_article(write(tmp_path / "a.md", '+++\ntitle = "Toml"\n+++\nBody.\n'))
    assert (toml.title, shown(toml)) == ("Toml", "Body.")
    plain = read_article(write(tmp_path / "b.markdown", "# Heading Title\n\nText.\n"))
    assert (plain.title, shown(plain), plain.section) == ("Heading Title", "Text.", None)
    broken = read_article(write(tmp_path / "c.md", "---\ntitle: [unclosed\n---\nStill read.\n"))
    assert broken.title == "c" and shown(broken) == "Still read."


def test_html_file(tmp_path: Path) -> None:
    html = """<!doctype html><html><head><meta charset="utf-8">
    <title>Site | Page</title>
    <meta property="og:title" content="The Real Title">
    <meta property="article:section" content="Opinion Pieces">
    <meta name="author" content="Sam">
    <meta property="article:published_time" content="2024-01-02T03:04:05Z">
    <link rel="canonical" href="https://news.example/story">
    </head><body><nav>Menu Home About</nav>
    <article><h1>The Real Title</h1><p>Readable <a href="/rel">text</a>.</p>
    <script>document.write('x')</script></article>
    <footer>Copyright</footer></body></html>"""
    parsed = read_article(write(tmp_path / "page.html", html))
    assert parsed.title == "The Real Title"
    assert parsed.section == "Opinion Pieces"
    assert parsed.author == "Sam"
    assert parsed.link == "https://news.example/story"
    assert parsed.published == 1704164645.0
    assert shown(parsed) == "Readable text [1].\n\nLinks:\n[1] https://news.example/rel"


def test_html_title_falls_back_to_title_tag(tmp_path: Path) -> None:
    parsed = read_article(write(tmp_path / "p.htm", "<title>Only Title</title><p>Hi</p>"))
    assert (parsed.title, shown(parsed)) == ("Only Title", "Hi")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n \r\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file, not text"),
        ("photo.jpg", b"\xff\xd8\xff\xe0", "not an article file (.jpg)"),
        ("feed.xml", b"<rss></rss>", "a feed file, not an article: add it as a feed"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    with pytest.raises(Skip) as caught:
        read_article(write(tmp_path / name, data))
    assert str(caught.value) == reason


def test_huge_file_is_skipped_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(6 * 1024 * 1024)
    with pytest.raises(Skip, match=r"too large \(6 MB, the limit is 5 MB\)"):
        read_article(path)


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(Skip, match=r"a folder, not a file"):
        read_article(tmp_path / "folder.txt")


def test_hostile_title_and_body_are_cleaned(tmp_path: Path) -> None:
    title = "\x1b]0;pwned\x07[bold red]Evil[/]"
    text = f"Home World {title}\n\n{title}\n\nBody\x1b[2J text\x9b.\n"
    parsed = read_article(write(tmp_path / "evil.txt", text))
    assert parsed.title == "[bold red]Evil[/]"  # the escape sequence gone whole
    assert parsed.section == "World"
    assert shown(parsed) == "Body text."


def test_a_feed_file_over_the_limit_is_refused_in_one_line(tmp_path: Path) -> None:
    from tui_news.core.feed_refresh import read_feed_file
    from tui_news.core.sources.fetch import FetchError

    path = tmp_path / "big.xml"
    path.write_bytes(b"<rss>" + b" " * 3000 + b"</rss>")
    with pytest.raises(FetchError) as caught:
        read_feed_file(str(path), 2048)
    assert str(caught.value) == f"{path} is too large (2.9 KB, the limit is 2 KB)"
    assert read_feed_file(str(path), 4096).body.startswith(b"<rss>")
