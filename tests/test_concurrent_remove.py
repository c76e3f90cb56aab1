"""Removing a source while a refresh reads it loses nothing else of that refresh."""

from __future__ import annotations

import time
from pathlib import Path

from tests.feedserver import FeedServer, Route, rss
from tests.test_durability import check_library, finish, tui_news


def test_removing_a_feed_during_its_refresh_keeps_the_rest_of_the_batch(
    tmp_path: Path, server: FeedServer
) -> None:
    data = tmp_path / "data"
    for name in ("early", "slow", "late"):
        items = [{"guid": f"{name}-{i}", "title": f"{name} story {i}"} for i in range(3)]
        server.routes[f"/{name}"] = Route(rss(name.title(), items), etag=False)
        assert finish(tui_news(data, "add", server.url(f"/{name}")))[0] == 0
    for name in ("early", "slow", "late"):  # every item new on the next fetch
        items = [{"guid": f"{name}-new-{i}", "title": f"new {name} {i}"} for i in range(3)]
        server.routes[f"/{name}"] = Route(rss(name.title(), items), etag=False)
    server.routes["/slow"].delay = 1.5
    server.requests.clear()

    refresh = tui_news(data, "refresh")
    deadline = time.monotonic() + 30
    while "/slow" not in [path for path, _ in server.requests]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    removed = finish(tui_news(data, "remove", "Slow"))
    status, out, err = finish(refresh)

    assert removed[0] == 0, removed[2]
    assert (status, err) == (0, ""), err
    assert "6 new" in out
    conn = check_library(data / "library.sqlite")
    titles = {row[0] for row in conn.execute("SELECT title FROM articles")}
    assert {f"new {name} {i}" for name in ("early", "late") for i in range(3)} <= titles
    assert not any(title.startswith(("slow", "new slow")) for title in titles)
