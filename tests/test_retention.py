"""Retention: read articles beyond a source's keep limit are pruned on refresh."""

from __future__ import annotations

from pathlib import Path

from tests.feedserver import FeedServer, Route, rss
from tui_news.core.config import Config
from tui_news.core.models import View
from tui_news.core.reader import Reader


def dated(numbers: range) -> list[dict[str, str]]:
    """Items numbered n, published on day n of January (higher is newer)."""
    return [
        {
            "title": f"Story {n}",
            "guid": f"g{n}",
            "description": f"Body of story {n} about harbours.",
            "pubDate": f"Mon, {n:02d} Jan 2024 10:00:00 GMT",
        }
        for n in numbers
    ]


def titles(reader: Reader) -> list[str]:
    return [a.title for a in reader.store.articles(View())]


def test_refresh_prunes_old_read_articles_but_never_starred_or_unread(
    reader: Reader, server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/feed"] = Route(rss("Planet", dated(range(1, 7))))
    reader.add(server.url("/feed"))
    by_title = {a.title: a.id for a in reader.store.articles(View())}
    reader.store.set_read(by_title.values())  # everything read ...
    reader.store.set_read([by_title["Story 2"]], False)  # ... but story 2
    reader.store.set_starred(by_title["Story 1"], True)
    config = tmp_path / "config.toml"
    config.write_text(f'[sources."{server.url("/feed")}"]\nkeep = 2\n')
    reader.config = Config.load(config)
    # Stories 1-6 leave the feed; 7-8 arrive.
    server.routes["/feed"] = Route(rss("Planet", dated(range(7, 9))))
    report = reader.refresh()
    # Kept: the 2 newest (8, 7), the unread story 2 and the starred story 1.
    assert titles(reader) == ["Story 8", "Story 7", "Story 2", "Story 1"]
    assert report.removed == 4
    assert [a.title for a in reader.search("harbours")] == [
        "Story 8",
        "Story 7",
        "Story 2",
        "Story 1",
    ]
    reader.store.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_articles_still_in_the_feed_are_not_pruned(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", dated(range(1, 6))))
    reader.add(server.url("/feed"))
    reader.store.set_read(a.id for a in reader.store.articles(View()))
    reader.config.keep = 2  # the global default for every source
    reader.refresh()
    assert len(titles(reader)) == 5  # all still in the feed: pruned, they would come back


def test_keep_zero_keeps_everything(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", dated(range(1, 4))))
    reader.add(server.url("/feed"))
    reader.store.set_read(a.id for a in reader.store.articles(View()))
    server.routes["/feed"] = Route(rss("Planet", dated(range(4, 5))))
    reader.refresh()
    assert len(titles(reader)) == 4


def test_keep_applies_when_the_feed_has_not_changed(reader: Reader, server: FeedServer) -> None:
    server.routes["/feed"] = Route(rss("Planet", dated(range(1, 11))))
    reader.add(server.url("/feed"))
    server.routes["/feed"] = Route(rss("Planet", dated(range(8, 11))))  # 1-7 leave the feed
    reader.refresh()
    reader.store.set_read(a.id for a in reader.store.articles(View()))
    reader.config.keep = 4
    report = reader.refresh()  # the server answers 304: nothing new, but the limit holds
    assert server.requests[-1][1].get("If-None-Match")
    assert titles(reader) == ["Story 10", "Story 9", "Story 8", "Story 7"]
    assert report.removed == 6
