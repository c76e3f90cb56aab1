"""Retention: articles beyond a source's keep limit (starred ones aside) are pruned on refresh,
and a feed can neither add nor keep without bound."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.feedserver import FeedServer, Route, rss
from tui_news.core.config import Config
from tui_news.core.library import Store
from tui_news.core.library.schema import MIGRATIONS
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


def test_refresh_prunes_old_articles_read_or_unread_but_never_starred(
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
    # Kept: the 2 newest (8, 7) and the starred story 1; the unread story 2 goes too.
    assert titles(reader) == ["Story 8", "Story 7", "Story 1"]
    assert report.removed == 5
    assert [a.title for a in reader.search("harbours")] == ["Story 8", "Story 7", "Story 1"]
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


def test_a_library_from_before_keeps_what_its_feeds_held(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"  # schema 12: the keys in the sources rows
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:12]):
        conn.executescript(f"{script}; PRAGMA user_version = {number + 1};")
    conn.execute(
        "INSERT INTO sources (id, kind, location, name, added, feed_keys) "
        "VALUES (1, 'feed', 'http://x/feed', 'x', 0, '[\"g8\", \"g9\"]')"
    )
    conn.close()
    store = Store(path)
    assert store.feed_keys(1) == {"g8", "g9"}
    left = store.conn.execute("SELECT feed_keys FROM sources").fetchall()
    assert left == [(None,)]  # out of the row (the column stays: no DROP COLUMN before 3.35)
    store.remove_source(1)
    assert store.conn.execute("SELECT count(*) FROM feed_keys").fetchone()[0] == 0
    store.close()


def churning(count: int, round_: int) -> bytes:
    """A feed whose ``count`` items get new guids and later dates on every fetch (round)."""
    items = [
        {
            "title": f"Round {round_} item {n}",
            "guid": f"r{round_}-{n}",
            "pubDate": f"{round_}{n:05d}",
        }
        for n in range(count)
    ]
    return rss("Churn", items)


def test_a_feed_whose_guids_change_every_fetch_is_bounded(
    reader: Reader, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_news.core import feed_refresh

    monkeypatch.setattr(feed_refresh, "MAX_KEPT", 2500)  # 10,000 in use: the same mechanism
    server.routes["/feed"] = Route(churning(3000, 0))
    _source, report = reader.add(server.url("/feed"))
    assert report.added == 1000
    starred = reader.store.articles(View(), limit=1)[0]
    reader.store.set_starred(starred.id, True)
    for round_ in range(1, 4):
        server.routes["/feed"] = Route(churning(3000, round_))
        report = reader.refresh()
        assert report.added == 1000
    # Round 2 made 3,000: the 500 oldest went. Round 3 made 3,500: the 1,000 oldest but the
    # starred one (the newest of round 0) went.
    assert report.removed == 999
    assert reader.count(View()) == 2501
    assert starred.id in {a.id for a in reader.store.articles(View())}
    reasons = [p.reason for p in reader.problems()]
    assert reasons == [
        "it holds 3,000 items: only its newest 1,000 are read at a time",
        "over 2,500 articles: its 999 oldest went (starred ones stay)",
    ]
