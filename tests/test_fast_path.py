"""What the fast path (the lxml tree) leaves to feedparser, and dates as publishers write them.

Shapes a review found the tree read worse than feedparser: each must now read as feedparser
reads it, or better where feedparser is wrong (zone names, .NET's empty date).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tui_news.core.sources.feeds import parse_feed

URL = "https://site.example/feed.xml"
ITEM = (
    "<item><title>One</title><link>https://site.example/1</link><guid>g1</guid>"
    "<description>&lt;p&gt;Desc&lt;/p&gt;</description><author>a@b.example (Ann)</author>"
    '<enclosure url="https://site.example/a.mp3" type="audio/mpeg" length="10"/></item>'
)


def doc(channel: str, root: str = '<rss version="2.0"', extra: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{extra}{root}>'
        f"<channel><title>T</title><link>https://site.example/</link>{channel}</channel></rss>"
    ).encode()


def both(data: bytes) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], str]:
    def read(careful: bool) -> list[tuple[object, ...]]:
        feed = parse_feed(data, URL, careful=careful)
        return [(i.key, i.title, i.link, i.author, i.body, i.enclosures) for i in feed.items]

    return read(False), read(True), parse_feed(data, URL).parser


@pytest.mark.parametrize(
    "namespace",
    ["http://www.w3.org/2005/Atom", "http://purl.org/net/rss2", "http://example.org/mine"],
)
def test_rss_in_a_namespace_of_the_publishers_choosing_is_read_whole(namespace: str) -> None:
    fast, careful, parser = both(doc(ITEM, f'<rss version="2.0" xmlns="{namespace}"'))
    assert parser == "feedparser"
    assert fast == careful
    [(key, _, link, author, body, enclosures)] = fast
    assert (key, link, author, body) == ("g1", "https://site.example/1", "Ann", "Desc")
    assert isinstance(enclosures, tuple) and len(enclosures) == 1


def test_rss_1_0_without_its_namespaces_slash_keeps_its_links() -> None:
    data = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0"><channel rdf:about="https://arxiv.example/">'
        b"<title>A</title><link>https://arxiv.example/</link></channel>"
        b'<item rdf:about="https://arxiv.example/abs/1"><title>Paper</title>'
        b"<link>https://arxiv.example/abs/1</link><description>Abstract</description></item>"
        b"</rdf:RDF>"
    )
    fast, careful, _ = both(data)
    assert fast == careful
    assert fast[0][2] == "https://arxiv.example/abs/1" and fast[0][4] == "Abstract"


@pytest.mark.parametrize(
    "element",
    [
        "<itunes:summary>Episode notes here</itunes:summary>",
        "<dc:description>Episode notes here</dc:description>",
        "<summary>Episode notes here</summary>",
        "<Description>Episode notes here</Description>",
        "<description></description><itunes:summary>Episode notes here</itunes:summary>",
    ],
)
def test_a_body_in_an_element_the_tree_does_not_read_is_kept(element: str) -> None:
    namespaces = (
        ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    data = doc(f"<item><guid>e1</guid><title>Ep</title>{element}</item>", "<rss" + namespaces)
    fast, careful, _ = both(data)
    assert fast == careful
    assert fast[0][4] == "Episode notes here"


def test_a_picture_alone_is_no_reason_to_read_a_feed_twice() -> None:
    item = (
        '<item><guid>p</guid><title>P</title><media:content url="https://p.example/a.jpg"'
        ' medium="image"/></item>'
    )
    data = doc(item, '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"')
    feed = parse_feed(data, URL)
    assert feed.parser == "lxml" and feed.items[0].pictures == ("https://p.example/a.jpg",)


def test_case_variants_of_rss_elements_are_read() -> None:
    date = "<PubDate>Mon, 02 Nov 2026 10:00:00 GMT</PubDate>"
    data = doc(f"<item><title>x</title><GUID>G1</GUID>{date}</item>")
    feed = parse_feed(data, URL)
    assert feed.items[0].key == "G1"
    assert feed.items[0].published == 1793613600.0


@pytest.mark.parametrize(
    "body",
    [
        "<content:encoded><![CDATA[<p>Hello <b>world</b></p>]]><!-- by X --></content:encoded>",
        "<description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;<?php x ?></description>",
    ],
)
def test_a_comment_in_a_body_leaves_its_html_as_html(body: str) -> None:
    data = doc(
        f"<item><title>x</title><guid>c</guid>{body}</item>",
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"',
    )
    fast, careful, _ = both(data)
    assert fast[0][4] == careful[0][4] == "Hello world"


def test_escaped_html_beside_a_stray_element_stays_html() -> None:
    body = '<description>&lt;p&gt;Intro&lt;/p&gt; <img src="/x.png"/></description>'
    [item] = parse_feed(doc(f"<item><title>x</title><guid>s</guid>{body}</item>"), URL).items
    assert item.body == "Intro"
    assert item.content is not None and "<p>Intro</p>" in item.content and "<img" in item.content


def dated(text: str) -> float | None:
    data = doc(f"<item><title>x</title><guid>d</guid><pubDate>{text}</pubDate></item>")
    return parse_feed(data, URL).items[0].published


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon, 02 Nov 2026 10:00:00 JST", utc(2026, 11, 2, 1)),
        ("Mon, 02 Nov 2026 10:00:00 CEST", utc(2026, 11, 2, 8)),
        ("Mon, 02 Nov 2026 10:00:00 IST", utc(2026, 11, 2, 4, 30)),
        ("Mon, 02 Nov 2026 10:00:00 AEST", utc(2026, 11, 2, 0)),
        ("Mon, 02 Nov 2026 10:00:00 HST", utc(2026, 11, 2, 20)),
        ("Mon, 02 Nov 2026 10:00:00 +01:00", utc(2026, 11, 2, 9)),
        ("Mon, 02 Nov 2026 10:00:00 GMT+0100", utc(2026, 11, 2, 9)),
        ("Mon, 02 Nov 2026 10:00:00 EST", utc(2026, 11, 2, 15)),
        ("2026-11-02 10:00:00 UTC", utc(2026, 11, 2, 10)),
        ("20240501", utc(2024, 5, 1)),
        ("2024", utc(2024, 1, 1)),
        ("1714557600", 1714557600.0),
        ("Mon, 01 Jan 0001 00:00:00 GMT", None),  # .NET's "no date": first seen stands in
        ("0001-01-01T00:00:00Z", None),
        ("0000-00-00 00:00:00", None),  # MySQL's: the feed is still read
        ("0000-00-00", None),
    ],
)
def test_dates_as_publishers_write_them(text: str, expected: float | None) -> None:
    got = dated(text)
    if expected is None:
        assert got is None or got < utc(1900, 1, 1)  # never a real date (not stored as one)
    else:
        assert got == expected


def test_dc_date_is_when_an_item_was_published_not_when_it_was_edited() -> None:
    item = (
        "<item><title>x</title><guid>p</guid><dc:date>2026-10-01T00:00:00Z</dc:date>"
        "<dcterms:modified>2026-11-01T00:00:00Z</dcterms:modified></item>"
    )
    root = (
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:dcterms="http://purl.org/dc/terms/"'
    )
    assert parse_feed(doc(item, root), URL).items[0].published == utc(2026, 10, 1)


def test_an_external_dtds_entities_do_not_cut_titles() -> None:
    extra = (
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
    )
    item = "<item><title>Un caf&eacute; noir</title><link>https://site.example/c</link></item>"
    [parsed] = parse_feed(doc(item, '<rss version="0.91"', extra), URL).items
    assert parsed.title == "Un café noir"


def test_of_many_enclosures_the_first_thousand_listed_are_looked_at() -> None:
    # checking each against every earlier one made 20,000 take ~5 s; now 1,000 at most, once
    same = '<enclosure url="https://site.example/same.mp3" type="audio/mpeg"/>' * 1000
    other = "".join(
        f'<enclosure url="https://site.example/{n}.mp3" type="audio/mpeg"/>' for n in range(50)
    )
    data = doc(f"<item><title>x</title><guid>m</guid>{same}{other}</item>")
    [item] = parse_feed(data, URL).items
    assert [e.url for e in item.enclosures] == ["https://site.example/same.mp3"]
    [item] = parse_feed(doc(f"<item><title>x</title><guid>m</guid>{other}</item>"), URL).items
    assert len(item.enclosures) == 20
