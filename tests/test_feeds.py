"""Parsing feed documents: every format, the fast and the careful path, and hostile input."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from tests.feedserver import rss
from tui_news.core.dates import to_timestamp
from tui_news.core.feed_refresh import store_feed
from tui_news.core.html_text import plain, readable
from tui_news.core.library import Store
from tui_news.core.models import Parsed
from tui_news.core.sources.feeds import FeedError, discover, parse_feed
from tui_news.core.sources.fetch import Response

URL = "https://news.example/feed.xml"


def shown(parsed: Parsed) -> str:
    """What the reader shows of a parsed article (its HTML converted, if it has any)."""
    return plain(readable(parsed.body, parsed.content, parsed.link))


def test_rss2_items_links_dates_and_html() -> None:
    data = rss(
        "Example News",
        [
            {
                "title": "First &amp; Best",
                "link": "/stories/1",
                "guid": "id-1",
                "description": "&lt;p&gt;Hello &lt;a href='/more'&gt;there&lt;/a&gt;&lt;/p&gt;",
                "pubDate": "Tue, 10 Jun 2003 04:00:00 +0200",
                "author": "ed@news.example (Ed)",
            },
            {"title": "No guid", "link": "https://news.example/2", "description": "Plain text."},
            {"description": "Only a body, which becomes the title."},
        ],
    )
    feed = parse_feed(data, URL)
    assert (feed.title, feed.link, feed.parser) == (
        "Example News",
        "https://site.example/",
        "lxml",
    )
    first, second, third = feed.items
    assert first.key == "id-1" and first.title == "First & Best"
    assert first.link == "https://news.example/stories/1"  # resolved against the feed's address
    assert shown(first) == "Hello there [1]\n\nLinks:\n[1] https://news.example/more"
    assert first.body == "Hello there"  # quick text for lists and search
    assert first.author == "Ed"
    assert first.published == 1055210400.0  # 02:00 UTC
    assert second.key == "https://news.example/2" and second.body == "Plain text."
    assert second.published is None
    assert third.key.startswith("sha1:") and third.title == "Only a body, which becomes the title."


def test_atom_rss1_and_rss091() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Site</title>
    <link href="https://atom.example/"/>
    <entry><id>tag:atom.example,2024:1</id><title>Atom entry</title>
    <link href="https://atom.example/1"/><updated>2024-01-02T03:04:05Z</updated>
    <content type="html">&lt;p&gt;Atom &lt;b&gt;body&lt;/b&gt;&lt;/p&gt;</content>
    <author><name>Ann</name></author></entry></feed>"""
    feed = parse_feed(atom, URL)
    (entry,) = feed.items
    assert feed.title == "Atom Site"
    assert (entry.key, entry.title, shown(entry), entry.author) == (
        "tag:atom.example,2024:1",
        "Atom entry",
        "Atom body",
        "Ann",
    )
    assert entry.published == 1704164645.0
    rdf = b"""<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
    <channel rdf:about="https://rdf.example/"><title>RDF Site</title><link>https://rdf.example/</link></channel>
    <item rdf:about="https://rdf.example/1"><title>RDF item</title><link>https://rdf.example/1</link>
    <description>RDF body</description></item></rdf:RDF>"""
    feed = parse_feed(rdf, URL)
    assert feed.title == "RDF Site" and [i.title for i in feed.items] == ["RDF item"]
    old = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>
    <link>https://old.example/</link><item><title>Old item</title><link>https://old.example/1</link>
    </item></channel></rss>"""
    assert [i.link for i in parse_feed(old, URL).items] == ["https://old.example/1"]


def test_json_feed() -> None:
    data = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON Site",
            "home_page_url": "https://json.example/",
            "items": [
                {
                    "id": "1",
                    "url": "/one",
                    "title": "One",
                    "content_html": "<p>Hi</p>",
                    "date_published": "2024-05-06T07:08:09Z",
                    "authors": [{"name": "Jo"}],
                },
                {"id": 2, "content_text": "Text only\nsecond line"},
                "not an item",
            ],
        }
    ).encode()
    feed = parse_feed(data, URL)
    assert (feed.title, feed.parser) == ("JSON Site", "json")
    one, two = feed.items
    assert (one.key, one.link, shown(one), one.author) == (
        "1",
        "https://news.example/one",
        "Hi",
        "Jo",
    )
    assert one.published == 1714979289.0
    assert (two.key, two.title, two.body) == ("2", "Text only second line", "Text only second line")


def test_malformed_feed_falls_back_to_feedparser() -> None:
    broken = (
        b'<rss version="2.0"><channel><title>Broken & co</title>'
        b"<item><title>A & B</title><link>http://x.example/a</link>"
        b"<description>caf\xe9 <b>bold</description></item></channel></rss>"
    )
    feed = parse_feed(broken, URL)
    assert (feed.title, feed.parser) == ("Broken & co", "feedparser")
    (item,) = feed.items
    assert item.title == "A & B"
    assert shown(item) == "café bold"


def test_entity_bomb_is_refused_at_once() -> None:
    entities = "".join(
        f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10 if i else "x" * 10}">' for i in range(9)
    )
    bomb = f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss><title>&e8;</title></rss>'
    started = time.perf_counter()
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(bomb.encode(), URL)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty response, not a feed"),
        (
            b"<!DOCTYPE html><html><body>Hi</body></html>",
            "not a feed: the address gives an HTML page",
        ),
        (b'{"hello": 1}', "not a feed: JSON, but not a JSON Feed"),
        (b"{broken", "not a feed (broken JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00garbage", "not a feed: the address gives binary data"),
        (b"just some words", "not a feed (malformed XML"),
    ],
)
def test_not_a_feed(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(data, URL)
    assert str(caught.value).startswith(reason)
    assert "\n" not in str(caught.value)


def test_hostile_item_text_is_cleaned() -> None:
    data = rss("Evil\x1b]0;x\x07", [{"title": "T\x1b[31m", "guid": "g", "description": "B\x07ody"}])
    feed = parse_feed(data.replace(b"\x1b", b"&#27;").replace(b"\x07", b"&#7;"), URL)
    (item,) = feed.items
    assert "\x1b" not in item.title + item.body + shown(item) + feed.title
    assert "\x07" not in item.body + shown(item)


def test_autodiscovery() -> None:
    page = b"""<html><head>
    <link rel="stylesheet" href="/s.css">
    <link rel="alternate" type="application/atom+xml" href="/atom.xml" title="Atom">
    <link rel="alternate" type="application/rss+xml" href="https://cdn.example/rss.xml">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="alternate" type="text/html" href="/other-language">
    </head><body></body></html>"""
    assert discover(page, "https://site.example/blog/") == [
        "https://site.example/atom.xml",
        "https://cdn.example/rss.xml",
    ]
    assert discover(b"<html><body>No feeds</body></html>", "https://site.example/") == []


def test_xml_base_and_markup_in_titles() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/base/">
    <title type="html">Atom &lt;i&gt;Title&lt;/i&gt;</title>
    <entry xml:base="sub/"><id>1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; x</title>
    <link href="post.html"/></entry></feed>"""
    feed = parse_feed(atom, URL)
    assert feed.title == "Atom Title"
    (entry,) = feed.items
    assert entry.link == "https://base.example/base/sub/post.html"
    assert entry.title == "Bold & x"
    plain = parse_feed(rss("A < B", [{"title": "Less &lt; more", "guid": "1"}]), URL)
    assert plain.title == "A < B" and plain.items[0].title == "Less < more"


