"""Grouping stories while a refresh stores its articles (core/story_grouping.py): batch by batch
in a thread of its own, ending as grouping all at once would, and never losing an article."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from datetime import datetime
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tests.feedserver import FeedServer, Route, rss
from tui_news.core import story_reader
from tui_news.core.errors import LibraryError
from tui_news.core.feed_refresh import FetchSettings
from tui_news.core.library import Store
from tui_news.core.library.stories import group_new, keep_terms
from tui_news.core.reader import Reader, make_reader

LABELLED = Path(__file__).parent / "stories" / "labelled.json"
THREAD = "tui-news-stories"


@pytest.fixture
def outlets(server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The labelled set's 16 outlets as feeds, dated to end an hour ago; half of them answer
    half a second late, so a refresh stores (and can group) the others first. Every feed is
    stored in a batch of its own."""
    data = json.loads(LABELLED.read_text(encoding="utf-8"))
    dated = [datetime.fromisoformat(a["published"]).timestamp() for a in data]
    shift = datetime.now().timestamp() - 3600 - max(dated)
    feeds: dict[int, list[dict[str, str]]] = defaultdict(list)
    for article, published in zip(data, dated, strict=True):
        feeds[article["feed"]].append(
            {
                "title": escape(article["title"]),
                "guid": str(article["id"]),
                "description": escape(article["text"]),
                "pubDate": formatdate(published + shift, usegmt=True),
            }
        )
    for feed, items in feeds.items():
        server.routes[f"/{feed}"] = Route(rss(f"Outlet {feed}", items), delay=0.5 * (feed % 2))
    monkeypatch.setattr(Reader, "fetch_settings", property(lambda _: FetchSettings(store_batch=1)))
    return [server.url(f"/{feed}") for feed in sorted(feeds)]


def subscribed(reader: Reader, urls: list[str]) -> Reader:
    for url in urls:
        reader.store.add_source("feed", url, url.rsplit("/", 1)[1], None)
    return reader


def stories(store: Store) -> set[frozenset[str]]:
    """The stories of more than one article, as sets of their articles' keys."""
    told: dict[int, set[str]] = defaultdict(set)
    for key, story in store.conn.execute("SELECT key, story FROM articles WHERE story NOT NULL"):
        told[story].add(key)
    return {frozenset(keys) for keys in told.values()}


def spied(monkeypatch: pytest.MonkeyPatch, fail_ahead: bool = False) -> list[tuple[str, str, int]]:
    """Record each run of the work done ahead and of the grouping (thread, which, result);
    optionally make the work ahead fail as a full disk would."""
    runs: list[tuple[str, str, int]] = []

    def ahead(store: Store, after: int = 0) -> int:
        if fail_ahead:
            runs.append((threading.current_thread().name, "ahead", -1))
            raise LibraryError("the library could not be saved (disk full); what was saved is kept")
        runs.append((threading.current_thread().name, "ahead", keep_terms(store, after=after)))
        return runs[-1][2]

    def grouping(store: Store) -> int:
        runs.append((threading.current_thread().name, "group", group_new(store)))
        return runs[-1][2]

    monkeypatch.setattr(story_reader, "keep_terms", ahead)
    monkeypatch.setattr(story_reader, "group_new", grouping)
    return runs


def test_a_refresh_grouped_batch_by_batch_ends_as_one_grouped_at_once(
    reader: Reader, tmp_path: Path, outlets: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    at_once = subscribed(make_reader(tmp_path / "at-once"), outlets)
    at_once.config.group_stories = False
    at_once.refresh()
    assert stories(at_once.store) == set()
    assert at_once.store.conn.execute("SELECT count(*) FROM story_terms").fetchone() == (0,)
    group_new(at_once.store)
    expected = stories(at_once.store)
    at_once.close()
    assert len(expected) >= 30  # the stories of the last week told by several outlets

    runs = spied(monkeypatch)
    report = subscribed(reader, outlets).refresh()
    assert report.added == 451 and not report.failed
    ahead = [kept for name, which, kept in runs if (name, which) == (THREAD, "ahead")]
    assert len(ahead) > 1 and sum(ahead) == 0  # the parser kept every article's terms
    assert runs[-1][:2] == ("MainThread", "group")  # then all grouped at once
    assert len(runs) == len(ahead) + 1
    assert stories(reader.store) == expected


def test_the_terms_the_parser_keeps_are_those_of_the_stored_article(
    reader: Reader, outlets: list[str]
) -> None:
    # a refresh's parser works out each new article's story terms as it reads the feed (in
    # the parsing processes, for a big refresh): they are those of its headline and text as
    # stored, as grouping would work them out from the library
    from tui_news.core.library.stories import MAX_AGE
    from tui_news.core.story_text import LEAD_CHARS, decode, features

    reader.config.group_stories = True
    subscribed(reader, outlets).refresh()
    rows = reader.store.conn.execute(
        f"SELECT t.terms, a.title, substr(a.body, 1, {LEAD_CHARS}) FROM story_terms t "
        "JOIN articles a ON a.id = t.id"
    ).fetchall()
    recent = reader.store.conn.execute(  # grouping compares those of the last week
        "SELECT count(*) FROM articles WHERE published > ?", (time.time() - MAX_AGE + 600,)
    ).fetchone()[0]
    assert len(rows) >= recent >= 150
    assert [decode(terms) for terms, _, _ in rows] == [features(t, lead) for _, t, lead in rows]


def test_a_failing_grouping_thread_loses_no_article_and_is_one_line(
    reader: Reader, tmp_path: Path, outlets: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = spied(monkeypatch, fail_ahead=True)
    report = subscribed(reader, outlets).refresh()  # the thread fails at its first run
    assert [which for _, which, _ in runs] == ["ahead", "group"]
    assert report.added == 451  # and the grouping at the end does all the work
    assert len(stories(reader.store)) >= 30

    def failing(store: Store) -> int:  # now the library cannot be written at all
        raise LibraryError("the library could not be saved (disk full); what was saved is kept")

    monkeypatch.setattr(story_reader, "group_new", failing)
    other = subscribed(make_reader(tmp_path / "other"), outlets)
    with pytest.raises(LibraryError) as raised:
        other.refresh()
    assert "\n" not in str(raised.value)
    assert other.store.conn.execute("SELECT count(*) FROM articles").fetchone() == (451,)
    other.close()
