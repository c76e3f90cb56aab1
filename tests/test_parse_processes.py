"""A big refresh parses in other processes, and nothing waits for them to start."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tests.feedserver import FeedServer, Route, rss
from tui_news.core import feed_refresh
from tui_news.core.feed_refresh import FetchSettings, refresh_feeds
from tui_news.core.library import Store
from tui_news.core.sources.feeds import Feed, parse_feed

PARSED_BY: list[int] = []  # in each process, the ids of the processes that parsed there


def counting_parse(body: bytes, url: str) -> Feed:
    """parse_feed, noting which process ran it (importable, so a parsing process can run it)."""
    PARSED_BY.append(os.getpid())
    return parse_feed(body, url)


def test_bodies_are_parsed_here_while_the_processes_start(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_refresh, "parse_feed", counting_parse)
    store = Store(tmp_path / "library.sqlite")
    sources = []
    for number in range(12):
        story = {"title": f"Story {number}", "guid": str(number)}
        server.routes[f"/{number}"] = Route(body=rss(f"Feed {number}", [story]))
        sources.append(store.add_source("feed", server.url(f"/{number}"), "", None))
    settings = FetchSettings(parallel_from=1, parse_workers=1)

    report = asyncio.run(refresh_feeds(store, sources, settings))

    assert report.added == 12 and not report.failed
    here = PARSED_BY.count(os.getpid())
    assert 0 < here < 12  # the first feed went to the new process, others came meanwhile
