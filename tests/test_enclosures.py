"""Enclosures (podcasts, images): parsed from RSS, Atom and JSON Feed, stored, listed, opened."""

from __future__ import annotations

import json

from tests.feedserver import FeedServer, Route, rss
from tui_news.core.models import Enclosure, View
from tui_news.core.reader import Reader
from tui_news.core.sources.feeds import parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Pod</title>
<item><title>Episode 1</title><guid>e1</guid><link>https://pod.example/1</link>
<description><![CDATA[Show notes with <a href="https://pod.example/notes">notes</a>.]]></description>
<enclosure url="/media/ep1.mp3" length="24512000" type="audio/mpeg"/>
<enclosure url="javascript:alert(1)" length="1" type="audio/mpeg"/>
</item></channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Pics</title>
<id>x</id><updated>2026-01-01T00:00:00Z</updated>
<entry><title>Photo</title><id>p1</id><updated>2026-01-01T00:00:00Z</updated>
<link rel="enclosure" href="https://pics.example/a.jpg" type="image/jpeg" length="2048"/>
</entry></feed>"""

JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [
            {
                "id": "j1",
                "title": "With attachment",
                "content_text": "Listen.",
                "attachments": [
                    {"url": "https://j.example/a.m4a", "mime_type": "audio/x-m4a"},
                    {"url": "file:///etc/passwd", "mime_type": "text/plain"},
                    "not an object",
                ],
            }
        ],
    }
).encode()


def test_enclosures_from_every_feed_format() -> None:
    [item] = parse_feed(RSS, "https://pod.example/feed.xml").items
    assert item.enclosures == (
        Enclosure("https://pod.example/media/ep1.mp3", "audio/mpeg", 24512000),
    )  # resolved against the feed; the javascript: one dropped
    for careful in (False, True):  # both parser paths pass on an Atom link's length
        [item] = parse_feed(ATOM, "https://pics.example/feed", careful=careful).items
        assert item.enclosures == (Enclosure("https://pics.example/a.jpg", "image/jpeg", 2048),)
    [item] = parse_feed(JSON_FEED, "https://j.example/feed.json").items
    assert item.enclosures == (Enclosure("https://j.example/a.m4a", "audio/x-m4a", None),)
    assert Enclosure("u", "audio/mpeg", 24512000).describe() == "audio/mpeg, 23.4 MB"
    assert Enclosure("u").describe() == "file"


def test_enclosures_are_stored_listed_and_numbered(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(RSS)
    reader.add(server.url("/feed"))
    [article] = reader.store.articles(View())
    assert [e.url for e in article.enclosures] == [server.url("/media/ep1.mp3")]
    media = server.url("/media/ep1.mp3")
    assert article.readable().endswith(f"Links:\n[1] https://pod.example/notes\n[2] {media}")
    listed = article.to_json()["enclosures"]
    assert listed == [{"url": server.url("/media/ep1.mp3"), "type": "audio/mpeg", "size": 24512000}]


def test_an_item_without_enclosures_keeps_its_fingerprint(reader: Reader) -> None:
    plain = rss("P", [{"title": "T", "guid": "g", "description": "d"}])
    first = parse_feed(plain, "https://x.example/").items[0].fingerprint
    assert parse_feed(plain, "https://x.example/").items[0].fingerprint == first
    with_file = plain.replace(b"</item>", b'<enclosure url="https://x.example/a.mp3"/></item>')
    assert parse_feed(with_file, "https://x.example/").items[0].fingerprint != first


def test_absurd_enclosure_sizes_are_unknown() -> None:
    sizes = ["-5000", "99999999999999999999999999", "1e400", "lots", "0"]
    items = "".join(
        f'<item><title>T{n}</title><guid>g{n}</guid><enclosure url="https://x.example/{n}.mp3" '
        f'type="audio/mpeg" length="{size}"/></item>'
        for n, size in enumerate(sizes)
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>P</title>{items}'
    feed += "</channel></rss>"
    parsed = parse_feed(feed.encode(), "https://x.example/feed")
    assert [item.enclosures[0].size for item in parsed.items] == [None] * len(sizes)
    attachment = {"url": "https://x.example/a.mp3", "size_in_bytes": 1e400}
    document: dict[str, object] = {"version": "https://jsonfeed.org/version/1.1", "title": "J"}
    document["items"] = [{"id": "1", "content_text": "x", "attachments": [attachment]}]
    [item] = parse_feed(json.dumps(document).encode(), "https://x.example/f.json").items
    assert item.enclosures == (Enclosure("https://x.example/a.mp3", "", None),)