def test_odd_dates_become_no_date_or_epoch_seconds() -> None:
    data = rss(
        "Dates", [{"title": "future", "guid": "2", "pubDate": "Mon, 01 Jan 2091 00:00:00 GMT"}]
    )
    (future,) = parse_feed(data, URL).items
    assert future.published is None  # stored as the time it was first seen
    assert to_timestamp("1700000000") == 1700000000.0
    assert to_timestamp("2024-02-30T10:00:00Z") is None
    assert to_timestamp("2024-02-03") == 1706918400.0


def test_an_undated_item_is_not_dated_by_its_guid() -> None:
    """A guid like "3" or "11-28" is no date (a parser may read it as one): a feed without
    dates has none (the reader then shows when each item was first seen)."""
    undated = rss("Undated", [{"title": t, "guid": t} for t in ("3", "11-28", "12345")])
    assert [item.published for item in parse_feed(undated, URL).items] == [None, None, None]
    dated = rss("Dated", [{"title": "a", "guid": "3", "pubDate": "Mon, 02 Nov 2026 10:00:00 GMT"}])
    assert parse_feed(dated, URL).items[0].published == 1793613600.0


def test_binary_data_is_not_a_feed_but_utf16_is() -> None:
    for data in (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x00\x00",
        b"\x00" * 9,
    ):
        with pytest.raises(FeedError, match=r"^not a feed: the address gives binary data"):
            parse_feed(data, URL)
    text = rss("U", [{"title": "Grüße", "guid": "1"}]).decode().replace("utf-8", "utf-16")
    assert [item.title for item in parse_feed(text.encode("utf-16"), URL).items] == ["Grüße"]


def test_an_untitled_item_is_stored_titled_by_its_text_without_a_trailing_space(
    tmp_path: Path,
) -> None:
    """The title of an item without one is its text's first 80 characters; cut at a space,
    it is stored without it (the store takes parse_feed's titles as they are)."""
    text = "word " * 30  # the 80th character is a space
    feed = parse_feed(rss("Feed", [{"guid": "1", "description": text}]), URL)
    store = Store(tmp_path / "library.sqlite")
    store_feed(store, store.add_source("feed", URL, "", None), Response(URL, 200), feed)
    store.close()
    with sqlite3.connect(tmp_path / "library.sqlite") as conn:
        titles = [row[0] for row in conn.execute("SELECT title FROM articles")]
    assert titles == [("word " * 16).strip()]
