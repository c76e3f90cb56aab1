"""A first sync from a real Tiny Tiny RSS, which reads category by category, and a big category
feed by feed (core/sync/ttrss.py): articles tt-rss keeps of feeds gone (its archive) come too,
an article that arrives in a category already read while the sync goes on comes in the same
sync, with none lost after it, and a big category is read feed by feed, a small one whole, each
article sent once, none lost or repeated when a category orders its feeds' articles otherwise
than they do (tt-rss's preference VFEED_GROUP_BY_FEED, scores)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers.ttrss import Article, Feed, TtRss
from tui_news.core import story_reader
from tui_news.core.library import Store
from tui_news.core.library.stories import group_new, keep_terms
from tui_news.core.reader import Reader, make_reader
from tui_news.core.sync import engine
from tui_news.core.sync import ttrss as client
from tui_news.core.sync.remote import Page


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[Reader]:
    opened = make_reader(tmp_path / "data")
    yield opened
    opened.close()


def add(reader: Reader, server: TtRss, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(server.password + "\n", encoding="utf-8")
    _, report = reader.accounts.add("ttrss", server.url, server.user, str(secret), "home")
    assert not report.failed


def titles(reader: Reader) -> dict[str, tuple[str, bool]]:
    """Each article's title -> (its source's name, starred)."""
    rows = reader.store.conn.execute(
        "SELECT a.title, s.name, a.starred FROM articles a JOIN sources s ON s.id = a.source_id"
    ).fetchall()
    assert len(rows) == len({title for title, _, _ in rows})  # no article twice
    return {title: (name, bool(starred)) for title, name, starred in rows}


def test_archived_articles_come_with_the_first_sync(
    reader: Reader, ttrss: TtRss, tmp_path: Path
) -> None:
    seeded = ttrss.seed(
        feeds=[Feed("Wire"), Feed("Gone")],
        articles=[Article("Wire", "Kept story"), Article("Gone", "Saved story", starred=True)],
    )
    # tt-rss keeps a starred article of an unsubscribed feed in its archive (no feed)
    ttrss.sql(f"UPDATE ttrss_user_entries SET feed_id = NULL WHERE ref_id = {seeded.articles[1]}")
    ttrss.sql("DELETE FROM ttrss_feeds WHERE title = 'Gone'")
    add(reader, ttrss, tmp_path)
    assert titles(reader) == {
        "Kept story": ("Wire", False),
        "Saved story": ("home: other articles", True),
    }


def test_an_article_arriving_during_the_first_sync_is_not_lost(
    reader: Reader, ttrss: TtRss, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = ["First", "Second", "Third"]
    ttrss.seed(
        feeds=[Feed(title, category=f"In {title}") for title in feeds],
        articles=[Article(title, f"{title} old story") for title in feeds],
    )
    first_id = ttrss.seeded.feeds["First"]
    page = client.TtRss._page
    arrived: list[int] = []

    def page_then_news(self: client.TtRss, listing: client.Listing, skip: int, params: Any) -> Any:
        rows = page(self, listing, skip, params)
        if not arrived and any(row["feed_id"] == first_id for row in rows):
            # First's category is read: news there, then in Third's
            arrived.append(ttrss.seed(articles=[Article("First", "First news")]).articles[0])
            arrived.append(ttrss.seed(articles=[Article("Third", "Third news")]).articles[0])
        return rows

    monkeypatch.setattr(client, "AT_ONCE", 1)  # one request at a time: categories in order
    monkeypatch.setattr(client.TtRss, "_page", page_then_news)
    add(reader, ttrss, tmp_path)
    assert len(arrived) == 2 and arrived[0] < arrived[1]
    found = titles(reader)
    assert set(found) == {*(f"{title} old story" for title in feeds), "First news", "Third news"}
    monkeypatch.undo()
    ttrss.seed(articles=[Article("Second", "Later story")])
    assert not reader.accounts.sync().failed
    assert set(titles(reader)) == {*found, "Later story"}


def test_a_big_category_is_read_feed_by_feed_a_small_one_whole(
    reader: Reader, ttrss: TtRss, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = ["Alpha", "Beta", "Gamma"]
    ttrss.seed(
        feeds=[Feed(title, category="Big") for title in feeds]
        + [Feed(title, category="Small") for title in ("Left", "Right")],
        articles=[
            Article(title, f"{title} {n}", published=1_700_000_000 + n * 60 + i)
            for n in range(5)
            for i, title in enumerate(feeds)
        ]
        + [
            Article(t, f"{t} 0", published=1_700_001_000 + i)
            for i, t in enumerate(("Left", "Right"))
        ],
    )
    asked: list[tuple[client.Listing, int, int]] = []
    sent: Counter[int] = Counter()  # article id -> the rows of it sent, probes aside
    page = client.TtRss._page

    def noted(self: client.TtRss, listing: client.Listing, skip: int, params: Any) -> Any:
        asked.append((listing, skip, params.get("limit", client.PAGE)))
        rows = page(self, listing, skip, params)
        if "limit" not in params:
            sent.update(row["id"] for row in rows)
        return rows

    # pages of 2 rows; a category of 3 feeds is read whole up to 4 rows, of 2 up to 2
    monkeypatch.setattr(client, "PAGE", 2)
    monkeypatch.setattr(client, "SORTS_PER_REQUEST", 4)
    assert (client.whole_most(3), client.whole_most(2), client.whole_most(1)) == (4, 2, -1)
    monkeypatch.setattr(client.TtRss, "_page", noted)
    add(reader, ttrss, tmp_path)
    assert len(titles(reader)) == 17
    assert len(sent) == 17 and set(sent.values()) == {1}  # the server sent each article once
    probes = sorted(skip for listing, skip, limit in asked if limit == 1)
    assert probes == [2, 4]  # one row at the most each category is read whole with
    read = [(listing, skip) for listing, skip, limit in asked if limit != 1 and listing.id > 0]
    ids = ttrss.seeded.feeds
    assert {listing.id for listing, _ in read if not listing.category} == {
        ids[title] for title in feeds
    }  # Big (15 rows) feed by feed, Small (2) whole
    assert sorted(skip for listing, skip in read if listing.category) == [0, 2]


def test_a_category_ordered_otherwise_than_its_feeds_loses_and_repeats_nothing(
    reader: Reader, ttrss: TtRss, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    week = 7 * 24 * 3600
    later = 1_700_000_000 + 2 * week
    seeded = ttrss.seed(
        feeds=[Feed(title, category="Big") for title in ("Alpha", "Beta")]
        + [Feed(title, category="Whole") for title in ("Left", "Right")],
        articles=[
            Article("Alpha", "Alpha old", published=1_700_000_000),
            Article("Left", "Left old", published=1_700_000_001),
            *(
                Article(title, f"{title} {n}", published=later + n * 60 + i)
                for n in range(3)
                for i, title in enumerate(("Alpha", "Beta", "Left", "Right"))
                if title != "Left" or n < 1
            ),
        ],
    )
    # a filter scored the old articles up: first in their feeds' own order; with the preference
    # a category lists week by week, then feed by feed, so there they come last
    ttrss.sql("UPDATE ttrss_user_entries SET score = 50 FROM ttrss_entries e"
              " WHERE e.id = ref_id AND e.title LIKE '% old'")  # fmt: skip
    ttrss.set_pref("VFEED_GROUP_BY_FEED", True)
    yielded: Counter[str] = Counter()
    articles = client.TtRss.articles

    def noted(self: client.TtRss, cursor: str | None) -> Iterator[Page]:
        for page in articles(self, cursor):
            yielded.update(item.id for item in page.articles)
            yield page

    # pages of 2 rows; a category of 2 feeds is read whole up to 5 rows: Whole (5) in 3 pages,
    # Big (7) feed by feed
    monkeypatch.setattr(client, "PAGE", 2)
    monkeypatch.setattr(client, "SORTS_PER_REQUEST", 16)
    assert client.whole_most(2) == 5
    monkeypatch.setattr(client.TtRss, "articles", noted)
    add(reader, ttrss, tmp_path)
    assert yielded == Counter({str(i): 1 for i in seeded.articles})
    assert len(titles(reader)) == len(seeded.articles) == 12


def test_an_old_article_a_filter_scored_first_makes_nothing_read_twice(
    reader: Reader, ttrss: TtRss, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = ttrss.seed(
        feeds=[Feed("Wire", category="News"), Feed("Post", category="News")],
        articles=[
            Article(feed, f"{feed} {n}", published=1_700_000_000 + n * 60)
            for n in range(4)
            for feed in ("Wire", "Post")
        ],
    )
    oldest = min(seeded.articles)
    # tt-rss lists by score first: the oldest article tops the list of all articles
    ttrss.sql(f"UPDATE ttrss_user_entries SET score = 50 WHERE ref_id = {oldest}")
    remote = client.TtRss(ttrss.url, ttrss.user, ttrss.password, None)
    try:
        remote.login()
        assert remote._newest_id() == max(seeded.articles)
    finally:
        remote.close()
    sent: Counter[int] = Counter()  # article id -> the rows of it sent, probes aside
    page = client.TtRss._page

    def noted(self: client.TtRss, listing: client.Listing, skip: int, params: Any) -> Any:
        rows = page(self, listing, skip, params)
        if "limit" not in params:
            sent.update(row["id"] for row in rows)
        return rows

    monkeypatch.setattr(client, "PAGE", 3)
    monkeypatch.setattr(client.TtRss, "_page", noted)
    add(reader, ttrss, tmp_path)
    assert sent == Counter(seeded.articles)  # each sent once: none again at the end
    assert len(titles(reader)) == 8


def test_a_first_sync_works_on_stories_while_it_downloads_then_groups_them(
    reader: Reader, ttrss: TtRss, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = time.time()
    quake = "<p>A magnitude 7.1 earthquake struck eastern Turkey, killing 58 people in Malatya.</p>"
    ttrss.seed(
        feeds=[Feed(title, category="News") for title in ("Wire", "Times", "Digest")],
        articles=[
            Article("Wire", "Magnitude 7.1 earthquake strikes Turkey", quake,
                    published=now - 3 * 3600),
            Article("Times", "Turkey quake: at least 58 dead after 7.1 tremor",
                    "<p>At least 58 people died when a quake hit near Malatya in Turkey.</p>",
                    published=now - 2 * 3600),
            *(Article("Digest", f"Market note {n}", f"<p>Shares of firm {n} moved.</p>",
                      published=now - 3600 - n) for n in range(6)),
        ],
    )  # fmt: skip
    runs: list[tuple[str, str]] = []  # (thread, which) of each run of the grouping's parts
    worked = threading.Event()

    def ahead(store: Store, after: int = 0) -> int:
        runs.append((threading.current_thread().name, "ahead"))
        worked.set()
        return keep_terms(store, after=after)

    page = client.TtRss._page

    def later(self: client.TtRss, listing: client.Listing, skip: int, params: Any) -> Any:
        if skip >= 4:  # the third page comes once the first ones' stories were worked on
            worked.wait(10)
        return page(self, listing, skip, params)

    def grouping(store: Store) -> int:
        runs.append((threading.current_thread().name, "group"))
        return group_new(store)

    monkeypatch.setattr(story_reader, "keep_terms", ahead)
    monkeypatch.setattr(story_reader, "group_new", grouping)
    monkeypatch.setattr(client, "PAGE", 2)  # pages of 2 rows, each stored on its own
    monkeypatch.setattr(engine, "STORE_BATCH", 2)
    monkeypatch.setattr(client.TtRss, "_page", later)
    add(reader, ttrss, tmp_path)
    assert ("tui-news-stories", "ahead") in runs  # while the rest downloaded
    assert runs[-1] == ("MainThread", "group")  # then grouped, once
    assert [which for _, which in runs].count("group") == 1
    stories = dict(reader.store.conn.execute("SELECT title, story FROM articles"))
    assert len(stories) == 8
    quakes = {stories["Magnitude 7.1 earthquake strikes Turkey"],
              stories["Turkey quake: at least 58 dead after 7.1 tremor"]}  # fmt: skip
    assert len(quakes) == 1 and None not in quakes  # one story
    assert {stories[f"Market note {n}"] for n in range(6)} == {None}  # each alone
