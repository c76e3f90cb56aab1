"""A feed's pictures of an item (Media RSS, JSON Feed ``image``, image enclosures): parsed alike
by both parser paths, stored with the article, and shown at the top of its text."""

from __future__ import annotations

import json

from tests.corpus.cases import CASES
from tests.feedserver import FeedServer, Route
from tui_news.core.html_text import image_line
from tui_news.core.image_refs import IMAGE, IMAGE_ALT
from tui_news.core.models import View
from tui_news.core.reader import Reader
from tui_news.core.sources.feeds import parse_feed

URL = "https://pics.example/feed.xml"
MRSS = 'xmlns:media="http://search.yahoo.com/mrss/"'


def rss(*items: str, namespace: str = MRSS) -> bytes:
    body = "".join(
        f"<item><title>T{n}</title><guid>g{n}</guid>{x}</item>" for n, x in enumerate(items)
    )
    return (f'<?xml version="1.0"?><rss version="2.0" {namespace}><channel><title>P</title>'
            f"{body}</channel></rss>").encode()  # fmt: skip


def pictures(data: bytes) -> list[tuple[str, ...]]:
    """Each item's pictures, the same by the fast and the careful (feedparser) path."""
    fast = [item.pictures for item in parse_feed(data, URL).items]
    assert fast == [item.pictures for item in parse_feed(data, URL, careful=True).items]
    return fast


GROUP = (
    '<media:group><media:content url="https://v.example/v.mp4" type="video/mp4"/>'
    '<media:content url="/p/640.jpg" medium="image" width="640"/>'
    '<media:content url="/p/1280.jpg" medium="image" width="1280"/>'
    '<media:content url="/p/2560.jpg" medium="image" width="2560"/>'
    '<media:thumbnail url="/p/t.jpg" width="120"/></media:group>'
)


def test_media_rss_gives_the_best_sized_image_else_a_thumbnail() -> None:
    assert pictures(
        rss(
            GROUP,
            '<media:content url="https://v.example/v.mp4" type="video/mp4">'
            '<media:thumbnail url="https://v.example/poster.jpg"/></media:content>',
            '<media:content url="https://p.example/bare.JPG?w=9"/>',
            '<media:content url="https://p.example/doc.pdf"/><media:thumbnail url="javascript:x"/>',
            "",
        )
    ) == [
        ("https://pics.example/p/1280.jpg",),  # resolved against the feed
        ("https://v.example/poster.jpg",),  # a video's poster: the thumbnail
        ("https://p.example/bare.JPG?w=9",),  # no medium or type: its name says image
        (),
        (),
    ]


def test_media_rss_in_atom_and_under_the_other_namespace_spelling() -> None:
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
        b'xmlns:m="http://search.yahoo.com/mrss"><title>Tube</title><id>t</id>'
        b"<updated>2026-01-01T00:00:00Z</updated><entry><title>V</title><id>v1</id>"
        b"<updated>2026-01-01T00:00:00Z</updated><m:group><m:title>V</m:title>"
        b'<m:thumbnail url="https://i.example/hq.jpg" width="480" height="360"/></m:group>'
        b"</entry></feed>"
    )
    assert pictures(atom) == [("https://i.example/hq.jpg",)]


def test_media_rss_is_found_whatever_the_documents_encoding() -> None:
    # the fast path looks for Media RSS only in documents whose bytes name its namespace;
    # UTF-16 bytes cannot be searched for it, so they are always read for pictures
    data = rss('<media:content url="https://p.example/a.jpg" medium="image"/>').decode()
    data = data.replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>')
    assert pictures(data.encode("utf-16")) == [("https://p.example/a.jpg",)]
    assert parse_feed(data.encode("utf-16"), URL).parser == "lxml"


def test_json_feed_image_then_banner_image() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [
            {"id": "1", "content_text": "a", "image": "/i/1.png", "banner_image": "/b/1.png"},
            {"id": "2", "content_text": "b", "banner_image": "https://j.example/b/2.png"},
            {"id": "3", "content_text": "c", "image": "file:///etc/passwd"},
            {"id": "4", "content_text": "d", "image": {"url": "not a string"}},
        ],
    }
    items = parse_feed(json.dumps(feed).encode(), "https://j.example/feed.json").items
    assert [item.pictures for item in items] == [
        ("https://j.example/i/1.png",),
        ("https://j.example/b/2.png",),
        (),
        (),
    ]


def test_a_picture_changes_no_fingerprint() -> None:
    bare = parse_feed(rss(""), URL).items[0].fingerprint
    assert parse_feed(rss(GROUP), URL).items[0].fingerprint == bare


def test_the_corpus_gives_the_same_pictures_by_both_paths() -> None:
    compared = 0
    for case in CASES:
        if case.error:
            continue
        fast = [item.pictures for item in parse_feed(case.data, URL).items]
        assert fast == [item.pictures for item in parse_feed(case.data, URL, careful=True).items]
        compared += any(fast)
    assert compared >= 2  # the Media RSS cases


def test_feed_pictures_are_stored_and_come_first_unless_the_text_shows_them(
    reader: Reader, server: FeedServer
) -> None:
    items = (
        "<description>&lt;p&gt;Words.&lt;/p&gt;</description><link>https://n.example/1</link>"
        '<media:thumbnail url="https://n.example/t1.jpg"/>'
        '<enclosure url="https://n.example/e1.png" type="image/png" length="10"/>'
        '<enclosure url="https://n.example/e1.mp3" type="audio/mpeg" length="10"/>',
        '<description>&lt;img src="http://n.example/t2.jpg?size=big" alt="In text"&gt;'
        "</description>"
        '<link>https://n.example/2</link><media:thumbnail url="https://n.example/t2.jpg"/>',
    )
    server.routes["/feed"] = Route(rss(*items))
    reader.add(server.url("/feed"))
    first, second = sorted(reader.store.articles(View()), key=lambda a: a.title)
    assert first.pictures == ("https://n.example/t1.jpg",)
    assert [e.url for e in first.enclosures] == [
        "https://n.example/e1.png",
        "https://n.example/e1.mp3",
    ]
    lines = first.readable(images=True).split("\n")
    assert [image_line(line) for line in lines[:2]] == [
        ("https://n.example/t1.jpg", ""),
        ("https://n.example/e1.png", ""),
    ]
    assert lines[2:4] == ["", "Words."]
    assert first.readable().startswith("Words.")  # not drawn: no [image] for the feed's pictures
    marked = second.readable(images=True)
    assert marked == f"{IMAGE}http://n.example/t2.jpg?size=big{IMAGE_ALT}In text"
    assert second.readable() == "[image: In text]"
